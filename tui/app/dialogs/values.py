"""Long values seen whole: the client ID, the secrets (when revealed) and the digest, wrapped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from ...core.profile import Profile
from ...core.shown import shown
from .base import Dialog

MASK = "•" * 12 + "  (masked: reveal the secrets with ctrl+t first)"


class ValuesDialog(Dialog[None]):
    BINDINGS = [Binding("escape,ctrl+f,q", "close", "Close")]

    def __init__(self, profile: Profile, revealed: bool) -> None:
        super().__init__()
        self.rows = [
            ("Client ID", profile.client_id),
            ("Client secret", profile.client_secret if revealed else MASK),
            ("Session secret", profile.session_secret if revealed else MASK),
            ("Digest of the client secret", profile.client_secret_digest or "(none)"),
        ]
        if profile.provider == "new":
            self.rows.append(("HMAC secret (Authelia's provider)",
                              profile.hmac_secret if revealed else MASK))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog values-dialog"):
            yield Label("Values in full", classes="dialog-question")
            with VerticalScroll(classes="values"):
                for label, value in self.rows:
                    yield Label(label, classes="value-label")
                    yield Static(shown(value, limit=None), classes="value", markup=False)
            yield Static("Esc closes. Select with the mouse (shift+drag in most terminals) "
                         "or copy the snippets with c.", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
