"""The app: one profile at a time, five panes over it, profiles, clipboard and files."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header

from ..core import digest as core_digest
from ..core.checks import check_profile, verify_digest_findings
from ..core.files import write_snippet
from ..core.profile import Profile, new_profile
from ..core.store import ProfileStore, StoreError
from ..resources import stylesheet
from .clipboard import copy_text
from .commands import AppCommands
from .panes.base import Pane
from .startup import release_collector
from .state import CHECKING, HASHING, MISMATCH, MISSING, VERIFIED, ViewState
from .widgets.panebar import PaneBar

# id, tab title, function key, alt+letter alias, pane class. Function keys and alt+letter
# reach the app through SSH and tmux, and no text field uses them; alt+digit does not
# survive tmux (it arrives as a Latin-1 character).
PANES = [
    ("assumptions", "Assumptions", "f2", "alt+a", "assumptions:AssumptionsPane"),
    ("secrets", "Secrets", "f3", "alt+s", "secrets:SecretsPane"),
    ("authelia", "Authelia", "f4", "alt+u", "snippets:AutheliaPane"),
    ("env", "LibreChat env", "f5", "alt+l", "snippets:EnvPane"),
    ("checklist", "Checklist", "f6", "alt+c", "checklist:ChecklistPane"),
]


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


DEFAULT_PROFILE_NAME = "default"
REHASH_DELAY = 0.6  # seconds after the last keystroke in the client secret


def lower_thread_priority() -> None:
    """Let the UI thread win the CPU over a digest worker and the threads it starts.

    argon2id runs one thread per lane (4 by default): on a 2-core homelab box they would
    otherwise starve the event loop. On Linux, nice applies per thread and is inherited.
    """
    try:
        thread = threading.get_native_id()
        nice = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(nice + 10, 19))
    except (AttributeError, OSError):
        pass  # not Linux, or not allowed: hashing still works, just less politely


def measure_verification(profile: Profile) -> tuple[list, float]:
    """The digest findings for `profile` and how long one verification took."""
    start = time.perf_counter()
    findings = verify_digest_findings(profile)
    return findings, time.perf_counter() - start


class LibreChatAutheliaApp(App[None]):
    CSS_PATH = [stylesheet("app.tcss")]
    TITLE = "LibreChat ⇄ Authelia"
    COMMANDS = App.COMMANDS | {AppCommands}
    BINDINGS = [
        *(Binding(f"{f_key},{alt_key}", f"show_pane('{pane_id}')", f"Go to {title}",
                  show=False, priority=True, id=f"pane-{pane_id}")
          for pane_id, title, f_key, alt_key, _ in PANES),
        Binding("ctrl+s", "save", "Save", priority=True, id="save"),
        Binding("ctrl+o", "profiles", "Profiles", priority=True, id="profiles"),
        Binding("f1", "help", "Help", priority=True, id="help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    profile: reactive[Profile] = reactive(Profile, always_update=True, init=False)

    def __init__(self, store: ProfileStore | None = None, profile_name: str | None = None):
        super().__init__()
        self.store = store or ProfileStore()
        self.requested_profile = profile_name
        self.profile_name = DEFAULT_PROFILE_NAME
        self.saved_profile: Profile | None = None  # as on disk; None if never saved
        self.hashing = False
        self._hash_generation = 0
        # (secret, digest) -> (digest findings, seconds for one verification)
        self._verified: dict[tuple[str, str], tuple[list, float]] = {}
        self._rehash_timer = None
        self._verifying = False
        self._verify_next: Profile | None = None
        self._save_when_hashed = False
        self._stale_panes: set[str] = set()
        self.panes_ready = False
        self.state = ViewState(Profile())

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        from .widgets.findings import FindingsSummary

        yield Header()
        first = PANES[0][0]
        yield PaneBar([(pane_id, f_key, title) for pane_id, title, f_key, *_ in PANES],
                      active=first, id="pane-bar")
        with ContentSwitcher(id="panes", initial=f"pane-{first}"):
            # Only the first pane is built before the first screen is drawn.
            yield pane_class(first)(id=f"pane-{first}")
        yield FindingsSummary(id="summary")
        yield Footer(compact=True)

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def on_mount(self) -> None:
        self._open_initial_profile()
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

    def _pane_built(self, pane_id: str) -> bool:
        return bool(self.query(f"#pane-{pane_id}"))

    def _build_pane(self, pane_id: str):
        pane = pane_class(pane_id)(id=f"pane-{pane_id}")
        self._stale_panes.add(pane_id)
        pane.display = False  # until the switcher shows it
        return self.query_one("#panes", ContentSwitcher).mount(pane)

    def _update_pane(self, pane_id: str) -> None:
        if pane_id in self._stale_panes and self._pane_built(pane_id):
            pane = self.query_one(f"#pane-{pane_id}", Pane)
            if pane.is_mounted and pane.children:
                self._stale_panes.discard(pane_id)
                pane.update_view(self.state)

    def _open_initial_profile(self) -> None:
        """The requested profile, else the last used, else any, else a new saved one."""
        if self.requested_profile:
            if not self.store.exists(self.requested_profile):
                self._show_fresh_profile(self.requested_profile, save=True)
                return
            candidates: Iterable[str] = [self.requested_profile]
        else:
            candidates = self._saved_names_last_used_first()
        for name in candidates:
            try:
                self._load(name)
                return
            except StoreError as error:
                self.notify(f"{error}. The file was left as it is.", title="Cannot open profile",
                            severity="error", timeout=20)
        first_run = not self.store.names()
        self._show_fresh_profile(self._unused_name(DEFAULT_PROFILE_NAME), save=first_run)

    def _saved_names_last_used_first(self) -> Iterator[str]:
        """Lazily: the directory is listed only when the last-used profile cannot be opened."""
        last = self.store.last_used()
        if last:
            yield last
        yield from (name for name in self.store.names() if name != last)

    def _unused_name(self, base: str) -> str:
        names = set(self.store.names())
        if base not in names:
            return base
        return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in names)

    # Profile state ----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.saved_profile != self.profile

    def update_profile(self, **changes) -> None:
        if all(getattr(self.profile, k) == v for k, v in changes.items()):
            return  # e.g. a widget reporting the value it was just given
        if "client_secret" in changes:
            self._schedule_rehash()  # first, so no check of the outdated digest starts
        self.profile = self.profile.with_changes(**changes)

    def _show_title(self) -> None:
        self.sub_title = f"{self.profile_name}{'  ● unsaved changes' if self.dirty else ''}"

    def watch_profile(self, profile: Profile) -> None:
        self._show_title()
        key = (profile.client_secret, profile.client_secret_digest)
        if profile.client_secret_digest and key not in self._verified and not self.hashing:
            # After the next refresh: the worker's imports would otherwise slow the first paint.
            self.call_after_refresh(self._request_verify, profile)
        self._refresh_views()

    def _digest_status(self, profile: Profile) -> tuple[str, list, float | None]:
        if self.hashing:
            return HASHING, [], None
        if not profile.client_secret_digest:
            return MISSING, [], None
        cached = self._verified.get((profile.client_secret, profile.client_secret_digest))
        if cached is None:
            return CHECKING, [], None
        findings, seconds = cached
        return (MISMATCH if findings else VERIFIED), findings, seconds

    def _refresh_views(self) -> None:
        profile = self.profile
        status, digest_findings, seconds = self._digest_status(profile)
        findings = check_profile(profile, verify_digest=False) + digest_findings
        self.state = ViewState(profile, findings, status, seconds)
        # Only the pane on screen is redrawn now; the others when they are shown.
        self._stale_panes.update(pane_id for pane_id, *_ in PANES)
        self._update_pane(self.active_pane_id())
        self.query_one("#summary").show(findings)

    def active_pane_id(self) -> str:
        return (self.query_one("#panes", ContentSwitcher).current or "").removeprefix("pane-")

    # Digest work, off the UI thread -----------------------------------------------------

    def _request_verify(self, profile: Profile) -> None:
        """One verification at a time (argon2id may take a GiB each); the latest one wins."""
        if self._verifying:
            self._verify_next = profile
            return
        self._verifying = True
        self._verify(profile)

    @work(thread=True, group="verify", exit_on_error=False)
    def _verify(self, profile: Profile) -> None:
        lower_thread_priority()
        findings, seconds = measure_verification(profile)
        self.call_from_thread(self._verified_done, profile, findings, seconds)

    def _verified_done(self, profile: Profile, findings: list, seconds: float) -> None:
        self._verified[(profile.client_secret, profile.client_secret_digest)] = (findings,
                                                                                 seconds)
        self._verifying = False
        following, self._verify_next = self._verify_next, None
        current = (self.profile.client_secret, self.profile.client_secret_digest)
        if following is not None and current not in self._verified and not self.hashing:
            self._request_verify(self.profile)
        self._refresh_views()

    def _schedule_rehash(self) -> None:
        """Hash again once the user stops typing the secret; until then, show it is coming."""
        if self._rehash_timer is not None:
            self._rehash_timer.stop()
        self.hashing = True
        self._rehash_timer = self.set_timer(REHASH_DELAY, lambda: self.rehash())

    def rehash(self, params: dict[str, int] | None = None) -> None:
        """Hash the current client secret with the chosen algorithm in a worker thread."""
        profile = self.profile
        if not profile.client_secret or profile.digest_algorithm not in core_digest.ALGORITHMS:
            self.hashing = False  # nothing to hash: the checks say what is missing
            self._refresh_views()
            return
        if params is None:
            params = core_digest.params_for(profile.client_secret_digest,
                                            profile.digest_algorithm)
        self._hash_generation += 1
        self.hashing = True
        self._refresh_views()
        self._hash(profile.client_secret, profile.digest_algorithm, params, self._hash_generation)

    @work(thread=True, group="hash", exit_on_error=False)
    def _hash(self, secret: str, algorithm: str, params: dict[str, int], generation: int) -> None:
        lower_thread_priority()
        try:
            value = core_digest.hash(secret, algorithm, **params)
        except core_digest.DigestError as error:
            self.call_from_thread(self._hash_failed, str(error), generation)
            return
        hashed = Profile(client_secret=secret, client_secret_digest=value)
        findings, seconds = measure_verification(hashed)
        self.call_from_thread(self._hash_done, secret, value, findings, seconds, generation)

    def _hash_failed(self, message: str, generation: int) -> None:
        if generation == self._hash_generation:
            self.hashing = False
            self.notify(message, title="Cannot hash", severity="error")
            self._refresh_views()

    def _hash_done(self, secret: str, value: str, findings: list, seconds: float,
                   generation: int) -> None:
        self._verified[(secret, value)] = (findings, seconds)
        if generation != self._hash_generation:
            return  # a newer hash was asked for meanwhile
        self.hashing = False
        if self.profile.client_secret != secret:
            self._refresh_views()
            return
        self.profile = self.profile.with_changes(client_secret_digest=value)
        if self._save_when_hashed:
            self._save_when_hashed = False
            self.action_save()

    def regenerate(self, field: str) -> None:
        from ..core import secretgen  # not at start-up: `secrets` loads OpenSSL

        makers = {"client_id": secretgen.new_client_id,
                  "client_secret": secretgen.new_client_secret,
                  "session_secret": secretgen.new_session_secret}
        self.profile = self.profile.with_changes(**{field: makers[field]()})
        if field == "client_secret":
            self.rehash()
        self.notify(f"New {field.replace('_', ' ')} generated. Save with ctrl+s.")

    def tick_step(self, step_id: str) -> None:
        """Tick a step and store the tick at once, leaving other unsaved edits unsaved."""
        from ..core.checklist import toggle_step  # with the checklist pane, after start-up

        self.profile = toggle_step(self.profile, step_id)
        if self.saved_profile is None:
            return
        stored = self.saved_profile.with_changes(checklist=self.profile.checklist)
        try:
            self.store.save(self.profile_name, stored)
        except StoreError as error:
            self.notify(str(error), title="Cannot save the tick", severity="error")
            return
        self.saved_profile = stored
        self._show_title()

    # Loading and saving -----------------------------------------------------------------

    def _load(self, name: str) -> None:
        profile = self.store.load(name)
        self.profile_name = name
        self.saved_profile = profile
        self.profile = profile
        if self.store.last_used() != name:
            self.store.set_last_used(name)

    def _show_fresh_profile(self, name: str, save: bool = False) -> None:
        """A complete new profile at once; its digest is computed in a worker.

        With save=True (the very first run) it is saved as soon as the digest is ready, so
        the secrets the user may already have copied are never lost.
        """
        self.profile_name = name
        self.saved_profile = None
        self._save_when_hashed = save
        self.profile = new_profile(hash_digest=False)
        self.rehash()

    def action_save(self) -> bool:
        try:
            self.store.save(self.profile_name, self.profile)
            self.store.set_last_used(self.profile_name)
        except StoreError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=15)
            return False
        self.saved_profile = self.profile
        self._show_title()
        self.notify(f"Saved profile {self.profile_name} ({self.store.path(self.profile_name)}).")
        return True

    async def _settle_unsaved(self, what: str) -> bool:
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
        # Focus the pane's first control so its keys work at once.
        target = next((w for w in pane.query("*") if w.focusable), pane)
        # At once, not deferred like Widget.focus(): the next key must land in this pane.
        self.screen.set_focus(target)

    def action_help(self) -> None:
        from .dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))

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
                             ("Profiles dialog", ProfilesDialog)):
            rows += [(where, keys(b), does(b)) for b in owner.BINDINGS]
        return rows

    @work(exclusive=True, group="dialog")
    async def action_quit(self) -> None:
        if await self._settle_unsaved("quit"):
            self.exit()

    @work(exclusive=True, group="dialog")
    async def action_profiles(self) -> None:
        from .dialogs.profiles import ProfilesDialog

        names = self.store.names()
        problems = {}
        for name in names:
            try:
                self.store.load(name)
            except StoreError as error:
                problems[name] = getattr(error, "problem", str(error))
        choice = await self.push_screen_wait(
            ProfilesDialog(names, self.profile_name, problems))
        if choice is None:
            return
        await self._do_profile_action(choice)

    async def _do_profile_action(self, choice) -> None:
        from .dialogs.confirm import ConfirmDialog, NameDialog

        if choice.kind == "open":
            if choice.name == self.profile_name or not await self._settle_unsaved("switch"):
                return
            try:
                self._load(choice.name)
            except StoreError as error:
                self.notify(str(error), title="Cannot open profile", severity="error",
                            timeout=15)
            return
        if choice.kind in ("new", "duplicate"):
            if not await self._settle_unsaved("switch"):
                return
            suggestion = self._unused_name(choice.name if choice.kind == "duplicate"
                                           else "librechat")
            name = await self.push_screen_wait(NameDialog(
                "Name of the new profile", suggestion, self._check_new_name))
            if not name:
                return
            if choice.kind == "new":
                self._show_fresh_profile(name, save=True)
            else:
                try:
                    source = self.store.load(choice.name)
                except StoreError as error:
                    self.notify(str(error), severity="error")
                    return
                self.profile_name = name
                self.profile = source.with_changes(checklist=())
                if self.action_save():
                    self.notify("The copy shares the client ID and secrets. For another "
                                "deployment, make new ones on Secrets (ctrl+r).")
            return
        if choice.kind == "rename":
            name = await self.push_screen_wait(NameDialog(
                f"New name for {choice.name}", choice.name, self._check_new_name))
            if not name or name == choice.name:
                return
            try:
                self.store.rename(choice.name, name)
            except StoreError as error:
                self.notify(str(error), severity="error")
                return
            if choice.name == self.profile_name:
                self.profile_name = name
                self._show_title()
            self.notify(f"Renamed {choice.name} to {name}.")
            return
        if choice.kind == "delete":
            sure = await self.push_screen_wait(ConfirmDialog(
                f"Delete the profile {choice.name}? Its secrets are gone for good "
                "(Authelia and LibreChat keep working with what you pasted).",
                "Delete", danger=True))
            if not sure:
                return
            try:
                self.store.delete(choice.name)
            except StoreError as error:
                self.notify(str(error), severity="error")
                return
            self.notify(f"Deleted {choice.name}.")
            if choice.name == self.profile_name:
                self.requested_profile = None
                self._open_initial_profile()  # the next saved profile, or a new one

    def _check_new_name(self, name: str) -> str | None:
        try:
            if self.store.exists(name):
                return f"a profile named {name} already exists"
        except StoreError as error:
            return str(error)
        return None

    def copy_snippet(self, text: str | None, title: str) -> None:
        if text is None:
            self.notify("Nothing to copy: the profile has errors (see the message).",
                        severity="error")
            return
        message = copy_text(self, text)
        self.notify(message, title=f"{title} copied")

    @work(exclusive=True, group="dialog")
    async def write_snippet(self, text: str | None, default_name: str) -> None:
        from .dialogs.confirm import ConfirmDialog, NameDialog

        if text is None:
            self.notify("Nothing to write: the profile has errors (see the message).",
                        severity="error")
            return
        path = await self.push_screen_wait(NameDialog(
            "Write to which file? (an existing file is only replaced if you confirm)",
            str(Path.cwd() / default_name), None, "path/to/file"))
        if not path:
            return
        try:
            written = write_snippet(path, text)
        except FileExistsError:
            replace = await self.push_screen_wait(ConfirmDialog(
                f"{Path(path).expanduser()} already exists. Replace it?", "Replace",
                danger=True))
            if not replace:
                self.notify("Nothing was written.")
                return
            try:
                written = write_snippet(path, text, overwrite=True)
            except OSError as error:
                self.notify(f"{error.strerror or error}", title="Not written", severity="error")
                return
        except OSError as error:
            self.notify(f"{error.strerror or error}", title="Not written", severity="error")
            return
        self.notify(f"Wrote {written} (readable only by you: it holds secrets).")

