"""The user's own files: which ones to check, where to apply, and the diff before writing.

Paths are checked as they are typed (tui/userfiles/sources.check_file_paths), each problem
under its own field. The diff dialog focuses Cancel: a stray Enter never writes a file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Button, Input, Static

from ...core.shown import shown, shown_lines
from .base import Dialog, scroll_bindings, scroll_view

PATH_FIELDS = (
    ("authelia_config_paths", "Authelia's configuration.yml (files or folders, in Authelia's "
     "order, comma-separated)", "/opt/authelia/config/configuration.yml"),
    ("env_path", "LibreChat's .env", "/opt/librechat/.env"),
    ("compose_path", "Compose override (optional)", "/opt/librechat/docker-compose.override.yml"),
)

# (config paths, .env, compose)
Paths = tuple[tuple[str, ...], str, str]


class PathsDialog(Dialog[Paths | None]):
    """The three files the Check pane audits; OK only when every named one exists."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, paths: Paths) -> None:
        super().__init__()
        config, env, compose = paths
        self.values = {"authelia_config_paths": ", ".join(config), "env_path": env,
                       "compose_path": compose}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("The files to check", classes="dialog-question")
            with VerticalScroll(classes="paths", can_focus=False):
                for name, label, placeholder in PATH_FIELDS:
                    yield Static(label, classes="value-label", markup=False)
                    yield Input(self.values[name], placeholder=placeholder, id=f"path-{name}",
                                compact=True)
                    yield Static(id=f"problem-{name}", classes="findings -error path-problem",
                                 markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_problems(self._problems(), only_filled=True)
        self.query_one(Input).focus()

    def _paths(self) -> Paths:
        from ...userfiles.sources import split_config_paths

        def value(name: str) -> str:
            return self.query_one(f"#path-{name}", Input).value.strip()

        return (split_config_paths(value("authelia_config_paths")), value("env_path"),
                value("compose_path"))

    def _problems(self) -> dict[str, str]:
        from ...userfiles.sources import check_file_paths

        return check_file_paths(*self._paths())

    def _show_problems(self, problems: dict[str, str], only_filled: bool = False) -> None:
        for name, *_ in PATH_FIELDS:
            box = self.query_one(f"#problem-{name}", Static)
            problem = problems.get(name, "")
            if only_filled and not self.query_one(f"#path-{name}", Input).value.strip():
                problem = ""  # an empty field is not an error while the user fills the rest
            box.update(f"✗ {shown(problem, limit=None)}" if problem else "")
            box.display = bool(problem)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_problems(self._problems(), only_filled=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        paths = self._paths()
        if paths == ((), "", ""):
            self.dismiss(paths)  # forget them all
            return
        problems = self._problems()
        if problems:
            self._show_problems(problems)
            return
        self.dismiss(paths)

    def action_cancel(self) -> None:
        self.dismiss(None)


# plan(path) -> (plan, None) or (None, the refusal in one line); made off the UI thread.
Planner = Callable[[str], Awaitable[tuple[object | None, str | None]]]


class ApplyPathDialog(Dialog[tuple[str, object] | None]):
    """Which file to apply to; the core's plan is made here, so a refusal (no such file, a
    FIFO, a file with errors) is shown under the path for the user to correct."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, path: str, plan: Planner) -> None:
        super().__init__()
        self.title_text = title
        self.path = path
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-question", markup=False)
            yield Input(self.path, placeholder="path/to/file (~ works)", id="path")
            yield Static(classes="findings -error dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Show the diff", id="next", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._problem("")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._problem("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._attempt()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "next":
            self._attempt()
        else:
            self.dismiss(None)

    @work(exclusive=True, group="plan")
    async def _attempt(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self._problem("name the file")
            return
        self._problem("Reading the file and preparing the diff…", error=False)
        plan, problem = await self.plan(path)
        if not self.is_attached:
            return
        if problem:
            self._problem(problem)
            return
        self.dismiss((path, plan))

    def _problem(self, message: str, error: bool = True) -> None:
        box = self.query_one(".dialog-problem", Static)
        box.update(f"✗ {shown(message, limit=None)}" if message and error else message)
        box.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _parts(text: str, width: int) -> list[str]:
    """`text` cut into pieces of at most `width` cells (a wide character is never split)."""
    return [part.plain for part in Content(text).fold(width)] if text else [""]


def _style(line: str) -> str:
    """Added and removed lines are marked by colour as well as by + and -."""
    if line.startswith(("+++", "---")):
        return "bold"
    if line.startswith("@@"):
        return "$text-accent"
    if line.startswith("+"):
        return "$text-success"
    if line.startswith("-"):
        return "$text-error"
    return ""


class DiffText(Static):
    """The unified diff, a long line wrapped with its marker (+, - or space) repeated on
    every continuation line: a wrapped part is never read as a context line."""

    DEFAULT_CSS = "DiffText { height: auto; }"

    def __init__(self, diff: str, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.lines = shown_lines(diff).splitlines()

    def rows(self, width: int) -> list[tuple[str, str]]:
        """(text, style) of each screen line at `width` cells."""
        width = max(width, 3)  # a fold is at least 2 cells, plus the marker
        out: list[tuple[str, str]] = []
        for line in self.lines:
            style = _style(line)
            if line[:1] in ("+", "-", " ") and not line.startswith(("+++", "---")):
                mark, body = line[:1], line[1:]
                out += [(mark + part, style) for part in _parts(body, width - 1)]
            else:
                out += [(part, style) for part in _parts(line, width)]
        return out

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows(width))

    def render(self) -> Content:
        rows = self.rows(self.content_region.width)
        return Content.assemble(*((f"{text}\n" if n < len(rows) - 1 else text, style)
                                  for n, (text, style) in enumerate(rows)))


class DiffDialog(Dialog[bool]):
    """The masked diff of an apply, scrollable; Apply writes, Cancel (focused) does not."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *scroll_bindings("up", "down", "pageup", "pagedown", "home", "end"),
    ]

    def __init__(self, title: str, diff: str, notes: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.diff = diff
        self.notes = notes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff-dialog"):
            yield Static(self.title_text, classes="dialog-question", markup=False)
            # The notes scroll with the diff: beside them at a small terminal the diff
            # would get no room at all.
            with VerticalScroll(id="diff", can_focus=False):
                if self.notes:
                    yield Static("\n".join(f"i {shown(note, limit=None)}"
                                           for note in self.notes),
                                 classes="dialog-hint diff-notes", markup=False)
                yield DiffText(self.diff, id="diff-text")
            yield Static("Secrets are masked. A backup of the file is kept beside it. "
                         "↑ ↓ PgUp PgDn scroll.", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", id="apply", variant="error", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_scroll(self, how: str) -> None:
        scroll_view(self.query_one("#diff", VerticalScroll), how)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "apply")

    def action_cancel(self) -> None:
        self.dismiss(False)
