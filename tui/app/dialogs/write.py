"""Write a snippet to a file: the path, and what to do when the file exists, in one dialog.

Problems stay in the dialog under the path (a missing folder, a FIFO, `~nosuchuser`), so the
user corrects the path instead of typing it again. An existing file offers Replace, Append
and Cancel, with Cancel focused: a stray Enter never replaces anything.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ...core.shown import shown
from .base import Dialog

# write(path, mode) -> the path written; mode is "new", "replace" or "append". Raises
# FileExistsError when the file exists and mode is "new", OSError with a message otherwise.
Writer = Callable[[str, str], Path]


class WriteDialog(Dialog[Path | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, path: str, write: Writer) -> None:
        super().__init__()
        self.mode = "new"  # how the file was written: new, replace or append
        self.title_text = title
        self.path = path
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-question", markup=False)
            yield Input(self.path, placeholder="path/to/file (~ and $HOME work)", id="path")
            yield Static(classes="findings -error dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons", id="write-buttons"):
                yield Button("Write", id="write", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            with Horizontal(classes="dialog-buttons", id="exists-buttons"):
                yield Button("Replace", id="replace", variant="error", compact=True)
                yield Button("Append", id="append", compact=True)
                yield Button("Cancel", id="cancel-exists", compact=True)

    def on_mount(self) -> None:
        self.query_one(".dialog-problem").display = False
        self.query_one("#exists-buttons").display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_exists(False)  # a new path: ask again about an existing file
        self._problem("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._attempt("new")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id
        if button in ("cancel", "cancel-exists"):
            self.dismiss(None)
        elif button == "write":
            self._attempt("new")
        else:
            self._attempt(button or "new")

    def _attempt(self, mode: str) -> None:
        path = self.query_one("#path", Input).value
        try:
            written = self.write(path, mode)
        except FileExistsError as error:
            target = str(error).removesuffix(" already exists") or path.strip()
            warning = (" Appending YAML to a YAML file repeats its top-level keys: to merge into "
                       "configuration.yml, use a (apply) instead."
                       if target.endswith((".yml", ".yaml")) else "")
            self._problem(f"{target} already exists: replace it, append to it, or cancel and "
                          f"choose another path.{warning}")
            self._show_exists(True)
            return
        except OSError as error:
            self._problem(describe_os_error(error))
            return
        self.mode = mode
        self.dismiss(written)

    def _show_exists(self, shown: bool) -> None:
        self.query_one("#exists-buttons").display = shown
        self.query_one("#write-buttons").display = not shown
        if shown:
            self.query_one("#cancel-exists", Button).focus()

    def _problem(self, message: str) -> None:
        box = self.query_one(".dialog-problem", Static)
        box.update(f"✗ {shown(message, limit=None)}" if message else "")
        box.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


def describe_os_error(error: OSError) -> str:
    """'Permission denied: /etc/x' rather than "[Errno 13] Permission denied: '/etc/x'"."""
    if error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error)
