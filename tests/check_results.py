"""A Check pane as a homelab user sees it after an audit and a doctor run: fixed fake
findings (the audit's and the doctor's own wording, made-up paths and lines, no secret),
handed to the main screen the way its jobs hand them. For snapshots and screenshots.

The story: the client's digest in configuration.yml is stale (the .env holds the profile's
secret, which Authelia refuses), the auth method is Authelia's default, and the callback
URL is the old guide's full URL."""

from __future__ import annotations

from tui.app import checks as app_checks
from tui.core.findings import Finding

CONFIG = "/opt/authelia/config/configuration.yml"
ENV = "/opt/librechat/.env"
FILES = {"authelia_config_paths": (CONFIG,), "env_path": ENV}
RAN_AT = 1_760_000_000.0  # shown as a time of day: tests fix the clock's words (`when`)

AUDIT = [
    Finding("client-secret-mismatch", "error",
            f"the client's client_secret was not made from OPENID_CLIENT_SECRET ({ENV}:31): "
            "Authelia answers invalid_client",
            "store the digest of OPENID_CLIENT_SECRET (librechat-authelia hash), or put the "
            "matching secret in .env", f"{CONFIG}:214"),
    Finding("auth-method-mismatch", "error",
            "the client's token_endpoint_auth_method is client_secret_basic (the default), but "
            "LibreChat 0.8.7 sends client_secret_post: Authelia answers invalid_client",
            "set token_endpoint_auth_method: 'client_secret_post'", f"{CONFIG}:209"),
    Finding("callback-url-absolute", "error",
            "OPENID_CALLBACK_URL is a full URL; LibreChat appends it to DOMAIN_SERVER, so it "
            "must be only the path", "set OPENID_CALLBACK_URL=/oauth/openid/callback",
            f"{ENV}:36"),
    Finding("end-session-unsupported", "warning",
            "Authelia has no end-session endpoint: logout stays local to LibreChat",
            "remove OPENID_USE_END_SESSION_ENDPOINT or set it to false", f"{ENV}:41"),
    Finding("value-not-checkable", "info", "hmac_secret comes from a template; not checked",
            "check it by hand", f"{CONFIG}:188"),
]

DOCTOR = [
    Finding("tls-ok", "ok", "auth.home.example:443: certificate trusted by the system store "
            "and valid for the name", ""),
    Finding("discovery-ok", "ok", "discovery at https://auth.home.example/.well-known/"
            "openid-configuration: issuer matches, S256 and client_secret_post offered, "
            "endpoints on the issuer's origin", ""),
    Finding("jwks-ok", "ok", "JWKS has an RS256 signing key (main)", ""),
    Finding("authorize-ok", "ok", "authorization endpoint accepts the client, redirect URI "
            "and scopes (login_required: nobody is logged in here)", ""),
    Finding("token-secret-rejected", "error",
            f"token endpoint: the client secret from {ENV} (LibreChat's own) was refused: it "
            "does not match the client's digest",
            "hash the secret in OPENID_CLIENT_SECRET again ('authelia crypto hash generate' or "
            "'librechat-authelia hash') and put the digest in the client's client_secret; or "
            "copy the secret that belongs to the digest into OPENID_CLIENT_SECRET"),
    Finding("clock-ok", "ok", "this machine's clock and Authelia's agree (1 s apart)", ""),
    Finding("librechat-config-ok", "ok",
            "LibreChat offers the OpenID login, serverDomain matches", ""),
]


def fixed_time(monkeypatch=None) -> None:
    """The pane's times of day as one fixed time, whatever the time zone."""
    from tui.app.panes import check

    def when(timestamp):
        return "09:41:07" if timestamp else ""

    if monkeypatch is None:
        check.when = when
    else:
        monkeypatch.setattr(check, "when", when)


def hand_results(main) -> None:
    """The audit and the doctor run above, as finished runs of the main screen's profile."""
    profile = main.session.profile
    audit, doctor = main.checks.audit, main.checks.doctor
    audit.state, audit.findings, audit.finished_at = app_checks.DONE, list(AUDIT), RAN_AT
    audit.paths = (*profile.authelia_config_paths, profile.env_path, profile.compose_path)
    doctor.state, doctor.findings, doctor.finished_at = app_checks.DONE, list(DOCTOR), RAN_AT
    doctor.targets = f"Authelia {profile.auth_url}, LibreChat {profile.app_url}"
    main.show_checks()
