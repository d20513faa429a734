"""Every key the app knows, with what it does, built from the bindings themselves.

Rows are grouped by where they work and wrap at any width (a table would cut them off in a
small terminal).
"""

from __future__ import annotations

from itertools import groupby

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static

from .base import Dialog

KeyRows = list[tuple[str, str, str]]  # where, key, what it does


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, rows: KeyRows) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label("Keys", classes="dialog-question")
            with VerticalScroll(id="keys"):
                for where, rows in groupby(self.rows, key=lambda row: row[0]):
                    yield Label(where, classes="help-where")
                    for _, key, does in rows:
                        # Two columns, so a long description wraps under itself.
                        yield Horizontal(Static(key, classes="help-key", markup=False),
                                         Static(does, classes="help-does", markup=False),
                                         classes="help-row")
            yield Static("Esc closes this help. The mouse works too, but is never needed.",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#keys").focus()

    def action_close(self) -> None:
        self.dismiss(None)
