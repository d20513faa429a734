"""Every key the app knows, with what it does, built from the bindings themselves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

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
            yield DataTable(cursor_type="row", zebra_stripes=True, id="keys")
            yield Static("Esc closes this help. The mouse works too, but is never needed.",
                         classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        for where, key, does in self.rows:
            table.add_row(key, does, where)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
