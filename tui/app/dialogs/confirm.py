"""Small modal questions: yes/no, a name, and save/discard/cancel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from .base import Dialog


class ConfirmDialog(Dialog[bool]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("y", "confirm", "Yes", show=False),
                Binding("n", "cancel", "No", show=False)]

    def __init__(self, question: str, confirm_label: str = "Yes", danger: bool = False) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-question", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm",
                             variant="error" if self.danger else "primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel" if self.danger else "#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class NameDialog(Dialog[str | None]):
    """Asks for a profile name or a file path; `check` returns a problem or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", check=None, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.check = check
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-question", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="name")
            yield Static(classes="findings -error dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(".dialog-problem").display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        value = self.query_one("#name", Input).value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            box = self.query_one(".dialog-problem", Static)
            box.update(f"✗ {problem}")
            box.display = True
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class UnsavedDialog(Dialog[str | None]):
    """'save', 'discard', or None to stay."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"The profile has unsaved changes. Save them before you {self.what}?",
                         classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Discard", id="discard", variant="error", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MissingProfileDialog(Dialog[str]):
    """`librechat-authelia --profile NAME` for a NAME with no profile: 'create', 'choose'
    (another one) or 'quit'. Nothing is written unless the user creates it."""

    BINDINGS = [Binding("escape", "choose", "Choose another")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.profile_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"There is no profile named {self.profile_name}.",
                         classes="dialog-question", markup=False)
            yield Static("Create it with fresh secrets, choose another profile, or quit "
                         "without writing anything.", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"Create {self.profile_name}", id="create", variant="primary",
                             compact=True)
                yield Button("Choose another", id="choose", compact=True)
                yield Button("Quit", id="quit", compact=True)

    def on_mount(self) -> None:
        self.query_one("#choose", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "choose")

    def action_choose(self) -> None:
        self.dismiss("choose")


class ChangedOnDiskDialog(Dialog[str | None]):
    """The open profile's file changed since it was opened: 'reload', 'keep' (replace the
    file with what is on screen), 'new' (save what is on screen under another name) or None
    (do nothing yet)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, deleted: bool) -> None:
        super().__init__()
        self.profile_name = name
        self.deleted = deleted

    def compose(self) -> ComposeResult:
        what = "was deleted" if self.deleted else "was changed by another program"
        with Vertical(classes="dialog"):
            yield Static(f"The profile {self.profile_name} {what} since you opened it.",
                         classes="dialog-question", markup=False)
            yield Static("Reload it (your unsaved changes here are dropped), keep yours "
                         "(the file gets what you see here), or save yours as a new profile.",
                         markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save as new", id="new", variant="primary", compact=True)
                if not self.deleted:
                    yield Button("Reload", id="reload", variant="error", compact=True)
                yield Button("Keep mine", id="keep", variant="error", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#new", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
