"""Screens 3 and 4: the Authelia client block and LibreChat's .env, read-only, highlighted.

Each has two forms (full block / entry only; .env / Docker Compose), copies its snippet
and writes it to a file. With errors in the profile it says so instead of showing a
snippet that would not work. The secrets in it are masked on screen as on the Secrets
pane, until ctrl+t reveals them (on every pane); copy, write and apply give the real text.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from ...core import authelia, facts, librechat, provider
from ...core.checks import ProfileInvalid
from ...core.fields import is_secret_field
from ...core.profile import Profile
from ..messages import SnippetAction
from ..state import CHECKING, HASHING, ViewState
from ..widgets.findings import describe
from .base import Pane, RevealsSecrets

MASK = "********"
# The lines that hold a secret, in every form (.env, Compose, YAML): their value is masked
# whatever it is, so a value the YAML emitter or the .env quoting wrote in another form
# (escaped, folded) is hidden too.
_SECRET_KEYS = "|".join(map(re.escape, (facts.ENV_CLIENT_SECRET, facts.ENV_SESSION_SECRET,
                                         "hmac_secret")))
_SECRET_LINE = re.compile(
    rf"^(?P<head>[ \t]*(?:- )?(?:{_SECRET_KEYS})[ \t]*[:=][ \t]*)\S.*$", re.MULTILINE)


class SnippetUnavailable(Exception):
    """This form has nothing to show for this profile; the message says why."""


def masked(text: str, profile: Profile) -> str:
    """`text` as the screen shows it while the secrets are masked: every secret of the
    profile (tui.core.fields' rule: client and session secret, HMAC secret, signing key)
    as ********, the key's lines as one line. The digest is not secret: it stays."""
    text = hide_key_body(text, profile.signing_key)
    text = _SECRET_LINE.sub(lambda match: match.group("head") + MASK, text)
    values = {getattr(profile, name) for name in profile._fields if is_secret_field(name)}
    # A short value is masked only where it is the value of its line (above): hidden
    # anywhere, it would hide parts of words and URLs.
    for value in sorted((v for v in values if isinstance(v, str) and len(v) >= 8
                         and "\n" not in v.strip()), key=len, reverse=True):
        for dollars in (value, value.replace("$", "$$")):  # Compose writes $ as $$
            for form in (dollars, dollars.replace("'", "''")):  # YAML writes ' as ''
                text = text.replace(form, MASK)
    return text


def hide_key_body(text: str, pem: str) -> str:
    """`text` with the signing key's base64 lines replaced by one line saying so."""
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
                out.append(f"{indent}(the key's {len(body)} lines, masked: ctrl+t shows "
                           "them; c copies and w writes them in full)\n")
            continue
        out.append(line)
    return "".join(out)


class SnippetPane(RevealsSecrets, Pane):
    """A snippet in one of two forms; subclasses name the forms and how to render them."""

    BINDINGS = [
        Binding("c", "copy_snippet", "Copy", id="copy"),
        Binding("w", "write_snippet", "Write", id="write", tooltip="Write it to a file"),
        Binding("a", "apply_to_file", "Apply", id="apply",
                tooltip="Apply to your file: shows the diff first, keeps a backup"),
        Binding("f", "toggle_form", "Form", id="switch-form",
                tooltip="Switch form (entry, provider / Docker Compose)"),
        # Not in the footer (its keys would not fit at 80 columns): the form line says it.
        *RevealsSecrets.reveal_bindings(show=False),
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
            for form, (title, _) in self.FORMS.items())
            + f"   (f switches; ctrl+t {'hides' if state.revealed else 'shows'} the secrets)")
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
        shown = text if text is None or state.revealed else masked(text, state.profile)
        if shown is not None and area.text != shown:
            area.language = self.FORMS[self.form][1]
            area.load_text(shown)
        self.refresh_bindings()  # the footer's ctrl+t says Reveal or Hide

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
