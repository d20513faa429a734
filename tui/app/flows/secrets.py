"""New values on request: which maker makes each field, and the question asked before both
secrets change at once (Authelia's configuration and LibreChat's .env then both need them)."""

from __future__ import annotations

from textual.app import App

# The fields a new value can be asked for, apart from the signing key (made in the
# background, keys.py).
NEW_VALUE_FIELDS = ("client_id", "client_secret", "session_secret", "hmac_secret")


def new_value(field: str) -> str:
    """A fresh value for `field` (one of NEW_VALUE_FIELDS)."""
    from ...core import secretgen  # not at start-up: `secrets` loads OpenSSL
    from ...core.keys import new_hmac_secret

    makers = {"client_id": secretgen.new_client_id,
              "client_secret": secretgen.new_client_secret,
              "session_secret": secretgen.new_session_secret,
              "hmac_secret": new_hmac_secret}
    return makers[field]()


async def confirm_new_secrets(app: App) -> bool:
    """Whether the user wants a new client secret and session secret, both at once."""
    from ..dialogs.confirm import ConfirmDialog

    return bool(await app.push_screen_wait(ConfirmDialog(
        "Make a new client secret and session secret? Authelia's configuration and "
        "LibreChat's .env then both need the new values.", "New secrets", danger=True)))
