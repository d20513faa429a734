"""Checks of the deployed .env's OPENID_TOKEN_ENDPOINT_AUTH_METHOD, made before any request.

Released LibreChat (0.7.9 to 0.8.8-rc1) reads no such variable and posts the client secret;
a development build reads it, with the default client_secret_basic (also for a value it does
not know). So the line must be there and equal the Authelia client's token_endpoint_auth_method.
Discovery's token_endpoint_auth_methods_supported is checked against the same method by the
discovery probe (target.auth_method), and the token probe asks the client itself.
"""

from __future__ import annotations

from ..core import facts
from ..core.findings import Finding
from ..core.shown import shown

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
