"""The main screen: the panes over one open profile, and the routing of their news.

Data goes down: every pane is handed the state it shows (a ViewState, and the Check pane
the audit and doctor runs). News comes back up as messages (tui/app/messages.py): the
panes' intents (ProfileEdited, RegenerateRequested, SnippetAction, ...) and the background
jobs' results (DigestMade, KeyMade, AuditFinished, ...). The open profile, its background
work and its saving are ProfileScreen's (profile.py); the dialogs' flows are in
tui/app/flows/, each run here in the dialog worker with this screen as its host.

Only the first pane is composed before the first screen; the others are mounted into the
ContentSwitcher right after it is drawn, or at once when one is asked for first.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher, Header

from .. import messages as news
from ..checks import NOT_RUN
from ..panes.base import Pane
from ..panes.registry import FIELD_PANES, PANE_IDS, PANES, PROVIDER_ONLY, SHORT_TITLES, pane_class
from ..session import ProfileSession
from ..startup import release_collector
from ..widgets.findings import FindingsSummary
from ..widgets.footer import AppFooter
from ..widgets.panebar import PaneBar
from ..widgets.sight import displayed_within, place_toasts, scroll_into_view
from .asking import one_dialog_at_a_time
from .profile import ProfileScreen


class MainScreen(ProfileScreen):
    # The screen focuses the first field itself, once the profile is in the fields: a
    # focused field is never filled (it might hold what the user is typing).
    AUTO_FOCUS = ""
    # Tab moves the focus as soon as it arrives, not once it has bubbled up from the
    # focused field through the pane: keys typed right after it land in the next field.
    BINDINGS = [Binding("tab", "app.focus_next", show=False, priority=True),
                Binding("shift+tab", "app.focus_previous", show=False, priority=True)]

    def __init__(self, session: ProfileSession, requested: str | None = None) -> None:
        super().__init__(session, requested, id="_default")
        self.panes: dict[str, Pane] = {}
        self._mounts: dict[str, AwaitMount] = {}
        self.panes_ready = False

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._missing = self.open_initial_profile(self.requested)
        self.state = self.view_state()
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
        self.screen_layout_refresh_signal.subscribe(self, lambda _: place_toasts(self))

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

    def refresh_views(self) -> None:
        """Hand every pane the new state; only the one on screen is redrawn now."""
        super().refresh_views()
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
        self.call_after_refresh(scroll_into_view, self, target)

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

    @on(news.FieldProblems)
    def _field_problems(self, message: news.FieldProblems) -> None:
        """Findings of a field the profile does not hold: counted in the summary too."""
        if message.findings:
            self.field_problems[message.field] = message.findings
        else:
            self.field_problems.pop(message.field, None)
        self.show_summary()

    # The panes' other intents ----------------------------------------------------------

    @on(news.RegenerateRequested)
    def _regenerate_requested(self, message: news.RegenerateRequested) -> None:
        if message.field == "secrets":
            self.regenerate_secrets()
        else:
            self.regenerate(message.field)

    def action_regenerate(self, field: str) -> None:
        self.regenerate(field)

    def action_regenerate_secrets(self) -> None:
        self.regenerate_secrets()

    def action_rehash(self) -> None:
        self.rehash()

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
        from ..flows import files  # with the first file action, not at start-up

        await files.copy_snippet(self.app, text, title)

    @one_dialog_at_a_time
    async def write_snippet(self, text: str | None, default_name: str) -> None:
        from ..flows import files

        await files.write_snippet_to_file(self.app, text, default_name)

    @one_dialog_at_a_time
    async def apply_to_file(self, target: str, text: str | None) -> None:
        from ..flows import files

        if await files.apply_to_file(self.app, self.checks, target, text,
                                     lambda: self.session.profile, self.update_profile,
                                     self.session.dirty):
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
        from ..flows import files

        if await files.apply_fix(self.app, self.checks, targets, code, self.session.profile,
                                 self.session.dirty, self.update_profile):
            self._audit_again()

    @on(news.CheckRequested)
    def _check_requested(self, message: news.CheckRequested) -> None:
        if message.kind == "paths":
            self.set_check_paths()
            return
        if message.kind == "import":
            self.import_checked_files()
            return
        if message.kind == "audit":
            self.checks.run_audit(self.session.profile)
        elif self.checks.doctor_running:
            self.checks.cancel_doctor()
        else:
            self.checks.run_doctor(self.session.profile)
        self.show_checks()

    @one_dialog_at_a_time
    async def set_check_paths(self) -> None:
        from ..flows import files

        await files.set_check_paths(self)

    @one_dialog_at_a_time
    async def import_checked_files(self) -> None:
        from ..flows.importing import import_checked_files

        await import_checked_files(self)

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
            if not displayed_within(found.first(), pane):
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

