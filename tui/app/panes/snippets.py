"""Screens 3 and 4: the Authelia client block and LibreChat's .env, read-only, highlighted.

Each has two forms (full block / entry only; .env / Docker Compose), copies its snippet
and writes it to a file. With errors in the profile it says so instead of showing a
snippet that would not work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from ...core import authelia, librechat, provider
from ...core.errors import ProfileInvalid
from ..messages import SnippetAction
from ..state import CHECKING, HASHING, ViewState
from ..widgets.findings import describe
from .base import Pane


class SnippetUnavailable(Exception):
    """This form has nothing to show for this profile; the message says why."""


def hide_key_body(text: str, pem: str) -> str:
    """`text` with the signing key's base64 lines replaced by one line saying so.

    The key is masked on screen like the secrets; copy and write use the full text.
    """
    body = {line for line in pem.splitlines() if line and not line.startswith("-----")}
    if not body:
        return text
    out: list[str] = []
    hidden = 0
    for line in text.splitlines(keepends=True):
        if line.strip() in body:
            hidden += 1
            if hidden == 1:
                indent = line[:len(line) - len(line.lstrip())]
                out.append(f"{indent}(the key's {len(body)} lines are hidden here; "
                           "c copies and w writes them in full)\n")
            continue
        out.append(line)
    return "".join(out)


class SnippetPane(Pane):
    """A snippet in one of two forms; subclasses name the forms and how to render them."""

    BINDINGS = [
        Binding("c", "copy_snippet", "Copy", id="copy"),
        Binding("w", "write_snippet", "Write", id="write", tooltip="Write it to a file"),
        Binding("a", "apply_to_file", "Apply", id="apply",
                tooltip="Apply to your file: shows the diff first, keeps a backup"),
        Binding("f", "toggle_form", "Form", id="switch-form",
                tooltip="Switch form (entry, provider / Docker Compose)"),
    ]
    FORMS: dict[str, tuple[str, str]] = {}  # form -> (title, language)
    DEFAULT_FILE_NAMES: dict[str, str] = {}
    APPLY_TARGETS: dict[str, str] = {}  # form -> what `a` applies to (tui/userfiles/apply)

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self.form = next(iter(self.FORMS))
        self.text: str | None = None  # what copy and write use; None while it cannot work

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
            except SnippetUnavailable as error:
                message = str(error)
            except ProfileInvalid as error:
                lines = "\n".join(f"  ✗ {describe(f)}" for f in error.findings)
                message = ("The profile has errors, so this snippet would not work. "
                           f"Fix them on the Assumptions or Secrets screen:\n{lines}")
        self.text = text
        problem.update(message or "")
        problem.display = message is not None
        area.display = text is not None
        shown = None if text is None else self.display_text(text, state)
        if shown is not None and area.text != shown:
            area.language = self.FORMS[self.form][1]
            area.load_text(shown)

    def display_text(self, text: str, state: ViewState) -> str:
        """What the screen shows of `text` (copy and write use `text` itself)."""
        return text

    def action_toggle_form(self) -> None:
        forms = list(self.FORMS)
        self.form = forms[(forms.index(self.form) + 1) % len(forms)]
        self.draw(again=True)

    def _nothing_to_give(self, verb: str) -> bool:
        """True (and the user told why) when there is no snippet to copy, write or apply."""
        if self.text is not None:
            return False
        why = str(self.query_one(".snippet-problem", Static).render()).splitlines()
        reason = why[0] if why and why[0] else "this snippet is not ready."
        self.notify(f"Nothing to {verb}: {reason[0].lower()}{reason[1:]}", severity="warning")
        return True

    def action_copy_snippet(self) -> None:
        if not self._nothing_to_give("copy"):
            self.post_message(SnippetAction("copy", self.text, self.FORMS[self.form][0]))

    def action_write_snippet(self) -> None:
        if not self._nothing_to_give("write"):
            self.post_message(SnippetAction("write", self.text,
                                            self.DEFAULT_FILE_NAMES[self.form]))

    def action_apply_to_file(self) -> None:
        if not self._nothing_to_give("apply"):
            self.post_message(SnippetAction("apply", self.text, self.APPLY_TARGETS[self.form]))


class AutheliaPane(SnippetPane):
    FORMS = {"block": ("Full block", "yaml"), "entry": ("Entry only", "yaml"),
             "provider": ("Provider only", "yaml")}
    DEFAULT_FILE_NAMES = {"block": "authelia-librechat-client.yml",
                          "entry": "authelia-librechat-entry.yml",
                          "provider": "authelia-oidc-provider.yml"}
    APPLY_TARGETS = {"block": "authelia", "entry": "authelia", "provider": "authelia"}

    def display_text(self, text: str, state: ViewState) -> str:
        return hide_key_body(text, state.profile.signing_key)

    def waiting_message(self, state: ViewState) -> str | None:
        if state.digest_status in (HASHING, CHECKING) and not state.errors():
            return "Waiting for the digest of the client secret…"
        if state.key_generating:
            return "Making the provider's signing key (RSA, a few seconds at 4096 bits)…"
        return None

    def render_form(self, state: ViewState) -> str:
        if state.errors():
            # The app's findings already include the workers' digest and key checks.
            raise ProfileInvalid(state.findings)
        if self.form == "provider":
            if state.profile.provider != "new":
                raise SnippetUnavailable(
                    "This profile uses the provider section Authelia already has (provider: "
                    "existing on Assumptions), so there is no hmac_secret or key to show. "
                    "Choose \"Set it up now\" there to generate them.")
            return provider.render_provider(state.profile)
        render = (authelia.render_client_block if self.form == "block"
                  else authelia.render_client_entry)
        return render(state.profile, digest_verified=state.digest_verified)


class EnvPane(SnippetPane):
    FORMS = {"env": (".env", "bash"), "compose": ("Docker Compose", "yaml")}
    DEFAULT_FILE_NAMES = {"env": "librechat-openid.env",
                          "compose": "docker-compose.override.yml"}
    APPLY_TARGETS = {"env": "env", "compose": "compose"}

    def render_form(self, state: ViewState) -> str:
        render = librechat.render_env if self.form == "env" else librechat.render_compose
        return render(state.profile)
