"""The main screen: the panes over one open profile, and the flows that change it.

Data goes down: every pane is handed the state it shows (a ViewState, and the Check pane
the audit and doctor runs). News comes back up as messages (tui/app/messages.py): the
panes' intents (ProfileEdited, RegenerateRequested, SnippetAction, ...) and the background
jobs' results (DigestMade, KeyMade, AuditFinished, ...). The profile's life is in
session.py, the dialogs' flows for the user's files in file_actions.py.

Only the first pane is composed before the first screen; the others are mounted into the
ContentSwitcher right after it is drawn, or at once when one is asked for first.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher, Header, Input
from textual.widgets._toast import ToastRack

from ...core import fields
from ...core.checks import check_profile
from ...core.factory import new_profile
from ...core.profile import Profile
from ...core.store import ProfileChangedOnDisk, StoreError
from .. import messages as news
from ..checks import NOT_RUN, CheckJobs
from ..digests import DigestJobs
from ..keys import KeyJobs
from ..panes.base import Pane, typed
from ..panes.registry import FIELD_PANES, PANE_IDS, PANES, PROVIDER_ONLY, SHORT_TITLES, pane_class
from ..session import DEFAULT_PROFILE_NAME, ProfileSession
from ..startup import release_collector
from ..state import MISMATCH, ViewState
from ..widgets.findings import FindingsSummary
from ..widgets.footer import AppFooter
from ..widgets.panebar import PaneBar
from ..widgets.text import outside_markup, outside_path_markup
from .asking import one_dialog_at_a_time
from .profiles import ProfileFlows

# The rows a toast takes (two lines of text, its padding and margin), before one is shown.
TOAST_ROWS = 5


class MainScreen(ProfileFlows, Screen):
    # The screen focuses the first field itself, once the profile is in the fields: a
    # focused field is never filled (it might hold what the user is typing).
    AUTO_FOCUS = ""
    # Tab moves the focus as soon as it arrives, not once it has bubbled up from the
    # focused field through the pane: keys typed right after it land in the next field.
    BINDINGS = [Binding("tab", "app.focus_next", show=False, priority=True),
                Binding("shift+tab", "app.focus_previous", show=False, priority=True)]

    def __init__(self, session: ProfileSession, requested: str | None = None) -> None:
        super().__init__(id="_default")
        self.session = session
        self.requested = requested
        self.digests = DigestJobs(self)
        self.keys = KeyJobs(self)
        self.checks = CheckJobs(self)  # the Check pane's audit, doctor and apply plans
        self.state = ViewState(Profile())
        self.panes: dict[str, Pane] = {}
        self._mounts: dict[str, AwaitMount] = {}
        self.panes_ready = False
        # Problems of fields that are not in the profile (the digest cost being typed).
        self.field_problems: dict[str, list] = {}
        self.revealed = False  # ctrl+t: the secrets in clear on every pane

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._missing = self.open_initial_profile(self.requested)
        self.state = self._view_state()
        first = PANE_IDS[0]
        # Only the first pane's module is imported before the first screen.
        self.panes[first] = pane_class(first)(self.state, id=f"pane-{first}")
        yield Header()
        yield PaneBar([(pane_id, f_key, title, SHORT_TITLES[pane_id])
                       for pane_id, title, f_key, *_ in PANES], active=first, id="pane-bar")
        with ContentSwitcher(id="panes", initial=f"pane-{first}"):
            yield self.panes[first]  # the others after the first screen is drawn
        yield FindingsSummary(id="summary")
        yield AppFooter()

    def on_mount(self) -> None:
        self._mounts[PANE_IDS[0]] = AwaitMount(self, [self.panes[PANE_IDS[0]]])
        self.show_title()
        self.show_summary()
        # Typing works at once: in the first field, at the end of its value.
        self.set_focus(self.query_one("#input-app_url"))
        if self._missing:
            self.ask_about_missing_profile(self._missing)
        self.call_after_refresh(self._mount_other_panes)
        self.screen_layout_refresh_signal.subscribe(self, self._place_toasts)

    async def _mount_other_panes(self) -> None:
        """Mount the other panes once the first screen is drawn (each is drawn when shown)."""
        for pane_id in PANE_IDS:
            if not self.is_attached:
                return  # the app is closing
            await self._mounted(pane_id)
        self.panes_ready = True
        release_collector()
        self.keys.checks_allowed = True  # reading a key loads `cryptography`: not before
        self.refresh_views()

    def _mounted(self, pane_id: str) -> AwaitMount:
        """The pane built with the state of now and mounted (hidden until shown); awaiting
        it waits for that."""
        if pane_id not in self._mounts:
            pane = self.panes[pane_id] = pane_class(pane_id)(self.state, id=f"pane-{pane_id}")
            self.show_checks()  # the Check pane starts with the runs as they are
            pane.display = False
            self._mounts[pane_id] = self.query_one("#panes", ContentSwitcher).mount(pane)
        return self._mounts[pane_id]

    def _place_toasts(self, _screen: Screen | None = None) -> None:
        """Toasts open at the bottom right, unless they would hide the focused control
        there: then at the top (a control taller than half the screen is hidden in part
        either way)."""
        focused = self.focused
        if focused is None or not focused.region.area:
            return
        for rack in self.query_children(ToastRack):
            rows = rack.region.height if rack.display and rack.region.height else TOAST_ROWS
            above_footer = self.region.bottom - 2  # the footer, and the rack's margin
            zone = Region(0, above_footer - rows, self.region.width, rows)
            rack.set_class(zone.overlaps(focused.region)
                           and focused.region.height <= self.region.height // 2, "-top")

    def on_unmount(self) -> None:
        self.checks.stop()  # a running doctor run stops (its thread is a daemon anyway)

    def active_pane_id(self) -> str:
        return (self.query_one("#panes", ContentSwitcher).current or "").removeprefix("pane-")

    @property
    def busy(self) -> bool:
        """Digest, key or check work is running, or a typed value waits to be applied
        (tests wait for this)."""
        return (self.digests.busy or self.keys.busy or self.checks.busy
                or any(pane.busy for pane in self.panes.values()))

    # Showing ---------------------------------------------------------------------------

    def _view_state(self) -> ViewState:
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
        """Hand every pane the new state; only the one on screen is redrawn now."""
        self.state = self._view_state()
        if not self.panes:
            return  # not composed yet: the panes are built with this state
        active = self.active_pane_id()
        for pane_id, pane in self.panes.items():
            pane.show_state(self.state, now=pane_id == active)
        if active == "check":
            self._audit_on_first_show()
        self.show_summary()

    def _audit_on_first_show(self) -> None:
        profile = self.state.profile
        if (self.checks.audit.state == NOT_RUN and profile.authelia_config_paths
                and profile.env_path):
            self.checks.run_audit(profile)
            self.show_checks()

    def show_checks(self) -> None:
        """The Check pane shows the runs as they are now (once built, it starts with them)."""
        if "check" in self.panes:
            self.panes["check"].show_checks(self.checks.audit, self.checks.doctor)
            if self.is_mounted:
                self.show_summary()

    def show_summary(self) -> None:
        """The profile's problems; on the Check pane, the audit's and the doctor's too."""
        extra = [f for problems in self.field_problems.values() for f in problems]
        runs = self.checks.summary() if self.active_pane_id() == "check" else None
        self.query_one("#summary", FindingsSummary).show(extra + self.state.findings, runs)

    def show_title(self) -> None:
        # The header reads "LibreChat ⇄ Authelia — NAME ● unsaved": one space
        # around each mark.
        self.app.sub_title = (f"{self.session.name}"
                              f"{' ● unsaved' if self.session.dirty else ''}")

    async def action_show_pane(self, pane_id: str) -> None:
        await self._mounted(pane_id)
        self.query_one("#panes", ContentSwitcher).current = f"pane-{pane_id}"
        self.query_one("#pane-bar", PaneBar).active = pane_id
        pane = self.panes[pane_id]
        pane.draw()
        if pane_id == "check":
            self._audit_on_first_show()
        self.show_summary()
        # Back to the control the user left, else the first: at once, not deferred like
        # Widget.focus(), so the next key lands in this pane; scrolled into sight once the
        # pane is laid out, so that key never lands out of sight.
        target = pane.focus_target()
        self.set_focus(target, scroll_visible=False)
        self.call_after_refresh(self._scroll_into_view, target)

    def _scroll_into_view(self, widget: Widget) -> None:
        """Scroll `widget` into sight unless it already is (a list taller than the pane
        counts as in sight when part of it shows: scrolling to it would hide the pane's top)."""
        if not widget.is_attached or widget is not self.focused:
            return
        region, screen = widget.region, self.region
        if region.area and (screen.contains_region(region) or (
                region.height >= screen.height // 2 and screen.overlaps(region))):
            return
        self.scroll_to_widget(widget, animate=False)

    async def action_on_pane(self, pane_id: str, action: str) -> None:
        """Run one of a pane's own actions, on that pane (the command palette's way)."""
        await self.action_show_pane(pane_id)
        await self.panes[pane_id].run_action(action)

    @on(news.PaneChosen)
    async def _pane_chosen(self, message: news.PaneChosen) -> None:
        await self.action_show_pane(message.pane_id)

    @on(news.RevealRequested)
    def _reveal_requested(self, message: news.RevealRequested) -> None:
        self.revealed = message.revealed
        self.refresh_views()

    @on(news.ValuesRequested)
    def _values_requested(self) -> None:
        self.show_values()

    @one_dialog_at_a_time
    async def show_values(self) -> None:
        from ..dialogs.values import ValuesDialog

        await self.app.push_screen_wait(ValuesDialog(self.session.profile, self.revealed))

    @on(news.FieldLeft)
    def _field_left(self, message: news.FieldLeft) -> None:
        message.pane.draw(again=True)

    # The open profile ------------------------------------------------------------------

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
            from ...core.provider import new_hmac_secret

            profile = profile.with_changes(hmac_secret=new_hmac_secret())
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

    @on(news.FieldProblems)
    def _field_problems(self, message: news.FieldProblems) -> None:
        """Findings of a field the profile does not hold: counted in the summary too."""
        if message.findings:
            self.field_problems[message.field] = message.findings
        else:
            self.field_problems.pop(message.field, None)
        self.show_summary()

    # News from the background jobs -----------------------------------------------------

    @on(news.DigestMade)
    def _digest_made(self, message: news.DigestMade) -> None:
        """Keep the digest if it is the latest asked for and the secret is still the same."""
        profile = self.session.profile
        if not self.digests.hashed(message) or profile.client_secret != message.secret:
            self.refresh_views()
            return
        self.set_profile(profile.with_changes(client_secret_digest=message.value))
        self._save_if_ready()

    @on(news.DigestFailed)
    def _digest_failed(self, message: news.DigestFailed) -> None:
        if self.digests.hash_failed(message):
            self.notify(outside_markup(message.problem), title="Cannot hash", severity="error")
            self.refresh_views()

    @on(news.DigestVerified)
    def _digest_verified(self, message: news.DigestVerified) -> None:
        self.digests.verified(message, self.session.profile)
        self.refresh_views()

    @on(news.RehashRequested)
    def rehash(self, message: news.RehashRequested | None = None) -> None:
        self.digests.rehash(self.session.profile, message.params if message else None)
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
        self._save_if_ready()

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

    # The panes' other intents ----------------------------------------------------------

    @on(news.RegenerateRequested)
    def _regenerate_requested(self, message: news.RegenerateRequested) -> None:
        if message.field == "secrets":
            self.regenerate_secrets()
        else:
            self.regenerate(message.field)

    def regenerate(self, field: str) -> None:
        from ...core import secretgen  # not at start-up: `secrets` loads OpenSSL

        if field == "signing_key":
            self.make_key()
            self.notify("Making a new signing key… Save with ctrl+s once it is ready.")
            return
        from ...core.provider import new_hmac_secret

        makers = {"client_id": secretgen.new_client_id,
                  "client_secret": secretgen.new_client_secret,
                  "session_secret": secretgen.new_session_secret,
                  "hmac_secret": new_hmac_secret}
        self.set_profile(self.session.profile.with_changes(**{field: makers[field]()}))
        if field == "client_secret":
            self.rehash()
        self.notify(f"New {fields.label(field)} generated. Save with ctrl+s.")

    def action_regenerate(self, field: str) -> None:
        self.regenerate(field)

    def action_regenerate_secrets(self) -> None:
        self.regenerate_secrets()

    def action_rehash(self) -> None:
        self.rehash()

    @one_dialog_at_a_time
    async def regenerate_secrets(self) -> None:
        """Both secrets at once, after a confirmation: Authelia and LibreChat both change."""
        from ..dialogs.confirm import ConfirmDialog

        sure = await self.app.push_screen_wait(ConfirmDialog(
            "Make a new client secret and session secret? Authelia's configuration and "
            "LibreChat's .env then both need the new values.", "New secrets", danger=True))
        if sure:
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

    @on(news.SnippetAction)
    def _snippet_action(self, message: news.SnippetAction) -> None:
        if message.kind == "copy":
            self.copy_snippet(message.text, message.name)
        elif message.kind == "write":
            self.write_snippet(message.text, message.name)
        else:
            self.apply_to_file(message.name, message.text)

    @work(group="clipboard")
    async def copy_snippet(self, text: str | None, title: str) -> None:
        from ..file_actions import copy_snippet

        await copy_snippet(self.app, text, title)

    @one_dialog_at_a_time
    async def write_snippet(self, text: str | None, default_name: str) -> None:
        from ..file_actions import write_snippet_to_file

        await write_snippet_to_file(self.app, text, default_name)

    @one_dialog_at_a_time
    async def apply_to_file(self, target: str, text: str | None) -> None:
        from ..file_actions import apply_to_file

        written = await apply_to_file(self.app, self.checks, target, text,
                                      lambda: self.session.profile, self.update_profile,
                                      self.session.dirty)
        if written:
            self._audit_again()

    def _audit_again(self) -> None:
        profile = self.session.profile
        if profile.authelia_config_paths and profile.env_path:
            self.checks.run_audit(profile)  # the Check pane shows the files as they now are
            self.show_checks()

    @on(news.FixRequested)
    def _fix_requested(self, message: news.FixRequested) -> None:
        self.apply_fix(message.code, message.targets)

    @one_dialog_at_a_time
    async def apply_fix(self, code: str, targets: tuple[str, ...]) -> None:
        from ..file_actions import apply_fix

        if await apply_fix(self.app, self.checks, targets, code, self.session.profile,
                           self.session.dirty, self.update_profile):
            self._audit_again()

    @on(news.CheckRequested)
    def _check_requested(self, message: news.CheckRequested) -> None:
        if message.kind == "audit":
            self.checks.run_audit(self.session.profile)
        elif message.kind == "paths":
            self.set_check_paths()
            return
        elif self.checks.doctor_running:
            self.checks.cancel_doctor()
        else:
            self.checks.run_doctor(self.session.profile)
        self.show_checks()

    @one_dialog_at_a_time
    async def set_check_paths(self) -> None:
        from ..dialogs.files import PathsDialog

        profile = self.session.profile
        paths = await self.app.push_screen_wait(PathsDialog(
            (profile.authelia_config_paths, profile.env_path, profile.compose_path)))
        if paths is None:
            return
        config, env, compose = paths
        self.update_profile(authelia_config_paths=config, env_path=env, compose_path=compose)
        if config and env:
            self.checks.run_audit(self.session.profile)
        else:
            self.checks.forget_audit()
        self.show_checks()
        if self.session.dirty:
            self.notify("The files are remembered in the profile: save it with ctrl+s.")

    @on(news.JumpToField)
    async def _jump_requested(self, message: news.JumpToField) -> None:
        await self.jump_to_field(message.field)

    def field_pane(self, field: str) -> str | None:
        """The pane where `field` is edited, or None when no pane has it."""
        if field in FIELD_PANES:
            return FIELD_PANES[field]
        for pane_id, pane in self.panes.items():  # a field added later, wherever it is
            if pane.is_mounted and pane.query(f"#field-{field}"):
                return pane_id
        return None

    async def jump_to_field(self, field: str) -> None:
        """Show the pane that edits `field`, with the focus in that field."""
        pane_id = self.field_pane(field)
        if pane_id is None:
            self.notify(f"No screen edits {field}: fix it in your file.", severity="warning")
            return
        await self._mounted(pane_id)
        pane = self.panes[pane_id]
        await pane.built()
        pane.draw()  # a pane off screen may not show the profile's choices yet
        found = pane.query(f"#field-{field}")
        if found:
            if not _shown(found.first(), pane):
                if field in PROVIDER_ONLY and self.field_pane("provider"):
                    self.notify("Choose the provider section 'new' first (the profile then "
                                "writes Authelia's provider essentials too).")
                    await self.jump_to_field("provider")
                else:
                    self.notify("That field is hidden by the profile's other choices.",
                                severity="warning")
                return
            control = next((w for w in found.first().query("*") if w.focusable), None)
            if control is not None:
                pane.last_focused = control  # where show_pane puts the focus
        await self.action_show_pane(pane_id)

    # Opening the first profile ---------------------------------------------------------

    def open_initial_profile(self, requested: str | None) -> str | None:
        """The requested profile, else the last used, else any, else a new saved one.

        Returns the requested name when there is no such profile (the user is asked)."""
        try:
            return self._open_initial_profile(requested)
        except StoreError as error:  # the profiles directory itself cannot be read
            self.notify(outside_markup(error), title="Cannot read the profiles", severity="error",
                        timeout=20)
            self.show_fresh_profile(requested or DEFAULT_PROFILE_NAME, save=False)
        return None

    def _open_initial_profile(self, requested: str | None) -> str | None:
        if requested:
            if not self.session.store.exists(requested):
                # Shown, not saved: the user is asked first (a typo must not create one).
                self.show_fresh_profile(requested, save=False)
                return requested
            # If it cannot be read, the last used one (or any) opens instead, after the error.
            candidates: Iterable[str] = [requested, *(n for n in self.session
                                                       .names_last_used_first() if n != requested)]
        else:
            candidates = self.session.names_last_used_first()
        for name in candidates:
            try:
                self.open_profile(name)
                return None
            except StoreError as error:
                self.notify(f"{outside_markup(error)}. The file was left as it is.",
                            title="Cannot open profile", severity="error", timeout=20)
        first_run = not self.session.store.names()
        self.show_fresh_profile(self.session.unused_name(DEFAULT_PROFILE_NAME), save=first_run)
        return None

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

    def _save_if_ready(self) -> None:
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


def _shown(widget: Widget, pane: Pane) -> bool:
    """Not hidden by the profile's choices (the pane itself may be off screen)."""
    node = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent
    return True
