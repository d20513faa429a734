"""The open profile behind the main screen: its edits, the background work on it (digest,
signing key, the Check pane's runs), opening and saving it, and the entry points of the
profile dialogs (flows/profiles.py).

Every change of the open profile comes through `set_profile`, which hands the new state
down with `refresh_views`; the main screen (screens/main.py) adds the panes to that.
"""

from __future__ import annotations

from textual import on, work
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from ...core import fields
from ...core.checks import check_profile
from ...core.factory import new_profile
from ...core.profile import Profile
from ...core.store import ProfileChangedOnDisk, StoreError
from .. import messages as news
from ..checks import CheckJobs
from ..digests import DigestJobs
from ..flows import profiles as flows
from ..flows.secrets import confirm_new_secrets, new_value
from ..keys import KeyJobs
from ..panes.base import typed
from ..session import ProfileSession
from ..state import MISMATCH, ViewState
from ..widgets.text import outside_markup, outside_path_markup
from .asking import DIALOG, one_dialog_at_a_time


class ProfileScreen(Screen):
    def __init__(self, session: ProfileSession, requested: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.requested = requested
        self.digests = DigestJobs(self)
        self.keys = KeyJobs(self)
        self.checks = CheckJobs(self)  # the Check pane's audit, doctor and apply plans
        self.state = ViewState(Profile())
        # Problems of fields that are not in the profile (the digest cost being typed).
        self.field_problems: dict[str, list] = {}
        self.revealed = False  # ctrl+t: the secrets in clear on every pane

    # What the main screen shows of it -----------------------------------------------------

    def view_state(self) -> ViewState:
        profile = self.session.profile
        status, digest_findings, seconds = self.digests.status(profile)
        findings = (check_profile(profile, verify_digest=False) + digest_findings
                    + self.keys.findings(profile))
        if self.keys.generating:  # "no key yet" while it is being made: the status says so
            findings = [f for f in findings
                        if f.field not in ("signing_key", "signing_key_id", "key_bits")]
        return ViewState(profile, findings, status, seconds, self.keys.generating,
                         self.revealed)

    def refresh_views(self) -> None:
        """The state of now (the main screen hands it to every pane)."""
        self.state = self.view_state()

    def show_checks(self) -> None:
        """The Check pane shows the runs as they are now (the main screen has the pane)."""

    def show_summary(self) -> None:
        """The count of problems under the panes (the main screen has it)."""

    def show_title(self) -> None:
        # The header reads "LibreChat ⇄ Authelia — NAME ● unsaved": one space
        # around each mark.
        self.app.sub_title = (f"{self.session.name}"
                              f"{' ● unsaved' if self.session.dirty else ''}")

    # Changing the open profile ------------------------------------------------------------

    def set_profile(self, profile: Profile) -> None:
        """Every change of the open profile comes through here, and is shown at once."""
        self.session.profile = profile
        self.show_title()
        self.digests.profile_changed(profile)
        self.refresh_views()

    @on(news.ProfileEdited)
    def _profile_edited(self, message: news.ProfileEdited) -> None:
        self.update_profile(message.origin, **message.changes)

    def update_profile(self, origin: Widget | None = None, /, **changes) -> None:
        """The user edited `origin` (a field): change the profile to match.

        That field keeps the user's text while they type; every other one shows the result.
        """
        profile = self.session.profile
        if all(getattr(profile, k) == v for k, v in changes.items()):
            return  # e.g. a widget reporting the value it was just given
        profile = profile.with_changes(**changes)
        if isinstance(origin, Input) and len(changes) == 1:
            (name,) = changes
            typed(origin, getattr(profile, name))  # before the fields are refreshed
        if "client_secret" in changes:
            self.digests.schedule_rehash()  # first: no check of the outdated digest starts
        if profile.provider == "new" and not profile.hmac_secret:
            profile = profile.with_changes(hmac_secret=new_value("hmac_secret"))
        self.set_profile(profile)
        if "key_bits" in changes or (changes.get("provider") == "new"
                                     and not profile.signing_key):
            self.make_key()

    def replace_profile(self, profile: Profile) -> None:
        """Another profile altogether (opened, new, reverted): no digest or key work of the
        old one may land in it."""
        self.digests.cancel_pending()
        self.keys.cancel_pending()
        self.checks.profile_replaced()
        self.show_checks()
        self.set_profile(profile)
        if profile.provider == "new" and not profile.signing_key:
            self.make_key()

    def make_key(self) -> None:
        """A new signing key of the profile's size, made in the background."""
        self.keys.generate(self.session.profile.key_bits)
        self.refresh_views()

    @on(news.RehashRequested)
    def rehash(self, message: news.RehashRequested | None = None) -> None:
        self.digests.rehash(self.session.profile, message.params if message else None)
        self.refresh_views()

    def regenerate(self, field: str) -> None:
        if field == "signing_key":
            self.make_key()
            self.notify("Making a new signing key… Save with ctrl+s once it is ready.")
            return
        self.set_profile(self.session.profile.with_changes(**{field: new_value(field)}))
        if field == "client_secret":
            self.rehash()
        profile = self.session.profile
        if field == "client_secret" and profile.digest_outside:
            # Never made here: the digest Authelia reads is the user's, from the new secret.
            from ...core.digest import HASH_COMMAND
            from ...core.words import with_name

            command = outside_markup(with_name(HASH_COMMAND, self.session.name))
            self.notify(f"New client secret generated, but its digest comes from "
                        f"{outside_markup(profile.digest_template)} in Authelia's "
                        "configuration: save with ctrl+s, then make it again there from the "
                        f"new secret ({command}), or let the "
                        "profile hold the digest (librechat-authelia set --digest "
                        f"{profile.digest_algorithm}).", severity="warning", timeout=15)
            return
        self.notify(f"New {fields.label(field)} generated. Save with ctrl+s.")

    @one_dialog_at_a_time
    async def regenerate_secrets(self) -> None:
        """Both secrets at once, after a confirmation: Authelia and LibreChat both change."""
        if await confirm_new_secrets(self.app):
            self.regenerate("client_secret")
            self.regenerate("session_secret")

    @on(news.StepTicked)
    def tick_step(self, message: news.StepTicked) -> None:
        """Tick a step and store the tick at once, leaving other unsaved edits unsaved."""
        from ...core.checklist import toggle_step  # with the checklist pane, after start-up

        self.set_profile(toggle_step(self.session.profile, message.step_id))
        try:
            self.session.store_checklist()
        except ProfileChangedOnDisk as error:
            self.resolve_changed_on_disk(error)
            return
        except StoreError as error:
            self.notify(outside_markup(error), title="Cannot save the tick", severity="error")
            return
        self.show_title()

    # News from the background jobs --------------------------------------------------------

    @on(news.DigestMade)
    def _digest_made(self, message: news.DigestMade) -> None:
        """Keep the digest if it is the latest asked for and the secret is still the same."""
        profile = self.session.profile
        if not self.digests.hashed(message) or profile.client_secret != message.secret:
            self.refresh_views()
            return
        self.set_profile(profile.with_changes(client_secret_digest=message.value))
        self.save_if_ready()

    @on(news.DigestFailed)
    def _digest_failed(self, message: news.DigestFailed) -> None:
        if self.digests.hash_failed(message):
            self.notify(outside_markup(message.problem), title="Cannot hash", severity="error")
            self.refresh_views()

    @on(news.DigestVerified)
    def _digest_verified(self, message: news.DigestVerified) -> None:
        self.digests.verified(message, self.session.profile)
        self.refresh_views()

    @on(news.KeyMade)
    def _key_made(self, message: news.KeyMade) -> None:
        """Keep the key if the profile still wants one of that size."""
        profile = self.session.profile
        if (not self.keys.made(message) or profile.provider != "new"
                or profile.key_bits != message.bits):
            self.refresh_views()
            return
        self.set_profile(profile.with_changes(signing_key=message.pem,
                                              signing_key_id=message.key_id))
        self.save_if_ready()

    @on(news.KeyFailed)
    def _key_failed(self, message: news.KeyFailed) -> None:
        if self.keys.failed(message):
            self.notify(outside_markup(message.problem), title="Cannot make the signing key",
                        severity="error")
            self.refresh_views()

    @on(news.KeyChecked)
    def _key_checked(self, message: news.KeyChecked) -> None:
        self.keys.checked(message)
        self.refresh_views()

    @on(news.AuditFinished)
    def _audit_finished(self, message: news.AuditFinished) -> None:
        if self.checks.audit_finished(message):
            self.show_checks()

    @on(news.DoctorFinding)
    def _doctor_finding(self, message: news.DoctorFinding) -> None:
        if self.checks.doctor_finding(message):
            self.show_checks()

    @on(news.DoctorFinished)
    def _doctor_finished(self, message: news.DoctorFinished) -> None:
        if self.checks.doctor_finished(message):
            self.show_checks()

    # Opening and saving -------------------------------------------------------------------

    def open_profile(self, name: str) -> None:
        flows.open_profile(self, name)

    def open_initial_profile(self, requested: str | None) -> str | None:
        """The requested profile, else the last used, else any, else a new saved one.

        Returns the requested name when there is no such profile (the user is asked)."""
        return flows.open_initial_profile(self, requested)

    def show_fresh_profile(self, name: str, save: bool = False) -> None:
        """A complete new profile at once; its digest is computed in a worker.

        With save=True (the very first run) it is saved as soon as the digest is ready, so
        the secrets the user may already have copied are never lost.
        """
        self.session.save_when_ready(save)
        # Digest and key are made in the background: the screen shows the profile at once.
        self.session.start(name, new_profile(hash_digest=False, generate_key=False))
        self.replace_profile(self.session.profile)
        self.rehash()

    def save_if_ready(self) -> None:
        if self.session.save_due(self.digests.hashing or self.keys.generating):
            self.action_save()

    def action_save(self, replace_changed: bool = False) -> bool:
        if self.digests.hashing or self.keys.generating:
            self.session.save_when_ready()
            self.notify("Saving as soon as the digest and the signing key are ready.")
            return False
        refusal = self.session.save_refusal(self.state.digest_status == MISMATCH)
        if refusal:
            self.notify(refusal, title="Not saved", severity="error", timeout=15)
            return False
        try:
            self.session.save(replace_changed=replace_changed)
        except ProfileChangedOnDisk as error:
            self.resolve_changed_on_disk(error)
            return False
        except StoreError as error:
            self.notify(outside_markup(error), title="Not saved", severity="error", timeout=15)
            return False
        self.show_title()
        self.notify(f"Saved profile {self.session.name} to\n"
                    f"{outside_path_markup(self.session.path())}")
        return True

    # The profile dialogs (each in the dialog worker: it waits for the user) ---------------

    async def settle_unsaved(self, what: str) -> bool:
        """True when it is fine to leave the current profile (saved, or discarded)."""
        return await flows.settle_unsaved(self, what)

    @one_dialog_at_a_time
    async def action_revert(self) -> None:
        await flows.revert(self)

    @one_dialog_at_a_time
    async def action_profiles(self) -> None:
        await flows.choose_profile(self)

    @work(group=DIALOG)
    async def ask_about_missing_profile(self, name: str) -> None:
        await flows.ask_about_missing_profile(self, name)

    # Not a key's flow: a save refused by the store may come from inside another flow (the
    # save before a switch), whose dialog is gone by then; that flow goes on after it.
    @work(group=DIALOG)
    async def resolve_changed_on_disk(self, error: ProfileChangedOnDisk) -> None:
        await flows.resolve_changed_on_disk(self, error)
