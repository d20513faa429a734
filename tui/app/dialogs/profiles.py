"""The profile dialog: open, create, duplicate, rename and delete saved profiles."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from .base import Dialog


@dataclass(frozen=True)
class ProfileAction:
    """What the user chose: kind is open, new, duplicate, rename or delete."""

    kind: str
    name: str


class ProfilesDialog(Dialog[ProfileAction | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("enter", "choose('open')", "Open", show=False),
        Binding("n", "choose('new')", "New"),
        Binding("u", "choose('duplicate')", "Duplicate"),
        Binding("r", "choose('rename')", "Rename"),
        Binding("d,delete", "choose('delete')", "Delete"),
    ]

    def __init__(self, names: list[str], current: str, problems: dict[str, str]) -> None:
        super().__init__()
        self.names = names
        self.current = current
        self.problems = problems

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog profiles-dialog"):
            yield Label("Profiles", classes="dialog-question")
            options = []
            for name in self.names:
                text = name + ("  (open)" if name == self.current else "")
                if name in self.problems:
                    text += f"  ✗ {self.problems[name]}"
                options.append(Option(Content(text), id=name))  # not markup
            yield OptionList(*options, id="profile-list")
            if not self.names:
                yield Static("No saved profiles yet.")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Open", id="open", variant="primary", compact=True)
                yield Button("New", id="new", compact=True)
                yield Button("Duplicate", id="duplicate", compact=True)
                yield Button("Rename", id="rename", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current in self.names:
            option_list.highlighted = self.names.index(self.current)
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(ProfileAction("open", event.option.id or ""))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "")

    def action_choose(self, kind: str) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        name = self.names[index] if index is not None and self.names else ""
        if kind != "new" and not name:
            self.notify("Select a profile first.", severity="warning")
            return
        self.dismiss(ProfileAction(kind, name))

    def action_cancel(self) -> None:
        self.dismiss(None)
