"""The app's shell: its keys, its one screen, and what it prints when it stops on a bug.

The panes are the main screen's (screens/main.py), the open profile behind them its base's
(screens/profile.py), the dialogs' flows in flows/; the profile's life is the session's
(session.py).
"""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from ..core.profile import Profile, is_secret_field
from ..core.store import ProfileStore
from ..resources import stylesheet
from .commands import AppCommands
from .panes.registry import PANES, pane_class
from .screens.asking import DIALOG, asking, dialog_open
from .screens.main import MainScreen
from .session import ProfileSession


class LibreChatAutheliaApp(App[None]):
    CSS_PATH = [stylesheet("app.tcss")]
    TITLE = "LibreChat ⇄ Authelia"
    COMMANDS = App.COMMANDS | {AppCommands}
    # Below 80 columns the pane bar shortens its names and dialogs stack their buttons.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    # The main screen's keys act on the main screen only: under a dialog they do nothing.
    BINDINGS = [
        *(Binding(f"{f_key},{alt_key}", f"screen.show_pane('{pane_id}')", f"Go to {title}",
                  show=False, priority=True, id=f"pane-{pane_id}")
          for pane_id, title, f_key, alt_key, _ in PANES),
        Binding("f1", "help", "Help", priority=True, id="help"),
        Binding("ctrl+s", "screen.save", "Save", priority=True, id="save"),
        Binding("ctrl+o", "screen.profiles", "Profiles", priority=True, id="profiles"),
        Binding("ctrl+b", "screen.revert", "Revert", show=False, priority=True, id="revert",
                tooltip="Revert to saved: drop every unsaved change"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    def __init__(self, store: ProfileStore | None = None, profile_name: str | None = None):
        super().__init__()
        self.session = ProfileSession(store or ProfileStore())
        self.requested_profile = profile_name

    def get_default_screen(self) -> Screen:
        return MainScreen(self.session, self.requested_profile)

    @property
    def main_screen(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    # What tests and the crash report read of the open profile.

    @property
    def profile(self) -> Profile:
        return self.session.profile

    @property
    def profile_name(self) -> str:
        return self.session.name

    @property
    def dirty(self) -> bool:
        return self.session.dirty

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # One dialog at a time: help and the palette wait until the open one is answered
        # (ctrl+q still acts; the main screen's keys act on the main screen only).
        if action in ("help", "command_palette") and self.screen_stack:
            return not dialog_open(self.screen_stack[0])
        return True

    def action_quit(self) -> None:
        """Ask about unsaved changes first (from under a dialog too), once."""
        if not asking(self):
            self._quit()

    @work(group=DIALOG)
    async def _quit(self) -> None:
        if await self.main_screen.settle_unsaved("quit"):
            self.exit()

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

    def format_title(self, title: str, sub_title: str) -> Content:
        """"LibreChat ⇄ Authelia — home", the profile's name dim.

        Textual's own starts the dim part with its space: SVG screenshots drop a run's
        leading space and showed "Authelia—  home".
        """
        if not sub_title:
            return Content(title)
        return Content.assemble(f"{title} ", (f"— {sub_title}", "dim"))

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
        from .panes.snippets import SnippetPane

        def keys(binding: Binding) -> str:
            return " or ".join(self.get_key_display(Binding(k, binding.action))
                               for k in binding.key.split(","))

        def does(binding: Binding) -> str:
            return binding.tooltip or binding.description

        rows = [("Anywhere", keys(b), does(b)) for b in self.BINDINGS]
        rows += [("Anywhere", "ctrl+p", "Command palette: every action by name"),
                 ("Anywhere", "tab / shift+tab", "Next / previous field")]
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
