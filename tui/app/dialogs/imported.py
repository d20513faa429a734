"""What an import carried over and what it did not: the notes `librechat-authelia import`
prints, in its words, for the user to complete the profile on the screens."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from ...core.shown import shown, shown_path
from ...core.words import with_name
from ..widgets.sight import place_toasts
from .base import Dialog, scroll_bindings, scroll_view


def note_lines(notes: list, name: str) -> list[str]:
    """The notes as the CLI prints them, "not carried over: ..." or "note: ...", their
    commands naming the profile `name` (each note comes from the user's files: shown())."""
    return [f"{getattr(note, 'prefix', 'not carried over')}: "
            f"{shown(with_name(note, name), limit=None)}" for note in notes]


class ImportedDialog(Dialog[None]):
    """The imported profile's name and file, then its notes (scrolled with the arrows)."""

    DEFAULT_CSS = """
    ImportedDialog .-with-notes { height: 90%; }
    ImportedDialog #import-notes { height: 1fr; border: round $primary; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        *scroll_bindings("up", "down", "pageup", "pagedown"),
    ]

    def __init__(self, name: str, path: Path | str, notes: list[str]) -> None:
        super().__init__()
        self.profile_name = name
        self.path = path
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -with-notes" if self.notes else "dialog"):
            yield Static(f"Imported profile {self.profile_name}, now open", markup=False,
                         classes="dialog-question")
            yield Static(f"Saved to {shown_path(self.path)}", markup=False)
            if self.notes:
                yield Static("Not everything could be carried over: complete these on the "
                             "screens (f1 lists them).", markup=False)
                with VerticalScroll(id="import-notes", can_focus=False):
                    lines = note_lines(self.notes, self.profile_name)
                    yield Static("\n".join(lines), id="import-notes-text",
                                 markup=False)
                yield Static("↑ ↓ PgUp PgDn scroll.", classes="dialog-hint")
            else:
                yield Static("Everything was carried over.", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()
        # The toast of the save before the switch must not hide OK at the bottom.
        self.screen_layout_refresh_signal.subscribe(self, self._place_toasts)

    def _place_toasts(self, _screen: object = None) -> None:
        place_toasts(self)

    def action_scroll(self, how: str) -> None:
        if not self.notes:
            return
        scroll_view(self.query_one("#import-notes", VerticalScroll), how)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
