"""The doctor's findings: a stable code, a severity, what was seen, and the fix.

The codes are a public interface (scripts read them from `--format json`): extend the
table, never rename an entry. docs/doctor.md documents each one.
"""

from __future__ import annotations

from collections import namedtuple

SEVERITIES = ("error", "warning", "info", "ok")

# code -> what it means. The codes first, then the ones the doctor adds for checks
# that passed or could not be classified.
CODES = {
    "dns-failed": "Authelia's host name does not resolve here",
    "connect-failed": "no TCP connection (or no answer) from Authelia's host",
    "tls-untrusted": "Authelia's certificate chain is not trusted (names Node's error code)",
    "tls-expired": "Authelia's certificate has expired or is not valid yet",
    "tls-name-mismatch": "Authelia's certificate is not valid for its host name",
    "discovery-failed": "the discovery document could not be fetched or read",
    "discovery-issuer-mismatch": "discovery's issuer differs from OPENID_ISSUER",
    "discovery-no-s256": "discovery does not offer the S256 PKCE challenge method",
    "discovery-auth-method-unsupported": "discovery does not offer LibreChat's auth method",
    "jwks-unusable": "the JWKS has no RS256 signing key, or cannot be fetched",
    "authorize-ok": "client, redirect URI and scope are accepted",
    "authorize-client-unknown": "Authelia has no client with this client ID",
    "authorize-redirect-mismatch": "the redirect URI is not among the client's redirect_uris",
    "authorize-scope-not-allowed": "the client may not request one of the scopes",
    "token-client-ok": "client ID, secret and authentication method are accepted",
    "token-auth-method-mismatch": "the client's token_endpoint_auth_method is not LibreChat's",
    "token-secret-rejected": "the client secret does not match the client's digest",
    "token-rate-limited": "Authelia's rate limit blocks token requests from this address",
    "clock-skew": "this machine's clock and Authelia's differ by more than 30 seconds",
    "librechat-unreachable": "LibreChat's /api/config cannot be fetched",
    "librechat-openid-disabled": "LibreChat does not offer the OpenID login",
    "librechat-server-domain-mismatch": "LibreChat's DOMAIN_SERVER is not the profile's URL",
    "librechat-strategy-failed": "LibreChat's OpenID strategy failed at its start",
    "librechat-request-mismatch": "LibreChat's authorization request differs from the profile",
    # Added by the doctor (extensions of the list).
    "tls-ok": "Authelia's certificate is trusted and valid for its name",
    "discovery-ok": "the discovery document is sound",
    "discovery-endpoint-off-origin": "an endpoint in discovery is not on the issuer's origin",
    "jwks-ok": "the JWKS has an RS256 signing key",
    "authorize-failed": "the authorization endpoint gave an answer the doctor cannot place",
    "token-probe-skipped": "no token request was sent",
    "token-unexpected": "the token endpoint gave an answer the doctor cannot place",
    "clock-ok": "this machine's clock and Authelia's agree",
    "librechat-config-ok": "LibreChat offers the OpenID login on the profile's URL",
    "librechat-request-ok": "LibreChat's authorization request matches the profile",
    "issuer-not-https": "OPENID_ISSUER is a plain http:// URL on another host than this one",
    # A server's answer the doctor will not use (a hostile or misconfigured server).
    "response-too-large": "an answer is larger than 1 MB once decoded (not read further)",
    "discovery-malformed": "a field of the discovery document has the wrong type or a bad URL",
    "jwks-malformed": "the JWKS is not an object with a list of key objects",
    "token-response-malformed": "the token endpoint's JSON answer has the wrong shape",
    "librechat-config-malformed": "LibreChat's /api/config JSON has the wrong shape",
    # From the deployed .env (doctor --env), before any request: tui/doctor/env_checks.py.
    "env-auth-method-unset": "the .env has no OPENID_TOKEN_ENDPOINT_AUTH_METHOD",
    "env-auth-method-unknown": "the .env's OPENID_TOKEN_ENDPOINT_AUTH_METHOD is not a method "
                               "LibreChat knows",
    "env-auth-method-mismatch": "the .env's OPENID_TOKEN_ENDPOINT_AUTH_METHOD differs from the "
                                "profile's client",
    # Whose client ID and secret the token request sent (tui/doctor/env_checks.py).
    "env-client-id-differs": "the .env's OPENID_CLIENT_ID is not the profile's client ID (the "
                             ".env's is checked)",
    "env-secret-differs": "the .env's OPENID_CLIENT_SECRET is not the profile's client secret "
                          "(the .env's is checked)",
    "env-not-checked": "LibreChat's own .env was not checked (or not all of it): the profile's "
                       "client ID or secret was sent",
    # The doctor's own view of LibreChat's certificate.
    "librechat-tls-untrusted": "LibreChat's certificate is not accepted by this check (no "
                               "--ca-file for a private CA, expired, or another name)",
}


class Finding(namedtuple("Finding", "code severity message fix")):
    """One result; `fix` is empty when there is nothing to do."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.severity}: {self.code}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "fix": self.fix}


def fixes_in_order(findings) -> list[Finding]:
    """The findings that have a fix, errors first, then warnings, then info (each in the
    order they came): the order a fix list is read in."""
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted((f for f in findings if f.fix and f.severity != "ok"),
                  key=lambda f: rank.get(f.severity, len(rank)))


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


def redact(text: str, secrets) -> str:
    """`text` with every secret replaced: servers' answers are quoted in findings."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[secret]")
    return text
