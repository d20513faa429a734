"""The app's shell: the panes and their keys over one open profile.

The profile's life is in session.py, digest work in digests.py, the profile dialog's
choices in profile_actions.py, copy and write in snippet_actions.py; this file builds the
panes, routes keys and keeps what is on screen in step with the session.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Header, Input

from ..core.checks import check_profile
from ..core.factory import new_profile
from ..core.profile import Profile, is_secret_field
from ..core.store import ProfileChangedOnDisk, ProfileStore, StoreError
from ..resources import stylesheet
from .checks import CheckJobs
from .commands import AppCommands
from .digests import DigestJobs
from .keys import KeyJobs
from .panes.base import Pane, typed
from .session import DEFAULT_PROFILE_NAME, ProfileSession
from .startup import release_collector
from .state import MISMATCH, ViewState
from .widgets.panebar import PaneBar
from .widgets.text import outside_markup, outside_path_markup

FIELD_NAMES = {"client_id": "client ID", "client_secret": "client secret",
               "session_secret": "session secret"}

# id, tab title, function key, alt+letter alias, pane class. Function keys and alt+letter
# reach the app through SSH and tmux, and no text field uses them; alt+digit does not
# survive tmux (it arrives as a Latin-1 character).
PANES = [
    ("assumptions", "Assumptions", "f2", "alt+a", "assumptions:AssumptionsPane"),
    ("secrets", "Secrets", "f3", "alt+s", "secrets:SecretsPane"),
    ("authelia", "Authelia", "f4", "alt+u", "snippets:AutheliaPane"),
    ("env", "LibreChat env", "f5", "alt+l", "snippets:EnvPane"),
    ("checklist", "Checklist", "f6", "alt+c", "checklist:ChecklistPane"),
    ("check", "Check", "f7", "alt+k", "check:CheckPane"),
]
# The pane bar's names when the full ones do not fit (below 80 columns).
SHORT_TITLES = {"assumptions": "Setup", "secrets": "Secrets", "authelia": "Authelia",
                "env": "Env", "checklist": "Steps", "check": "Check"}


class MainScreen(Screen):
    # The app focuses the first field itself, once the profile is in the fields: a focused
    # field is never filled (it might hold what the user is typing).
    AUTO_FOCUS = ""


def pane_class(pane_id: str) -> type[Pane]:
    """Import a pane's module when it is first built: start-up loads only the first."""
    from importlib import import_module

    location = next(p[-1] for p in PANES if p[0] == pane_id)
    module, name = location.split(":")
    return getattr(import_module(f"{__package__}.panes.{module}"), name)


class LibreChatAutheliaApp(App[None]):
    CSS_PATH = [stylesheet("app.tcss")]
    TITLE = "LibreChat ⇄ Authelia"
    COMMANDS = App.COMMANDS | {AppCommands}
    # Below 80 columns the pane bar shortens its names and dialogs stack their buttons.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    BINDINGS = [
        *(Binding(f"{f_key},{alt_key}", f"show_pane('{pane_id}')", f"Go to {title}",
                  show=False, priority=True, id=f"pane-{pane_id}")
          for pane_id, title, f_key, alt_key, _ in PANES),
        Binding("f1", "help", "Help", priority=True, id="help"),
        Binding("ctrl+s", "save", "Save", priority=True, id="save"),
        Binding("ctrl+o", "profiles", "Profiles", priority=True, id="profiles"),
        Binding("ctrl+b", "revert", "Revert", show=False, priority=True, id="revert",
                tooltip="Revert to saved: drop every unsaved change"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    def __init__(self, store: ProfileStore | None = None, profile_name: str | None = None):
        super().__init__()
        self.session = ProfileSession(store or ProfileStore())
        self.requested_profile = profile_name
        self.digests = DigestJobs(self)
        self.keys = KeyJobs(self)
        self.checks = CheckJobs(self)  # the Check pane's audit, doctor and apply plans
        self._stale_panes: set[str] = set()
        self.panes_ready = False
        self.state = ViewState(Profile())
        self._save_when_ready = False  # the very first run saves once digest and key are made
        # Problems of fields that are not in the profile (the digest cost being typed).
        self.field_problems: dict[str, list] = {}

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from .widgets.findings import FindingsSummary

        yield Header()
        first = PANES[0][0]
        yield PaneBar([(pane_id, f_key, title, SHORT_TITLES[pane_id])
                       for pane_id, title, f_key, *_ in PANES],
                      active=first, id="pane-bar")
        with ContentSwitcher(id="panes", initial=f"pane-{first}"):
            # Only the first pane is built before the first screen is drawn.
            yield pane_class(first)(id=f"pane-{first}")
        yield FindingsSummary(id="summary")
        yield Footer(compact=True)

    def on_resize(self, event) -> None:
        # Below 100 columns the palette hint would cut the footer's own keys short (F1 and
        # the help list it too).
        for footer in self.query(Footer):
            footer.show_command_palette = event.size.width >= 100

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def on_mount(self) -> None:
        self.open_initial_profile(self.requested_profile)
        # Typing works at once: in the first field, at the end of its value.
        self.screen.set_focus(self.query_one("#input-app_url"))
        self.call_after_refresh(self._build_next_pane)

    def _build_next_pane(self) -> None:
        """Build the other panes after the first screen, one per refresh, so keys stay quick."""
        if not self.query_one("#panes").is_attached:
            return  # the app is closing
        for pane_id, *_ in PANES:
            if not self._pane_built(pane_id):
                self._build_pane(pane_id)
                self.call_after_refresh(self._build_next_pane)
                return
        self.panes_ready = True
        release_collector()
        self.refresh_views()  # the checks held back until now (the signing key's) start

    def _pane_built(self, pane_id: str) -> bool:
        return bool(self.query(f"#pane-{pane_id}"))

    def _build_pane(self, pane_id: str):
        pane = pane_class(pane_id)(id=f"pane-{pane_id}")
        self._stale_panes.add(pane_id)
        pane.display = False  # until the switcher shows it
        return self.query_one("#panes", ContentSwitcher).mount(pane)

    def _update_pane(self, pane_id: str, tries: int = 0) -> None:
        if pane_id in self._stale_panes and self._pane_built(pane_id):
            pane = self.query_one(f"#pane-{pane_id}", Pane)
            if pane.is_mounted and pane.children:
                self._stale_panes.discard(pane_id)
                pane.update_view(self.state)
            elif tries < 100 and pane_id == self.active_pane_id():
                # Shown while still being built (a key pressed just after start): fill it
                # once it is, or it would stay blank until the profile next changes.
                self.call_after_refresh(self._update_pane, pane_id, tries + 1)

    def active_pane_id(self) -> str:
        return (self.query_one("#panes", ContentSwitcher).current or "").removeprefix("pane-")

    # The open profile ------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        return self.session.profile

    @property
    def profile_name(self) -> str:
        return self.session.name

    @property
    def dirty(self) -> bool:
        return self.session.dirty

    def set_profile(self, profile: Profile) -> None:
        """Every change of the open profile comes through here, and is shown at once."""
        self.session.profile = profile
        self.show_title()
        self.digests.profile_changed(profile)
        self.refresh_views()

    def update_profile(self, origin: Widget | None = None, /, **changes) -> None:
        """The user edited `origin` (a field): change the profile to match.

        That field keeps the user's text while they type; every other one shows the result.
        """
        if all(getattr(self.profile, k) == v for k, v in changes.items()):
            return  # e.g. a widget reporting the value it was just given
        profile = self.profile.with_changes(**changes)
        if isinstance(origin, Input) and len(changes) == 1:
            (name,) = changes
            typed(origin, getattr(profile, name))  # before the fields are refreshed
        if "client_secret" in changes:
            self.digests.schedule_rehash()  # first: no check of the outdated digest starts
        if profile.provider == "new" and not profile.hmac_secret:
            from ..core.provider import new_hmac_secret

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
        self.set_profile(profile)
        if profile.provider == "new" and not profile.signing_key:
            self.make_key()

    def make_key(self) -> None:
        """A new signing key of the profile's size, made in the background."""
        self.keys.generate(self.profile.key_bits)
        self.refresh_views()

    def key_made(self, bits: int, pem: str, key_id: str) -> None:
        """A key job finished: keep the key if the profile still wants one of that size."""
        profile = self.profile
        if profile.provider != "new" or profile.key_bits != bits:
            self.refresh_views()
            return
        self.set_profile(profile.with_changes(signing_key=pem, signing_key_id=key_id))
        self._save_if_ready()

    @property
    def background_busy(self) -> bool:
        """Digest or key work is running (tests wait for this)."""
        return self.digests.busy or self.keys.busy or self.checks.busy

    def show_title(self) -> None:
        self.sub_title = f"{self.profile_name}{'  ● unsaved changes' if self.dirty else ''}"

    def refresh_views(self) -> None:
        profile = self.profile
        status, digest_findings, seconds = self.digests.status(profile)
        findings = (check_profile(profile, verify_digest=False) + digest_findings
                    + self.keys.findings(profile))
        if self.keys.generating:  # "no key yet" while it is being made: the status says so
            findings = [f for f in findings
                        if f.field not in ("signing_key", "signing_key_id", "key_bits")]
        self.state = ViewState(profile, findings, status, seconds, self.keys.generating)
        # Only the pane on screen is redrawn now; the others when they are shown.
        self._stale_panes.update(pane_id for pane_id, *_ in PANES)
        self._update_pane(self.active_pane_id())
        self.show_summary()

    def show_summary(self) -> None:
        extra = [f for problems in self.field_problems.values() for f in problems]
        self.query_one("#summary").show(extra + self.state.findings)

    def set_field_problems(self, field: str, findings: list) -> None:
        """Findings of a field the profile does not hold: counted in the summary too."""
        if findings:
            self.field_problems[field] = findings
        else:
            self.field_problems.pop(field, None)
        self.show_summary()

    @property
    def hashing(self) -> bool:
        return self.digests.hashing

    def rehash(self, params: dict[str, int] | None = None) -> None:
        self.digests.rehash(params)

    def digest_made(self, secret: str, value: str) -> None:
        """A digest worker finished: keep the digest if the secret is still the same."""
        if self.profile.client_secret != secret:
            self.refresh_views()
            return
        self.set_profile(self.profile.with_changes(client_secret_digest=value))
        self._save_if_ready()

    def _save_if_ready(self) -> None:
        if self._save_when_ready and not self.digests.hashing and not self.keys.generating:
            self._save_when_ready = False
            self.action_save()

    def regenerate(self, field: str) -> None:
        from ..core import secretgen  # not at start-up: `secrets` loads OpenSSL

        if field == "signing_key":
            self.make_key()
            self.notify("Making a new signing key… Save with ctrl+s once it is ready.")
            return
        from ..core.provider import new_hmac_secret

        makers = {"client_id": secretgen.new_client_id,
                  "client_secret": secretgen.new_client_secret,
                  "session_secret": secretgen.new_session_secret,
                  "hmac_secret": new_hmac_secret}
        self.set_profile(self.profile.with_changes(**{field: makers[field]()}))
        if field == "client_secret":
            self.rehash()
        self.notify(f"New {FIELD_NAMES[field]} generated. Save with ctrl+s.")

    @work(exclusive=True, group="dialog")
    async def regenerate_secrets(self) -> None:
        """Both secrets at once, after a confirmation: Authelia and LibreChat both change."""
        from .dialogs.confirm import ConfirmDialog

        sure = await self.push_screen_wait(ConfirmDialog(
            "Make a new client secret and session secret? Authelia's configuration and "
            "LibreChat's .env then both need the new values.", "New secrets", danger=True))
        if sure:
            self.regenerate("client_secret")
            self.regenerate("session_secret")

    @work(exclusive=True, group="dialog")
    async def action_revert(self) -> None:
        """Back to the profile as saved, after a confirmation."""
        from .dialogs.confirm import ConfirmDialog

        saved = self.session.saved
        if saved is None or not self.dirty:
            self.notify("Nothing to revert: the profile is as saved." if saved is not None
                        else "Nothing to revert to: this profile was never saved.")
            return
        sure = await self.push_screen_wait(ConfirmDialog(
            f"Drop every unsaved change and go back to {self.profile_name} as saved?",
            "Revert", danger=True))
        if sure:
            self.replace_profile(saved)
            self.notify(f"Back to {self.profile_name} as saved.")

    def tick_step(self, step_id: str) -> None:
        """Tick a step and store the tick at once, leaving other unsaved edits unsaved."""
        from ..core.checklist import toggle_step  # with the checklist pane, after start-up

        self.set_profile(toggle_step(self.profile, step_id))
        try:
            self.session.store_checklist()
        except ProfileChangedOnDisk as error:
            self.resolve_changed_on_disk(error)
            return
        except StoreError as error:
            self.notify(outside_markup(error), title="Cannot save the tick", severity="error")
            return
        self.show_title()

    # Opening and saving -----------------------------------------------------------------

    def open_initial_profile(self, requested: str | None) -> None:
        """The requested profile, else the last used, else any, else a new saved one."""
        try:
            self._open_initial_profile(requested)
        except StoreError as error:  # the profiles directory itself cannot be read
            self.notify(outside_markup(error), title="Cannot read the profiles", severity="error",
                        timeout=20)
            self.show_fresh_profile(requested or DEFAULT_PROFILE_NAME, save=False)

    def _open_initial_profile(self, requested: str | None) -> None:
        if requested:
            if not self.session.store.exists(requested):
                # Shown, not saved: the user is asked first (a typo must not create one).
                self.show_fresh_profile(requested, save=False)
                self.ask_about_missing_profile(requested)
                return
            # If it cannot be read, the last used one (or any) opens instead, after the error.
            candidates: Iterable[str] = [requested, *(n for n in self.session
                                                       .names_last_used_first() if n != requested)]
        else:
            candidates = self.session.names_last_used_first()
        for name in candidates:
            try:
                self.open_profile(name)
                return
            except StoreError as error:
                self.notify(f"{outside_markup(error)}. The file was left as it is.",
                            title="Cannot open profile", severity="error", timeout=20)
        first_run = not self.session.store.names()
        self.show_fresh_profile(self.session.unused_name(DEFAULT_PROFILE_NAME), save=first_run)

    @work(exclusive=True, group="dialog")
    async def ask_about_missing_profile(self, name: str) -> None:
        from .dialogs.confirm import MissingProfileDialog

        answer = await self.push_screen_wait(MissingProfileDialog(name))
        if answer == "create":
            self.save_when_ready()
        elif answer == "quit":
            self.exit()
        else:
            self.open_initial_profile(None)
            self.call_later(self.action_profiles)

    def save_when_ready(self) -> None:
        """Save now, or as soon as the digest and key being made are ready."""
        self._save_when_ready = True
        self._save_if_ready()

    def open_profile(self, name: str) -> None:
        self.replace_profile(self.session.open(name))
        for warning in self.session.store.permission_warnings(name):
            self.notify(outside_markup(warning), title="Your secrets are readable by others",
                        severity="warning", timeout=20)

    def show_fresh_profile(self, name: str, save: bool = False) -> None:
        """A complete new profile at once; its digest is computed in a worker.

        With save=True (the very first run) it is saved as soon as the digest is ready, so
        the secrets the user may already have copied are never lost.
        """
        self._save_when_ready = save
        # Digest and key are made in the background: the screen shows the profile at once.
        self.session.start(name, new_profile(hash_digest=False, generate_key=False))
        self.replace_profile(self.session.profile)
        self.rehash()

    def action_save(self, replace_changed: bool = False) -> bool:
        if self.digests.hashing or self.keys.generating:
            self._save_when_ready = True
            self.notify("Saving as soon as the digest and the signing key are ready.")
            return False
        saved = self.session.saved
        if self.state.digest_status == MISMATCH and (
                saved is None or saved.client_secret != self.profile.client_secret):
            # Never a new secret with a digest that was not made from it.
            self.notify("The digest was not made from this client secret: fix the secret on "
                        "Secrets (it is hashed again by itself).", title="Not saved",
                        severity="error", timeout=15)
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
        self.notify(f"Saved profile {self.profile_name} to\n"
                    f"{outside_path_markup(self.session.path())}")
        return True

    @work(exclusive=True, group="dialog")
    async def resolve_changed_on_disk(self, error: ProfileChangedOnDisk) -> None:
        """Someone else changed the open profile's file: the user decides, nothing is lost."""
        from .dialogs.confirm import ChangedOnDiskDialog, NameDialog

        answer = await self.push_screen_wait(ChangedOnDiskDialog(error.name, error.deleted))
        if answer == "reload":
            try:
                self.open_profile(error.name)
            except StoreError as failure:
                self.notify(outside_markup(failure), title="Cannot reload", severity="error")
                return
            self.notify(f"Reloaded {error.name} from disk.")
        elif answer == "keep":
            self.action_save(replace_changed=True)
        elif answer == "new":
            name = await self.push_screen_wait(NameDialog(
                "Save what you see as a new profile named", self.session.unused_name(
                    f"{error.name}-mine"), self.check_new_name))
            if name:
                self.save_as(name, self.profile)
        else:
            self.notify("Not saved: the file on disk is left as it is.")

    def save_as(self, name: str, profile: Profile) -> bool:
        self.session.start(name, profile)
        self.replace_profile(profile)
        return self.action_save()

    async def settle_unsaved(self, what: str) -> bool:
        """True when it is fine to leave the current profile (saved, or discarded)."""
        if not self.dirty:
            return True
        from .dialogs.confirm import UnsavedDialog

        answer = await self.push_screen_wait(UnsavedDialog(what))
        if answer == "save":
            return self.action_save()
        return answer == "discard"

    # Actions ----------------------------------------------------------------------------

    async def action_show_pane(self, pane_id: str) -> None:
        if not self._pane_built(pane_id):
            await self._build_pane(pane_id)
        self.query_one("#panes", ContentSwitcher).current = f"pane-{pane_id}"
        self.query_one("#pane-bar", PaneBar).active = pane_id
        self._update_pane(pane_id)
        pane = self.query_one(f"#pane-{pane_id}", Pane)
        # Back to the control the user left, else the first: at once, not deferred like
        # Widget.focus(), so the next key lands in this pane; scrolled into sight once the
        # pane is laid out, so that key never lands out of sight.
        target = pane.focus_target()
        self.screen.set_focus(target, scroll_visible=False)
        self.call_after_refresh(self._scroll_into_view, target)

    def _scroll_into_view(self, widget: Widget) -> None:
        """Scroll `widget` into sight unless it already is (a list taller than the pane
        counts as in sight when part of it shows: scrolling to it would hide the pane's top)."""
        if not widget.is_attached or widget is not self.focused:
            return
        region, screen = widget.region, self.screen.region
        if region.area and (screen.contains_region(region) or (
                region.height >= screen.height // 2 and screen.overlaps(region))):
            return
        self.screen.scroll_to_widget(widget, animate=False)

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))

    def _handle_exception(self, error: Exception) -> None:
        """Stop on an unexpected error without Textual's report of local variables.

        Textual's report prints every frame's locals, the profile's secrets among them;
        this keeps its bookkeeping (exit code, the error for run_test) and prints
        crash.crash_report instead.
        """
        from .crash import crash_report

        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        profile = self.session.profile
        secrets = [getattr(profile, k) for k in profile._fields
                   if is_secret_field(k) and isinstance(getattr(profile, k), str)]
        self._exit_renderables.append(crash_report(error, secrets))
        self._close_messages_no_wait()

    def get_key_display(self, binding: Binding) -> str:
        """Keys are written one way everywhere, as the bindings and the README spell them."""
        return binding.key_display or binding.key

    def get_system_commands(self, screen: Screen):
        # Ours name Quit and the keys once (asking about unsaved changes); the theme and
        # the like stay.
        # No "Screenshot": it writes the screen, secrets and all, to a file others can read.
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys", "Screenshot"):
                yield command

    def key_rows(self) -> list[tuple[str, str, str]]:
        """Every key, read from the bindings so the help never drifts from them."""
        from .dialogs.profiles import ProfilesDialog

        def keys(binding: Binding) -> str:
            return " or ".join(self.get_key_display(Binding(k, binding.action))
                               for k in binding.key.split(","))

        def does(binding: Binding) -> str:
            return binding.tooltip or binding.description

        rows = [("Anywhere", keys(b), does(b)) for b in self.BINDINGS]
        rows += [("Anywhere", "ctrl+p", "Command palette: every action by name"),
                 ("Anywhere", "tab / shift+tab", "Next / previous field")]
        from .panes.snippets import SnippetPane

        for where, owner in (("Secrets", pane_class("secrets")),
                             ("Authelia, LibreChat env", SnippetPane),
                             ("Checklist", pane_class("checklist")),
                             ("Check", pane_class("check")),
                             ("Profiles dialog", ProfilesDialog)):
            seen = set()
            for b in owner.BINDINGS:
                if b.key not in seen:  # one row for a key whose label changes (reveal/hide)
                    seen.add(b.key)
                    rows.append((where, keys(b), does(b)))
        return rows

    @work(exclusive=True, group="dialog")
    async def action_quit(self) -> None:
        if await self.settle_unsaved("quit"):
            self.exit()

    @work(exclusive=True, group="dialog")
    async def action_profiles(self) -> None:
        from .dialogs.profiles import ProfilesDialog
        from .profile_actions import carry_out

        store = self.session.store
        try:
            names = store.names()
        except StoreError as error:
            self.notify(outside_markup(error), title="Cannot read the profiles", severity="error")
            return
        problems = {}
        for name in names:
            try:
                store.load(name)
            except StoreError as error:
                problems[name] = getattr(error, "problem", str(error))
        choice = await self.push_screen_wait(ProfilesDialog(names, self.profile_name, problems))
        if choice is not None:
            await carry_out(self, choice)

    def check_new_name(self, name: str) -> str | None:
        try:
            if self.session.store.exists(name):
                return f"a profile named {name} already exists"
        except StoreError as error:
            return str(error)
        return None

    @work(group="clipboard")
    async def copy_snippet(self, text: str | None, title: str) -> None:
        from .snippet_actions import copy_snippet

        await copy_snippet(self, text, title)

    @work(exclusive=True, group="dialog")
    async def write_snippet(self, text: str | None, default_name: str) -> None:
        from .snippet_actions import write_snippet_to_file

        await write_snippet_to_file(self, text, default_name)

    # The user's own files (the Check pane, apply to file) ---------------------------------

    def check_results_changed(self) -> None:
        """An audit or doctor run moved on: the Check pane shows it, on screen or not."""
        if self._pane_built("check"):
            self.query_one("#pane-check", Pane).show_results()

    def field_pane(self, field: str) -> str | None:
        from .file_actions import field_pane

        return field_pane(self, field)

    @work(group="jump")
    async def jump_to_field(self, field: str) -> None:
        from .file_actions import jump_to_field

        await jump_to_field(self, field)

    @work(exclusive=True, group="dialog")
    async def set_check_paths(self) -> None:
        from .file_actions import set_check_paths

        await set_check_paths(self)

    @work(exclusive=True, group="dialog")
    async def apply_to_file(self, target: str, text: str | None) -> None:
        from .file_actions import apply_to_file

        await apply_to_file(self, target, text)
