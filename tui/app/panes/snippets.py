"""Screens 3 and 4: the Authelia client block and LibreChat's .env, read-only, highlighted.

Each has two forms (full block / entry only; .env / Docker Compose), copies its snippet
and writes it to a file. With errors in the profile it says so instead of showing a
snippet that would not work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from ...core import authelia, librechat
from ...core.errors import ProfileInvalid
from ..state import CHECKING, HASHING, ViewState
from ..widgets.findings import describe
from .base import Pane


class SnippetPane(Pane):
    """A snippet in one of two forms; subclasses name the forms and how to render them."""

    BINDINGS = [
        Binding("c", "copy_snippet", "Copy", id="copy"),
        Binding("w", "write_snippet", "Write", id="write", tooltip="Write it to a file"),
        Binding("a", "apply_to_file", "Apply", id="apply",
                tooltip="Apply to your file: shows the diff first, keeps a backup"),
        Binding("f", "toggle_form", "Form", id="switch-form",
                tooltip="Switch form (entry only / Docker Compose)"),
    ]
    FORMS: dict[str, tuple[str, str]] = {}  # form -> (title, language)
    DEFAULT_FILE_NAMES: dict[str, str] = {}
    APPLY_TARGETS: dict[str, str] = {}  # form -> what `a` applies to (tui/userfiles/apply)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.form = next(iter(self.FORMS))
        self.text: str | None = None  # what copy and write use; None while it cannot work
        self._state: ViewState | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="form-switch")
        yield Static(classes="snippet-problem", markup=False)
        yield TextArea(read_only=True, show_line_numbers=False, soft_wrap=False,
                       show_cursor=False, classes="snippet")

    def render_form(self, state: ViewState) -> str:
        raise NotImplementedError

    def waiting_message(self, state: ViewState) -> str | None:
        return None

    def update_view(self, state: ViewState) -> None:
        self._state = state
        switch = self.query_one(".form-switch", Static)
        switch.update("  ".join(
            f"[reverse] {title} [/]" if form == self.form else f" {title} "
            for form, (title, _) in self.FORMS.items()) + "   (f switches)")
        problem = self.query_one(".snippet-problem", Static)
        area = self.query_one(TextArea)
        text, message = None, self.waiting_message(state)
        if message is None:
            try:
                text = self.render_form(state)
            except ProfileInvalid as error:
                lines = "\n".join(f"  ✗ {describe(f)}" for f in error.findings)
                message = ("The profile has errors, so this snippet would not work. "
                           f"Fix them on the Assumptions or Secrets screen:\n{lines}")
        self.text = text
        problem.update(message or "")
        problem.display = message is not None
        area.display = text is not None
        if text is not None and area.text != text:
            area.language = self.FORMS[self.form][1]
            area.load_text(text)

    def action_toggle_form(self) -> None:
        forms = list(self.FORMS)
        self.form = forms[(forms.index(self.form) + 1) % len(forms)]
        if self._state is not None:
            self.update_view(self._state)

    def action_copy_snippet(self) -> None:
        self.main_app.copy_snippet(self.text, self.FORMS[self.form][0])

    def action_write_snippet(self) -> None:
        self.main_app.write_snippet(self.text, self.DEFAULT_FILE_NAMES[self.form])

    def action_apply_to_file(self) -> None:
        self.main_app.apply_to_file(self.APPLY_TARGETS[self.form], self.text)


class AutheliaPane(SnippetPane):
    FORMS = {"block": ("Full block", "yaml"), "entry": ("Entry only", "yaml")}
    DEFAULT_FILE_NAMES = {"block": "authelia-librechat-client.yml",
                          "entry": "authelia-librechat-entry.yml"}
    APPLY_TARGETS = {"block": "authelia", "entry": "authelia"}

    def waiting_message(self, state: ViewState) -> str | None:
        if state.digest_status in (HASHING, CHECKING) and not state.errors():
            return "Waiting for the digest of the client secret…"
        return None

    def render_form(self, state: ViewState) -> str:
        render = (authelia.render_client_block if self.form == "block"
                  else authelia.render_client_entry)
        if state.errors():
            # The app's findings already include the worker's digest verification.
            raise ProfileInvalid(state.findings)
        return render(state.profile, digest_verified=state.digest_verified)


class EnvPane(SnippetPane):
    FORMS = {"env": (".env", "bash"), "compose": ("Docker Compose", "yaml")}
    DEFAULT_FILE_NAMES = {"env": "librechat-openid.env",
                          "compose": "docker-compose.override.yml"}
    APPLY_TARGETS = {"env": "env", "compose": "compose"}

    def render_form(self, state: ViewState) -> str:
        render = librechat.render_env if self.form == "env" else librechat.render_compose
        return render(state.profile)
