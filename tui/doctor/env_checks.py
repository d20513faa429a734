"""Checks of the deployed .env's OPENID_TOKEN_ENDPOINT_AUTH_METHOD, made before any request.

Released LibreChat (0.7.9 to 0.8.8-rc1) reads no such variable and posts the client secret;
a development build reads it, with the default client_secret_basic (also for a value it does
not know). So the line must be there and equal the Authelia client's token_endpoint_auth_method.
Discovery's token_endpoint_auth_methods_supported is checked against the same method by the
discovery probe (target.auth_method), and the token probe asks the client itself.
"""

from __future__ import annotations

from ..core import facts
from ..core.shown import shown
from .findings import Finding

KEY = facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD


def auth_method_findings(target) -> list[Finding]:
    """Findings about the .env's method; none when the target did not come from a .env."""
    value = getattr(target, "env_auth_method", None)
    expected = getattr(target, "client_auth_method", "") or ""
    wanted = expected or facts.token_endpoint_auth_method(facts.LIBRECHAT_OPENID_CLIENT_6)
    if value is None:
        return []
    if value == "":
        return [Finding(
            "env-auth-method-unset", "warning",
            f"the .env sets no {KEY}: released LibreChat posts the client secret, a "
            f"development build sends HTTP Basic ({facts.DEV_BUILD_AUTH_METHOD_DEFAULT}); "
            f"checked as {target.auth_method}",
            f"add {KEY}={wanted} to LibreChat's .env (librechat-authelia apply env) and "
            "recreate the container")]
    if value not in facts.TOKEN_ENDPOINT_AUTH_METHODS:
        return [Finding(
            "env-auth-method-unknown", "error",
            f"the .env's {KEY} is {shown(value)}, which LibreChat does not know: a build that "
            f"reads it falls back to {facts.DEV_BUILD_AUTH_METHOD_DEFAULT}",
            f"set {KEY}={wanted} (one of {', '.join(facts.TOKEN_ENDPOINT_AUTH_METHODS)})")]
    if expected and value != expected:
        return [Finding(
            "env-auth-method-mismatch", "error",
            f"the .env's {KEY} is {value}, but the profile registers the Authelia client with "
            f"token_endpoint_auth_method {expected}: Authelia answers invalid_client",
            f"set {KEY}={expected} (and keep the client's token_endpoint_auth_method: "
            f"'{expected}'), or render the client again")]
    return []


# Whose client ID and secret the token request sends -----------------------------------------

_ID, _SECRET = facts.ENV_CLIENT_ID, facts.ENV_CLIENT_SECRET
_SET_THE_FILES = ("pass --env PATH (LibreChat's .env), or set the profile's files (the Check "
                  "pane's p, or import) so the doctor sends the secret LibreChat sends")


def _where(target) -> str:
    return target.env_file or "the .env"


def secret_source(target) -> str:
    """Where the secret the token request sends came from, for the token findings."""
    if getattr(target, "env_file", None) is None or _SECRET in target.env_missing:
        return "from the profile"
    return f"from {_where(target)} (LibreChat's own)"


def credential_findings(target) -> list[Finding]:
    """Before any request: which client ID and secret the token request sends, and where the
    .env's differ from the profile's. Never a value: only the variables' names."""
    if getattr(target, "env_file", None) is None:
        return []
    where, found = _where(target), []
    fix = (f"if the token check accepts the .env's value, the profile is out of date: import "
           f"the files again (or set it in the profile); if it refuses it, apply the profile to "
           f"{where} (librechat-authelia apply env) and recreate LibreChat's container")
    if _ID in target.env_differs:
        found.append(Finding(
            "env-client-id-differs", "warning",
            f"{where} sets {_ID} to another client ID than the profile's: the doctor checks the "
            ".env's, the one LibreChat sends", fix))
    if _SECRET in target.env_differs:
        found.append(Finding(
            "env-secret-differs", "warning",
            f"{where} sets {_SECRET} to another secret than the profile's: the doctor checks the "
            ".env's, the one LibreChat sends", fix))
    missing = [key for key in (_ID, _SECRET) if key in target.env_missing]
    if missing:
        found.append(Finding(
            "env-not-checked", "info",
            f"{where} sets no {' and no '.join(missing)}: the profile's value is checked "
            "instead (LibreChat may get its own from the Compose file's environment)",
            f"put {' and '.join(missing)} in {where}, or check the Compose file's environment"))
    return found


def not_checked_finding(target, token) -> Finding | None:
    """After the token request: say plainly that the profile's credentials were sent, not
    LibreChat's own .env's, when the doctor did not know it (or could not read it)."""
    if getattr(target, "env_file", None) is not None:
        return None
    note = getattr(target, "env_note", "")
    if token is not None and token.code == "token-client-ok":
        said = "the profile's secret was accepted"
    else:
        said = "the profile's client ID and secret were checked"
    if note:
        return Finding("env-not-checked", "warning",
                       f"{said}; LibreChat's own .env was not checked: {note}",
                       "set the profile's .env again (the Check pane's p, or import), or "
                       "pass --env PATH")
    return Finding("env-not-checked", "info",
                   f"{said}; LibreChat's own .env was not checked: pass --env or set the files",
                   _SET_THE_FILES)
