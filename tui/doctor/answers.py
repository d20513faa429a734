"""What Authelia's answers mean (FACTS.md: "Checking a running Authelia without a browser
login"). Pure functions of a response's parts, so each rule is tested on its own.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

from .findings import Finding

# openid-client's default clock tolerance for ID token timestamps.
CLOCK_TOLERANCE_S = 30

_ACCEPTED_ERRORS = ("login_required", "consent_required", "interaction_required",
                    "account_selection_required")
_SCOPE = re.compile(r"scope '([^']*)'")
_METHOD = re.compile(r"method '([^']*)'")


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return (parts.scheme, (parts.hostname or "").lower(), parts.port or default)


def strip_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _first(params: dict[str, list[str]], key: str) -> str:
    values = params.get(key)
    return values[0] if values else ""


def _error_text(error: str, params) -> str:
    return " ".join(p for p in (error, _first(params, "error_description"),
                                _first(params, "error_hint")) if p)


def classify_authorize(status: int, location: str, body, *, issuer: str, redirect_uri: str,
                       scopes, who: str) -> Finding:
    """The verdict on an authorization request sent with prompt=none and no session.

    `body` is the parsed JSON body (Authelia 4.38 answers errors it cannot redirect as JSON)
    or None. `who` says whose request it was: "the expected" (built from the profile or
    .env) or "LibreChat's own".
    """
    if location:
        params = parse_qs(urlsplit(location).query)
        error = _first(params, "error")
        if strip_query(location) == redirect_uri:
            if error in _ACCEPTED_ERRORS or (not error and "code" in params):
                return Finding(
                    "authorize-ok", "ok",
                    f"{who} authorization request: client, redirect URI and scope accepted "
                    f"({error or 'code'} back at the redirect URI)", "")
            if error == "invalid_scope":
                return _scope_finding(who, _error_text(error, params), scopes)
            return _unplaced(who, f"redirected back with error {_error_text(error, params)!r}")
        if origin(location) == origin(issuer) and error:
            return _classify_error(who, error, _error_text(error, params), scopes, redirect_uri)
        where = strip_query(location)
        return _unplaced(who, f"answered {status} with a redirect to {where}")
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        text = " ".join(str(body.get(k, "")) for k in ("error", "error_description",
                                                        "error_hint") if body.get(k))
        return _classify_error(who, body["error"], text, scopes, redirect_uri)
    return _unplaced(who, f"answered {status} without a redirect")


def _classify_error(who, error, text, scopes, redirect_uri) -> Finding:
    if "redirect_uri" in text:
        return Finding(
            "authorize-redirect-mismatch", "error",
            f"{who} authorization request: Authelia knows the client but not the redirect "
            f"URI {redirect_uri} ({error})",
            f"add exactly '{redirect_uri}' to the client's redirect_uris in Authelia (matched "
            "as a string), or set DOMAIN_SERVER so that DOMAIN_SERVER + OPENID_CALLBACK_URL "
            "is the registered one; restart Authelia after editing")
    if error == "invalid_client" or "does not exist" in text:
        return Finding(
            "authorize-client-unknown", "error",
            f"{who} authorization request: Authelia has no client with this client ID "
            f"({error})",
            "make OPENID_CLIENT_ID and the client_id in Authelia's clients list the same, "
            "then restart Authelia (it has no hot reload)")
    if error == "invalid_scope":
        return _scope_finding(who, text, scopes)
    if error == "server_error" and "issuer" in text:
        return Finding(
            "authorize-failed", "error",
            f"{who} authorization request: Authelia could not determine its issuer ({text})",
            "probe and configure Authelia's public https URL; the request must arrive as https "
            "for a host under one of session.cookies' domains (check the proxy's "
            "X-Forwarded-Proto and Host headers)")
    return _unplaced(who, f"answered with error {text!r}")


def _scope_finding(who, text, scopes) -> Finding:
    match = _SCOPE.search(text)
    scope = match.group(1) if match else "?"
    return Finding(
        "authorize-scope-not-allowed", "error",
        f"{who} authorization request: the client may not request scope {scope!r}",
        f"add {scope!r} to the client's scopes in Authelia, or remove it from OPENID_SCOPE "
        f"(now '{' '.join(scopes)}')")


def _unplaced(who, what) -> Finding:
    return Finding("authorize-failed", "error", f"{who} authorization request: Authelia {what}",
                   "read Authelia's log for this request (it names the cause)")


def classify_token(status: int, body, retry_after: str, *, client_known, method: str) -> Finding:
    """The verdict on one token request with a made-up code and the real credentials.

    client_known: True when the authorization probe found the client, False when it found
    it unknown, None when it could not tell.
    """
    error = body.get("error", "") if isinstance(body, dict) else ""
    text = " ".join(str(body.get(k, "")) for k in ("error_description", "error_hint")
                    if body.get(k)) if isinstance(body, dict) else ""
    if status == 429:
        wait = f" (Retry-After: {retry_after} s)" if retry_after else ""
        return Finding(
            "token-rate-limited", "error",
            f"Authelia's rate limit answered 429{wait}: real logins from this address are "
            "blocked too until it expires",
            "wait for the limit to expire; avoid repeated failing token requests (each "
            "non-200 answer counts: 30 a minute, 100 an hour)")
    if error == "invalid_grant":
        return Finding("token-client-ok", "ok",
                       f"token endpoint: client ID, secret and {method} accepted "
                       "(invalid_grant for the made-up code)", "")
    if error == "invalid_client" and ("does not allow this method" in text
                                      or "token_endpoint_auth_method" in text):
        match = _METHOD.search(text)
        used = match.group(1) if match else method
        return Finding(
            "token-auth-method-mismatch", "error",
            f"token endpoint: the client is not registered for {used}, the method this "
            "LibreChat version sends the secret with",
            f"set token_endpoint_auth_method: '{method}' in the client's entry in Authelia "
            "and restart Authelia")
    if error == "invalid_client":
        if client_known is False:
            return Finding(
                "token-secret-rejected", "info",
                "token endpoint: invalid_client, as expected for a client Authelia does not "
                "have (see authorize-client-unknown); the secret is checked once it exists",
                "")
        unknown = "" if client_known else " (or the client is unknown: Authelia answers both " \
                                          "the same)"
        return Finding(
            "token-secret-rejected", "error",
            f"token endpoint: the client secret does not match the client's digest{unknown}",
            "hash the secret in OPENID_CLIENT_SECRET again ('authelia crypto hash generate' or "
            "'librechat-authelia hash') and put the digest in the client's client_secret; or "
            "copy the secret that belongs to the digest into OPENID_CLIENT_SECRET")
    shown = f"{error} {text}".strip() or "no OAuth error"
    return Finding("token-unexpected", "error",
                   f"token endpoint: unexpected answer {status} ({shown})",
                   "read Authelia's log for this request (it names the cause)")


def classify_clock(date_header: str, local_epoch: float) -> Finding | None:
    """Compare Authelia's Date header with this machine's clock; None without a header."""
    try:
        server = parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    skew = server - local_epoch
    if abs(skew) > CLOCK_TOLERANCE_S:
        side = "ahead of" if skew > 0 else "behind"
        return Finding(
            "clock-skew", "error",
            f"Authelia's clock is {abs(skew):.0f} s {side} this machine's (openid-client "
            f"tolerates {CLOCK_TOLERANCE_S} s: LibreChat logs 'JWT timestamp claim value "
            "failed validation')",
            "synchronise both hosts' clocks (NTP: systemd-timesyncd or chrony), including "
            "the machine running LibreChat")
    return Finding("clock-ok", "ok",
                   f"Authelia's clock is within {CLOCK_TOLERANCE_S} s of this machine's "
                   f"({skew:+.0f} s)", "")
