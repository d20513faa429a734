"""Audit an existing setup: Authelia's configuration.yml against LibreChat's .env.

Each finding has a stable `code` (the table in CODES, documented in docs/audit-codes.md:
extend, never rename), a `severity`, `where` (`file:line` when known), a `message` and a `fix`.
No finding ever carries a secret's value: messages name keys and lines instead.

The checks are rules, small functions in tables (tui/userfiles/rules/): `AuditRun.run`
runs them in order, and RULES lists them all; each names the codes it adds.

The one slow check, whether the client's digest verifies OPENID_CLIENT_SECRET, runs at
most once per audit (Authelia's digests are slow by design); its time is kept apart in
`AuditResult.digest_seconds`.
"""

from __future__ import annotations

import time
from collections import namedtuple

from ..core import digest, facts
from ..core.findings import Finding, has_errors  # noqa: F401 - has_errors: for the CLI
from ..core.shown import shown, shown_path
from ..core.versions import Version, VersionError
from ..core.words import plural
from .authelia_config import OIDC, AutheliaConfig
from .compose import Compose, EnvSetting
from .dotenv import DotEnv
from .file_checks import FILE_RULES, check_files
from .placeholders import has_expression
from .rules.authelia import AUTHELIA_RULES, check_issuer, report_oidc_missing, report_unreadable
from .rules.client import CLIENT_RULES
from .rules.env import ENV_RULES
from .value_checks import VALUE_RULES, check_values

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

SEVERITIES = ("error", "warning", "info")
# An audit finding's JSON form: where is null when the place is not known.
JSON_KEYS = ("code", "severity", "where", "message", "fix")

# code -> (usual severity, when it is reported). docs/audit-codes.md's table follows this.
CODES: dict[str, tuple[str, str]] = {
    "authelia-unreadable": ("error", "a configuration file does not parse (with the line)"),
    "env-unreadable": ("error", "the .env is not text, or a line dotenv ignores (warning)"),
    "oidc-missing": ("error", "no identity_providers.oidc"),
    "hmac-secret-missing": ("error", "no identity_providers.oidc.hmac_secret (and none from "
                            "env/_FILE)"),
    "jwks-missing": ("error", "no identity_providers.oidc.jwks (nor issuer_private_key)"),
    "jwks-no-rs256": ("error", "no RSA key usable for RS256 in jwks"),
    "jwks-key-weak": ("error", "an RSA key under 2048 bits"),
    "issuer-private-key-deprecated": ("warning", "the pre-4.38 issuer_private_key (an error "
                                      "together with jwks)"),
    "client-not-found": ("error", "no client with the .env's OPENID_CLIENT_ID"),
    "client-id-duplicate": ("error", "two clients share that client_id"),
    "redirect-uri-shared": ("error", "two clients (other client_ids) list the same LibreChat "
                            "redirect URI: one is left over"),
    "client-secret-mismatch": ("error", "the client's digest does not verify "
                               "OPENID_CLIENT_SECRET"),
    "client-secret-plaintext": ("warning", "the stored client secret is not a digest"),
    "auth-method-mismatch": ("error", "token_endpoint_auth_method (default "
                             "client_secret_basic) is not what this LibreChat version sends"),
    "redirect-uri-mismatch": ("error", "DOMAIN_SERVER + OPENID_CALLBACK_URL is not one of "
                              "redirect_uris"),
    "scope-not-allowed": ("error", "OPENID_SCOPE asks for a scope the client does not allow"),
    "policy-undefined": ("error", "authorization_policy names no defined policy"),
    "pkce-method-invalid": ("error", "pkce_challenge_method other than S256 (or empty)"),
    "public-client": ("error", "public: true while LibreChat sends a secret"),
    "refresh-token-without-offline-access": ("warning", "grant_types has refresh_token but "
                                             "scopes lack offline_access (Authelia warns)"),
    "issuer-mismatch": ("error", "OPENID_ISSUER differs from every "
                        "session.cookies[].authelia_url"),
    "groups-claim-missing": ("error", "a LibreChat role check on groups that the chosen "
                             "token will not carry (warning when only 4.39's claims policy "
                             "is missing)"),
    "social-login-disabled": ("error", "ALLOW_SOCIAL_LOGIN is not true"),
    "env-missing": ("error", "a variable the OpenID strategy needs is missing or empty "
                    "(named)"),
    "domain-server-default": ("error", "DOMAIN_SERVER unset or localhost while Authelia is "
                              "remote"),
    "domain-trailing-slash": ("error", "DOMAIN_SERVER ends with /"),
    "url-invalid": ("error", "a URL (DOMAIN_SERVER, DOMAIN_CLIENT, OPENID_ISSUER, an "
                    "authelia_url) that cannot be read as one: an unclosed [, a bad port"),
    "callback-url-absolute": ("error", "OPENID_CALLBACK_URL is a full URL (the old guide's "
                              "mistake)"),
    "callback-path-wrong": ("error", "OPENID_CALLBACK_URL is another path than "
                            "/oauth/openid/callback"),
    "issuer-not-https": ("error", "an http:// issuer with openid-client 6 (LibreChat >= "
                         "0.7.9)"),
    "session-secret-reused": ("error", "OPENID_SESSION_SECRET equals the client secret"),
    "end-session-unsupported": ("warning", "OPENID_USE_END_SESSION_ENDPOINT on with Authelia"),
    "audience-not-allowed": ("error", "OPENID_AUDIENCE set and the client allows no such "
                             "audience"),
    "extra-ca-in-dotenv": ("warning", "NODE_EXTRA_CA_CERTS in .env, where Node ignores it"),
    "env-duplicate-key": ("warning", "the same key twice in .env (says which line wins)"),
    "env-value-truncated": ("error", "an unquoted value with # that dotenv cuts"),
    "compose-overrides-env": ("info", "Compose sets a key that .env also sets"),
    "value-not-checkable": ("info", "a value from a template, an AUTHELIA_* variable or a "
                            "_FILE secret"),
    "librechat-version-assumed": ("info", "no --librechat and no version in the image tag"),
    "template-filter-off": ("error", "the configuration has {{ ... }} templates but the "
                            "Compose file's Authelia service lacks "
                            "X_AUTHELIA_CONFIG_FILTERS=template"),
    # How LibreChat sends the secret, its role checks and its admin panel.
    "env-auth-method-unset": ("warning", "no OPENID_TOKEN_ENDPOINT_AUTH_METHOD with LibreChat "
                              ">= 0.7.9: the method then depends on the LibreChat build"),
    "env-auth-method-unknown": ("error", "OPENID_TOKEN_ENDPOINT_AUTH_METHOD is not "
                                "client_secret_basic, client_secret_post or none"),
    "env-auth-method-ignored": ("warning", "OPENID_TOKEN_ENDPOINT_AUTH_METHOD differs from "
                                "what released LibreChat sends (releases ignore the variable)"),
    "role-token-kind-invalid": ("error", "OPENID_REQUIRED_ROLE_TOKEN_KIND (or "
                                "OPENID_ADMIN_ROLE_TOKEN_KIND) missing or not a kind this "
                                "LibreChat reads"),
    "admin-role-incomplete": ("warning", "only some of OPENID_ADMIN_ROLE, "
                              "OPENID_ADMIN_ROLE_PARAMETER_PATH, OPENID_ADMIN_ROLE_TOKEN_KIND "
                              "are set: LibreChat then promotes nobody"),
    "admin-redirect-uri-mismatch": ("error", "the client's admin panel redirect URI is not "
                                    "DOMAIN_SERVER + /api/admin/oauth/openid/callback (info "
                                    "when LibreChat has no admin panel login)"),
}

# code -> the profile field that fixes it, for the app's "jump to the place to fix it".
# Codes not listed are fixed in the user's files only (apply does it, or by hand).
PROFILE_FIELD: dict[str, str] = {
    "client-not-found": "client_id",
    "client-id-duplicate": "client_id",
    "client-secret-mismatch": "client_secret",
    "client-secret-plaintext": "digest_algorithm",
    "auth-method-mismatch": "librechat_version",
    "redirect-uri-mismatch": "app_url",
    "scope-not-allowed": "scopes",
    "policy-undefined": "group",
    "refresh-token-without-offline-access": "refresh_tokens",
    "issuer-mismatch": "auth_url",
    "issuer-not-https": "auth_url",
    "domain-server-default": "app_url",
    "domain-trailing-slash": "app_url",
    "session-secret-reused": "session_secret",
    "librechat-version-assumed": "librechat_version",
    # The provider's fields (hmac_secret, jwks).
    "hmac-secret-missing": "hmac_secret",
    "jwks-missing": "signing_key",
    "jwks-no-rs256": "signing_key",
    "jwks-key-weak": "signing_key",
    "groups-claim-missing": "admin_group",
    "extra-ca-in-dotenv": "ca_file",
}


AuditResult = namedtuple("AuditResult", "findings digest_seconds verifications")


class AuditRun:
    def __init__(self, config: AutheliaConfig | None, env: DotEnv | None,
                 compose: Compose | None, librechat: str | None,
                 verify: bool | Callable[[str, str], bool]) -> None:
        self.config = config
        self.env = env
        self.compose = compose
        self.findings: list[Finding] = []
        self.digest_seconds = 0.0
        self.verifications = 0
        self._verify = verify
        self.settings = self._effective_env()
        self.librechat = self._librechat_version(librechat)

    def add(self, code: str, where: str | None, message: str, fix: str,
            severity: str | None = None) -> None:
        # Every outside value in a message is cut where it is quoted (shown(...) below);
        # here the whole is escaped once more, so nothing raw can slip through a new rule.
        self.findings.append(Finding(code, severity or CODES[code][0],
                                     shown(message, limit=None), shown(fix, limit=None),
                                     where=shown_path(where) if where else where))

    # LibreChat's side ------------------------------------------------------------------

    def _effective_env(self) -> dict[str, EnvSetting]:
        settings: dict[str, EnvSetting] = {}
        if self.env is not None:
            for key, value in self.env.values.items():
                # ${VAR} is filled in by Compose (env_file) or a script: not a value here.
                settings[key] = EnvSetting(None if has_expression(value) else value,
                                           self.env.where(self.env.winner(key).line),
                                           "env")
        if self.compose is not None:
            same = self.env.path if self.env is not None else None
            for key, setting in self.compose.api_environment(same).items():
                if key in settings:
                    self.add("compose-overrides-env", setting.where,
                             f"Compose sets {shown(key)}, which wins over .env "
                             f"({settings[key].where})",
                             f"set {shown(key)} in one place only, so an edit of .env is not "
                             "silently ignored")
                settings[key] = setting
        self.unknown = {k for k, s in settings.items() if s.value is None}
        for key in sorted(self.unknown):
            self.add("value-not-checkable", settings[key].where,
                     f"{shown(key)} comes from a variable (${{...}}) filled in by Compose "
                     "or a script; not checked",
                     "check it by hand, or write the value itself")
        return settings

    def _librechat_version(self, given: str | None) -> Version:
        source = "--librechat"
        if given is None and self.compose is not None:
            given, source = self.compose.librechat_version(), "the image tag"
        if given is not None:
            try:
                return Version.parse(given)
            except VersionError as error:
                if source == "--librechat":
                    raise
                self.add("librechat-version-assumed", self.compose.path if self.compose
                         else None, f"{error}; assuming LibreChat {facts.DEFAULT_LIBRECHAT}",
                         "give the version with --librechat")
                return Version.parse(facts.DEFAULT_LIBRECHAT)
        self.add("librechat-version-assumed", None,
                 f"LibreChat's version is not known; assuming {facts.DEFAULT_LIBRECHAT}",
                 "give it with --librechat, or pass the Compose file whose image tag names it")
        return Version.parse(facts.DEFAULT_LIBRECHAT)

    def value(self, key: str) -> str | None:
        setting = self.settings.get(key)
        return setting.value if setting else None

    def where(self, key: str) -> str | None:
        setting = self.settings.get(key)
        if setting:
            return setting.where
        return str(self.env.path) if self.env is not None and self.env.path else None

    def checkable(self, *keys: str) -> bool:
        """None of `keys` is interpolated by Compose from a variable we cannot see."""
        return not any(k in self.unknown for k in keys)

    # Authelia's side -------------------------------------------------------------------

    def not_checkable(self, path: tuple, what: str) -> bool:
        """Report and return True when the value at path comes from outside the files."""
        assert self.config is not None
        variable = self.config.from_environment(path)
        if variable:
            self.add("value-not-checkable", self.config.environment.get(variable),
                     f"{what} comes from {shown(variable)}; not checked", "check it by hand")
            return True
        value = self.config.get(path)
        if value is not None and self.config.is_templated(value):
            self.add("value-not-checkable", self.config.where(path),
                     f"{what} comes from a template; not checked", "check it by hand")
            return True
        return False

    @property
    def verifying(self) -> bool:
        """Whether this audit verifies the client secret's digest."""
        return bool(self._verify)

    def verify_secret(self, secret: str, stored: str, plaintext: bool) -> bool:
        """Whether the client's stored secret was made from `secret`; counted and timed
        (`verifications`, `digest_seconds`). Raises digest.NotADigest."""
        check = self._verify if callable(self._verify) else digest.verify
        started = time.perf_counter()
        self.verifications += 1
        try:
            if plaintext and not digest.is_plaintext(stored):
                return stored == secret
            return check(secret, stored)
        finally:
            self.digest_seconds += time.perf_counter() - started

    def run(self) -> None:
        """ENV_RULES; then, with a configuration that reads, AUTHELIA_RULES on its oidc
        section (without one: oidc-missing, and the issuer still checked)."""
        config = self.config
        for check in ENV_RULES:
            check(self)
        if config is None:
            return
        report_unreadable(self)
        if config.errors and not config.docs:
            return
        oidc = config.get(OIDC)
        if not isinstance(oidc, dict):
            report_oidc_missing(self)
            check_issuer(self)
            return
        for rule in AUTHELIA_RULES:
            rule(self, oidc)


# Every rule of the audit (tui/userfiles/rules/), in the order they run.
RULES = (*ENV_RULES, report_unreadable, report_oidc_missing, *AUTHELIA_RULES, *CLIENT_RULES,
         *FILE_RULES, *VALUE_RULES)

# Codes added while the inputs are read, before any rule runs: Compose over .env and the
# version (AuditRun), a .env that is not text (sources.read_env_file).
READING_CODES = ("compose-overrides-env", "value-not-checkable", "librechat-version-assumed",
                 "env-unreadable")


_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def audit(config: AutheliaConfig | None, env: DotEnv | None, compose: Compose | None = None,
          *, librechat: str | None = None,
          verify: bool | Callable[[str, str], bool] = True,
          extra: list[Finding] | None = None) -> AuditResult:
    """Every finding for this setup, errors first.

    verify=False skips the digest verification; a callable replaces digest.verify (tests
    count its calls); `extra` adds findings made while reading. Raises VersionError for a
    bad `librechat`.
    """
    run = AuditRun(config, env, compose, librechat, verify)
    run.findings[:0] = extra or []
    run.run()
    check_files(run)  # what each file is, Compose's services, Authelia's schema
    check_values(run)  # placeholders, literal parts of templates, what the profile checks
    findings = sorted(run.findings, key=lambda f: _ORDER[f.severity])
    return AuditResult(findings, run.digest_seconds, run.verifications)


def render_text(findings: list[Finding]) -> str:
    if not findings:
        return "no problems found\n"
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    body = "\n".join(str(f) for f in findings)
    summary = ", ".join(plural(n, s, "info" if s == "info" else None)
                        for s, n in counts.items())
    return f"{body}\n{summary}\n"


def render_json(findings: list[Finding]) -> str:
    import json

    return json.dumps({"findings": [f.as_dict(JSON_KEYS) for f in findings]}, indent=2) + "\n"
