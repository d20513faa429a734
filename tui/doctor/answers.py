"""What Authelia's answers mean (FACTS.md: "Checking a running Authelia without a browser
login"). Pure functions of a response's parts, so each rule is tested on its own.

Every string the server sent goes into a finding through `show` (default
`tui.core.shown.shown`; the run passes its own, which also hides the client secret).
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

from ..core.shown import shown
from .findings import Finding
from .replies import url_problem

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


_ERROR_FIELDS = ("error", "error_description", "error_hint")


def classify_authorize(status: int, location: str, body, *, issuer: str, redirect_uri: str,
                       scopes, who: str, show=shown) -> Finding:
    """The verdict on an authorization request sent with prompt=none and no session.

    `body` is the parsed JSON body (Authelia 4.38 answers errors it cannot redirect as JSON)
    or None. `who` says whose request it was: "the expected" (built from the profile or
    .env) or "LibreChat's own"; `redirect_uri` and `scopes` are that request's (LibreChat's
    come from its redirect: shown like any server value).
    """
    if location:
        problem = url_problem(location, absolute=False)
        if problem:
            return _unplaced(who, f"answered {status} with a redirect to '{show(location)}', "
                             f"which is not a valid URL ({show(problem)})")
        params = parse_qs(urlsplit(location).query)
        error = _first(params, "error")
        if strip_query(location) == redirect_uri:
            if error in _ACCEPTED_ERRORS or (not error and "code" in params):
                return Finding(
                    "authorize-ok", "ok",
                    f"{who} authorization request: client, redirect URI and scope accepted "
                    f"({show(error or 'code')} back at the redirect URI)", "")
            if error == "invalid_scope":
                return _scope_finding(who, _error_text(error, params), scopes, show)
            return _unplaced(who, "redirected back with error "
                             f"'{show(_error_text(error, params))}'")
        if origin(location) == origin(issuer) and error:
            return _classify_error(who, error, _error_text(error, params), scopes,
                                   redirect_uri, show)
        return _unplaced(who, f"answered {status} with a redirect to "
                         f"{show(strip_query(location))}")
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        wrong = [k for k in _ERROR_FIELDS if k in body and not isinstance(body[k], str)]
        if wrong:
            return _unplaced(who, f"answered {status} with malformed JSON ({wrong[0]} is not "
                             "a string)")
        text = " ".join(body[k] for k in _ERROR_FIELDS if body.get(k))
        return _classify_error(who, body["error"], text, scopes, redirect_uri, show)
    return _unplaced(who, f"answered {status} without a redirect")


def _classify_error(who, error, text, scopes, redirect_uri, show=shown) -> Finding:
    if "redirect_uri" in text:
        return Finding(
            "authorize-redirect-mismatch", "error",
            f"{who} authorization request: Authelia knows the client but not the redirect "
            f"URI {show(redirect_uri)} ({show(error)})",
            f"add exactly '{show(redirect_uri)}' to the client's redirect_uris in Authelia "
            "(matched as a string), or set DOMAIN_SERVER so that DOMAIN_SERVER + "
            "OPENID_CALLBACK_URL is the registered one; restart Authelia after editing")
    if error == "invalid_client" or "does not exist" in text:
        return Finding(
            "authorize-client-unknown", "error",
            f"{who} authorization request: Authelia has no client with this client ID "
            f"({show(error)})",
            "make OPENID_CLIENT_ID and the client_id in Authelia's clients list the same, "
            "then restart Authelia (it has no hot reload)")
    if error == "invalid_scope":
        return _scope_finding(who, text, scopes, show)
    if error == "server_error" and "issuer" in text:
        return Finding(
            "authorize-failed", "error",
            f"{who} authorization request: Authelia could not determine its issuer "
            f"({show(text)})",
            "probe and configure Authelia's public https URL; the request must arrive as https "
            "for a host under one of session.cookies' domains (check the proxy's "
            "X-Forwarded-Proto and Host headers)")
    return _unplaced(who, f"answered with error '{show(text)}'")


def _scope_finding(who, text, scopes, show=shown) -> Finding:
    match = _SCOPE.search(text)
    scope = show(match.group(1)) if match else "?"
    return Finding(
        "authorize-scope-not-allowed", "error",
        f"{who} authorization request: the client may not request scope '{scope}'",
        f"add '{scope}' to the client's scopes in Authelia, or remove it from OPENID_SCOPE "
        f"(now '{show(' '.join(scopes))}')")


def _unplaced(who, what) -> Finding:
    return Finding("authorize-failed", "error", f"{who} authorization request: Authelia {what}",
                   "read Authelia's log for this request (it names the cause)")


def classify_token(status: int, body, retry_after: str, *, client_known, method: str,
                   show=shown, whose: str = "from the profile") -> Finding:
    """The verdict on one token request with a made-up code and the real credentials.

    `body`: the parsed JSON, an object whose error fields are strings (the caller checks
    the shape), or None. client_known: True when the authorization probe found the client,
    False when it found it unknown, None when it could not tell. `whose`: where the client ID
    and secret came from ("from the profile", or "from /path/.env (LibreChat's own)").
    """
    error = body.get("error", "") if isinstance(body, dict) else ""
    text = " ".join(str(body.get(k, "")) for k in ("error_description", "error_hint")
                    if body.get(k)) if isinstance(body, dict) else ""
    if status == 429:
        wait = f" (Retry-After: {show(retry_after)} s)" if retry_after else ""
        return Finding(
            "token-rate-limited", "error",
            f"Authelia's rate limit answered 429{wait}: real logins from this address are "
            "blocked too until it expires",
            "wait for the limit to expire; avoid repeated failing token requests (each "
            "non-200 answer counts: 30 a minute, 100 an hour)")
    if error == "invalid_grant":
        return Finding("token-client-ok", "ok",
                       f"token endpoint: client ID and secret {whose} accepted with {method} "
                       "(invalid_grant for the made-up code)", "")
    if error == "invalid_client" and ("does not allow this method" in text
                                      or "token_endpoint_auth_method" in text):
        match = _METHOD.search(text)
        used = show(match.group(1)) if match else method
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
            f"token endpoint: the client secret {whose} was refused: it does not match the "
            f"client's digest{unknown}",
            "hash the secret in OPENID_CLIENT_SECRET again ('authelia crypto hash generate' or "
            "'librechat-authelia hash') and put the digest in the client's client_secret; or "
            "copy the secret that belongs to the digest into OPENID_CLIENT_SECRET")
    said = show(f"{error} {text}".strip()) or "no OAuth error"
    return Finding("token-unexpected", "error",
                   f"token endpoint: unexpected answer {status} ({said})",
                   "read Authelia's log for this request (it names the cause)")


def classify_clock(date_header: str, local_epoch: float) -> Finding | None:
    """Compare Authelia's Date header with this machine's clock; None without a header."""
    try:
        server = parsedate_to_datetime(date_header).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
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
    seconds = round(skew)  # never "-0 s" for a skew under half a second
    return Finding("clock-ok", "ok",
                   f"Authelia's clock is within {CLOCK_TOLERANCE_S} s of this machine's "
                   f"({f'{seconds:+d}' if seconds else '0'} s)", "")
