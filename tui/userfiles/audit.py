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
from urllib.parse import urlsplit

from ..core import digest, facts
from ..core.hosts import is_loopback
from ..core.shown import shown, shown_path
from ..core.versions import Version, VersionError
from .authelia_config import OIDC, AutheliaConfig
from .compose import Compose, EnvSetting
from .dotenv import DotEnv
from .rules.authelia import AUTHELIA_RULES, check_issuer, report_oidc_missing, report_unreadable
from .rules.client import CLIENT_RULES
from .rules.common import (
    DUPLICATE_LINES_SHOWN,
    LIBRECHAT_DEFAULT_DOMAIN,
    REQUIRED_ENV,
    URL_ENV,
    url_error,
)
from .rules.common import issuer_root as _issuer_root
from .rules.common import truthy as _truthy

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SEVERITIES = ("error", "warning", "info")

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


class Finding(namedtuple("Finding", "code severity where message fix")):
    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        return dict(self._asdict())

    def __str__(self) -> str:
        where = f" {self.where}" if self.where else ""
        return f"{self.severity}: {self.code}{where}: {self.message}\n    fix: {self.fix}"


AuditResult = namedtuple("AuditResult", "findings digest_seconds verifications")


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


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
                                     shown_path(where) if where else where,
                                     shown(message, limit=None), shown(fix, limit=None)))

    # LibreChat's side ------------------------------------------------------------------

    def _effective_env(self) -> dict[str, EnvSetting]:
        settings: dict[str, EnvSetting] = {}
        if self.env is not None:
            for key, value in self.env.values.items():
                settings[key] = EnvSetting(value, self.env.where(self.env.winner(key).line),
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
                     f"{shown(key)} comes from a Compose variable; not checked",
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

    def check_env_file(self) -> None:
        env = self.env
        if env is None:
            return
        for number in env.ignored_lines:
            self.add("env-unreadable", env.where(number),
                     "dotenv ignores this line: it is not KEY=value",
                     "write it as KEY=value or comment it out with #", severity="warning")
        for key, entries in env.duplicates().items():
            lines = ", ".join(str(e.line) for e in entries[:DUPLICATE_LINES_SHOWN])
            if len(entries) > DUPLICATE_LINES_SHOWN:
                lines += f" and {len(entries) - DUPLICATE_LINES_SHOWN:,} more"
            self.add("env-duplicate-key", env.where(entries[-1].line),
                     f"{key} is set {len(entries):,} times (lines {lines}); dotenv uses the "
                     f"last one (line {entries[-1].line})",
                     f"keep one {key} line (apply env comments out the later ones)")
        for entry in env.entries:
            if entry.truncated:
                self.add("env-value-truncated", env.where(entry.line),
                         f"{entry.key}'s value is cut at '#': dotenv reads only "
                         f"{len(entry.value)} characters of it",
                         f"quote the value: {entry.key}='...'")
        # Through a Compose `env_file: .env` the variable is in the container's environment
        # at start, where Node does read it.
        loaded = self.compose is not None and env.path is not None and any(
            p.resolve() == env.path.resolve() for p in self.compose.env_files())
        if env.get("NODE_EXTRA_CA_CERTS") is not None and not loaded:
            self.add("extra-ca-in-dotenv", env.where(env.winner("NODE_EXTRA_CA_CERTS").line),
                     "NODE_EXTRA_CA_CERTS in .env does nothing: Node reads it only at process "
                     "start",
                     "set it under services.api.environment in docker-compose.override.yml "
                     "(and mount the CA file)")

    def check_env_values(self) -> None:
        for key in REQUIRED_ENV:
            if not self.value(key) and self.checkable(key):
                self.add("env-missing", self.where(key),
                         f"{key} is {'empty' if key in self.settings else 'missing'}: "
                         "LibreChat does not register the OpenID login without it",
                         f"set {key} (librechat-authelia render env)")
        pkce = _truthy(self.value("OPENID_USE_PKCE"))
        if not self.value(facts.ENV_CLIENT_SECRET) and not pkce \
                and self.checkable(facts.ENV_CLIENT_SECRET, "OPENID_USE_PKCE"):
            self.add("env-missing", self.where(facts.ENV_CLIENT_SECRET),
                     f"{facts.ENV_CLIENT_SECRET} is missing or empty (and OPENID_USE_PKCE is "
                     "not on): LibreChat does not register the OpenID login",
                     f"set {facts.ENV_CLIENT_SECRET} to the client secret")
        social = self.value(facts.ENV_ALLOW_SOCIAL_LOGIN)
        if self.checkable(facts.ENV_ALLOW_SOCIAL_LOGIN):
            if not _truthy(social):
                self.add("social-login-disabled", self.where(facts.ENV_ALLOW_SOCIAL_LOGIN),
                         "ALLOW_SOCIAL_LOGIN is not true: LibreChat shows no OpenID button",
                         "set ALLOW_SOCIAL_LOGIN=true")

        invalid = set()
        for key in URL_ENV:
            value = self.value(key)
            why = url_error(value) if value else None
            if why:
                invalid.add(key)
                self.add("url-invalid", self.where(key),
                         f"{key} is not a valid URL ({why}): LibreChat cannot use it",
                         f"write {key} as https://host (with :port when needed)")

        issuer = self.value(facts.ENV_ISSUER)
        issuer_host = ""
        if issuer and facts.ENV_ISSUER not in invalid:
            parts = urlsplit(_issuer_root(issuer))
            issuer_host = parts.hostname or ""
            if parts.scheme == "http" and self.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
                self.add("issuer-not-https", self.where(facts.ENV_ISSUER),
                         f"OPENID_ISSUER uses http://; LibreChat {self.librechat} "
                         "(openid-client 6) refuses http issuers",
                         "serve Authelia over https:// and set OPENID_ISSUER to that URL")

        domain = self.value(facts.ENV_DOMAIN_SERVER)
        if self.checkable(facts.ENV_DOMAIN_SERVER) and facts.ENV_DOMAIN_SERVER not in invalid:
            host = urlsplit(domain or LIBRECHAT_DEFAULT_DOMAIN).hostname or ""
            if (not domain or is_loopback(host)) and issuer_host \
                    and not is_loopback(issuer_host):
                self.add("domain-server-default", self.where(facts.ENV_DOMAIN_SERVER),
                         f"DOMAIN_SERVER is {'unset' if not domain else 'a localhost URL'}: "
                         "LibreChat sends a localhost redirect URI that Authelia never matches",
                         "set DOMAIN_SERVER (and DOMAIN_CLIENT) to LibreChat's public URL, "
                         "like https://chat.example.com")
            if domain and domain.endswith("/"):
                self.add("domain-trailing-slash", self.where(facts.ENV_DOMAIN_SERVER),
                         "DOMAIN_SERVER ends with '/': the callback URL gets a double slash",
                         "remove the trailing slash from DOMAIN_SERVER")

        callback = self.value(facts.ENV_CALLBACK_URL)
        if callback:
            if callback.startswith(("http://", "https://")):
                self.add("callback-url-absolute", self.where(facts.ENV_CALLBACK_URL),
                         "OPENID_CALLBACK_URL is a full URL; LibreChat appends it to "
                         "DOMAIN_SERVER, so it must be only the path",
                         f"set OPENID_CALLBACK_URL={facts.CALLBACK_PATH}")
            elif callback != facts.CALLBACK_PATH:
                self.add("callback-path-wrong", self.where(facts.ENV_CALLBACK_URL),
                         f"OPENID_CALLBACK_URL is '{shown(callback)}'; LibreChat's route is "
                         f"{facts.CALLBACK_PATH}",
                         f"set OPENID_CALLBACK_URL={facts.CALLBACK_PATH}")

        secret = self.value(facts.ENV_CLIENT_SECRET)
        if secret and secret == self.value(facts.ENV_SESSION_SECRET):
            self.add("session-secret-reused", self.where(facts.ENV_SESSION_SECRET),
                     "OPENID_SESSION_SECRET equals OPENID_CLIENT_SECRET",
                     "set OPENID_SESSION_SECRET to its own random value "
                     "(librechat-authelia rand)")
        if _truthy(self.value("OPENID_USE_END_SESSION_ENDPOINT")):
            self.add("end-session-unsupported", self.where("OPENID_USE_END_SESSION_ENDPOINT"),
                     "Authelia has no end-session endpoint: logout stays local to LibreChat",
                     "remove OPENID_USE_END_SESSION_ENDPOINT or set it to false")

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
        """The .env's checks; then, with a configuration that reads, AUTHELIA_RULES on its oidc
        section (without one: oidc-missing, and the issuer still checked)."""
        config = self.config
        self.check_env_file()
        self.check_env_values()
        _check_env_auth_method(self)
        _check_role_variables(self)
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
RULES = (report_unreadable, report_oidc_missing, *AUTHELIA_RULES, *CLIENT_RULES)

# Codes added while the inputs are read, before any rule runs: Compose over .env and the
# version (AuditRun), a .env that is not text (sources.read_env_file).
READING_CODES = ("compose-overrides-env", "value-not-checkable", "librechat-version-assumed",
                 "env-unreadable")


# How LibreChat sends the secret, its role checks (FACTS.md) ---------------------------


def _check_env_auth_method(run: AuditRun) -> None:
    """Released LibreChat reads no OPENID_TOKEN_ENDPOINT_AUTH_METHOD and posts the secret; a
    development build reads it (default client_secret_basic, also for a value it does not
    know). Only the line equal to what releases send makes every build agree."""
    key = facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD
    if not run.checkable(key):
        return
    value = run.value(key)
    pkce_only = not run.value(facts.ENV_CLIENT_SECRET) and _truthy(run.value("OPENID_USE_PKCE"))
    released = facts.token_endpoint_auth_method(run.librechat)
    if not value:
        if run.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6 and not pkce_only:
            run.add("env-auth-method-unset", run.where(key),
                    f"{key} is not set: released LibreChat {run.librechat} posts the client "
                    f"secret ({released}), but a development build sends HTTP Basic "
                    f"({facts.DEV_BUILD_AUTH_METHOD_DEFAULT}): the method depends on the build",
                    f"add {key}={released} to .env (apply env adds it), the same method as the "
                    "client's token_endpoint_auth_method")
        return
    if value not in facts.TOKEN_ENDPOINT_AUTH_METHODS:
        run.add("env-auth-method-unknown", run.where(key),
                f"{key} is {shown(value)}, which LibreChat does not know: a build that reads "
                f"it falls back to {facts.DEV_BUILD_AUTH_METHOD_DEFAULT}",
                f"set {key}={released} (one of {', '.join(facts.TOKEN_ENDPOINT_AUTH_METHODS)})")
        return
    if value != released and not pkce_only:
        run.add("env-auth-method-ignored", run.where(key),
                f"{key} is {value}, but released LibreChat {run.librechat} ignores it and "
                f"sends {released}"
                + (f": only a development build sends {value}"
                   if run.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6 else ""),
                f"set {key}={released} and the client's token_endpoint_auth_method: "
                f"'{released}', so every build agrees")


def _check_role_variables(run: AuditRun) -> None:
    """OPENID_REQUIRED_ROLE_TOKEN_KIND has no default; the admin role needs all three."""
    for prefix in ("OPENID_REQUIRED_ROLE", facts.ENV_ADMIN_ROLE):
        kind_key = f"{prefix}_TOKEN_KIND"
        keys = (prefix, f"{prefix}_PARAMETER_PATH", kind_key)
        if not run.checkable(*keys):
            continue
        kinds = facts.role_token_kinds(prefix, run.librechat)
        if prefix == facts.ENV_ADMIN_ROLE:
            present = [k for k in keys if run.value(k)]
            if present and len(present) < len(keys):
                missing = [k for k in keys if k not in present]
                run.add("admin-role-incomplete", run.where(present[0]),
                        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: "
                        "LibreChat checks the admin role only with all three, so it promotes "
                        "nobody",
                        f"set {facts.ENV_ADMIN_ROLE}=<group>, "
                        f"{facts.ENV_ADMIN_ROLE_PARAMETER_PATH}={facts.ADMIN_ROLE_PARAMETER_PATH} "
                        f"and {facts.ENV_ADMIN_ROLE_TOKEN_KIND}={facts.ADMIN_ROLE_TOKEN_KIND}")
                continue
            if not present:
                continue
        elif not run.value(prefix):
            continue
        kind = run.value(kind_key)
        if kind not in kinds:
            what = (f"{kind_key} is {shown(kind)}" if kind else f"{kind_key} is not set")
            effect = ("every login is refused" if prefix != facts.ENV_ADMIN_ROLE
                      else "every login fails")
            run.add("role-token-kind-invalid", run.where(kind_key if kind else prefix),
                    f"{what}: LibreChat {run.librechat} reads {' or '.join(kinds)}, so "
                    f"{effect}",
                    f"set {kind_key}=id (Authelia's access tokens are opaque: the groups "
                    "claim is read from the ID token)")


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
    findings = sorted(run.findings, key=lambda f: _ORDER[f.severity])
    return AuditResult(findings, run.digest_seconds, run.verifications)


def render_text(findings: list[Finding]) -> str:
    if not findings:
        return "no problems found\n"
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    body = "\n".join(str(f) for f in findings)
    summary = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
                        for s, n in counts.items())
    return f"{body}\n{summary}\n"


def render_json(findings: list[Finding]) -> str:
    import json

    return json.dumps({"findings": [f.as_dict() for f in findings]}, indent=2) + "\n"
