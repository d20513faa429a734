"""Audit an existing setup: Authelia's configuration.yml against LibreChat's .env.

Each finding has a stable `code` (the table in CODES, documented in docs/audit-codes.md:
extend, never rename), a `severity`, `where` (`file:line` when known), a `message` and a `fix`.
No finding ever carries a secret's value: messages name keys and lines instead.

The one slow check, whether the client's digest verifies OPENID_CLIENT_SECRET, runs at
most once per audit (Authelia's digests are slow by design); its time is kept apart in
`AuditResult.digest_seconds`.
"""

from __future__ import annotations

import time
from collections import namedtuple
from urllib.parse import urlsplit

from ..core import digest, facts
from ..core.findings import Finding, has_errors  # noqa: F401 - has_errors: for the CLI
from ..core.hosts import is_loopback
from ..core.shown import shown, shown_path
from ..core.versions import Version, VersionError
from ..core.words import plural
from .authelia_config import CLIENTS, OIDC, AutheliaConfig
from .compose import Compose, EnvSetting
from .dotenv import DotEnv
from .file_checks import check_files
from .placeholders import has_expression
from .value_checks import check_values

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

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

# The variables LibreChat's OpenID strategy needs (FACTS.md: How LibreChat builds its login).
REQUIRED_ENV = (facts.ENV_CLIENT_ID, facts.ENV_ISSUER, facts.ENV_SCOPE,
                facts.ENV_SESSION_SECRET, facts.ENV_CALLBACK_URL)
LIBRECHAT_DEFAULT_DOMAIN = "http://localhost:3080"
AUTHELIA_DEFAULT_SCOPES = ("openid", "groups", "profile", "email")


AuditResult = namedtuple("AuditResult", "findings digest_seconds verifications")


def _truthy(value: str | None) -> bool:
    # LibreChat's isEnabled(): the string 'true', any case, trimmed.
    return value is not None and value.strip().lower() == "true"


def _issuer_root(issuer: str) -> str:
    """OPENID_ISSUER less the discovery suffix: what discovery's issuer must equal exactly."""
    issuer = issuer.strip()
    if issuer.endswith(facts.DISCOVERY_PATH):
        issuer = issuer[: -len(facts.DISCOVERY_PATH)]
    return issuer


# The variables and keys whose value is a URL that this audit (or LibreChat) takes apart.
URL_ENV = (facts.ENV_DOMAIN_SERVER, facts.ENV_DOMAIN_CLIENT, facts.ENV_ISSUER)
DUPLICATE_LINES_SHOWN = 5


def url_error(url: str) -> str | None:
    """Why `url` cannot be taken apart (urlsplit or its port raise), or None; the reason is
    Python's words, shown safely ("Invalid IPv6 URL", "Port out of range 0-65535")."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        return shown(str(error))
    return None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


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
                                           self.env.where(self.env.winner(key).line), "env")
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
                         f"{plural(len(entry.value), 'character')} of it",
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

    def check_provider(self, oidc: dict) -> None:
        config = self.config
        assert config is not None
        if not oidc.get("hmac_secret") and not self.not_checkable((*OIDC, "hmac_secret"),
                                                                    "hmac_secret"):
            self.add("hmac-secret-missing", config.where(OIDC),
                     "identity_providers.oidc has no hmac_secret: Authelia does not start",
                     "add hmac_secret: 64 random alphanumeric characters "
                     "(authelia crypto rand --length 64 --charset alphanumeric)")
        elif oidc.get("hmac_secret"):
            self.not_checkable((*OIDC, "hmac_secret"), "hmac_secret")
        old_key = oidc.get("issuer_private_key") or config.from_environment(
            (*OIDC, "issuer_private_key"))
        jwks = oidc.get("jwks")
        if old_key:
            both = bool(jwks)
            self.add("issuer-private-key-deprecated", config.where((*OIDC, "issuer_private_key")),
                     "issuer_private_key is the pre-4.38 form" +
                     (" and cannot be used together with jwks" if both else " (deprecated)"),
                     "move the key into identity_providers.oidc.jwks as "
                     "{key_id, algorithm: RS256, use: sig, key}",
                     severity="error" if both else None)
        if not jwks:
            if not old_key:
                self.add("jwks-missing", config.where(OIDC),
                         "identity_providers.oidc has no jwks: there is no key to sign tokens",
                         "add a jwks entry with an RSA key of 2048 bits or more "
                         "(authelia crypto pair rsa generate)")
            return
        if not isinstance(jwks, list):
            self.add("jwks-no-rs256", config.where((*OIDC, "jwks")), "jwks is not a list",
                     "write jwks as a list of {key_id, algorithm, use, key}")
            return
        usable, unknown = False, False
        for index, entry in enumerate(jwks):
            path = (*OIDC, "jwks", index)
            if not isinstance(entry, dict):
                continue
            algorithm = entry.get("algorithm") or "RS256"
            key = entry.get("key")
            if config.is_templated(key) or config.is_templated(algorithm):
                self.add("value-not-checkable", config.where((*path, "key")),
                         f"jwks key {index + 1} comes from a template; not checked",
                         "check that it is an RSA key of 2048 bits or more")
                unknown = unknown or algorithm == "RS256"
                continue
            bits = _rsa_bits(key)
            if bits is None:
                self.add("jwks-no-rs256", config.where((*path, "key")),
                         f"jwks key {index + 1} cannot be read as an unencrypted PEM private "
                         "key: Authelia does not start",
                         "paste the whole PEM (-----BEGIN PRIVATE KEY----- ... END) as a "
                         "literal block (key: |)")
                continue
            if 0 < bits < 2048:
                self.add("jwks-key-weak", config.where((*path, "key")),
                         f"jwks key {index + 1} is RSA {bits} bits; Authelia refuses RSA keys "
                         "under 2048 bits",
                         "generate a 2048-bit (or larger) RSA key")
            elif bits >= 2048 and algorithm == "RS256":
                usable = True
        if not usable and not unknown:
            self.add("jwks-no-rs256", config.where((*OIDC, "jwks")),
                     "no jwks key is an RSA key usable for RS256; Authelia requires one",
                     "add an RSA key (2048 bits or more) with algorithm: RS256")

    def check_client(self, oidc: dict) -> None:
        config = self.config
        assert config is not None
        client_id = self.value(facts.ENV_CLIENT_ID)
        if not client_id:
            return
        matches, templated = [], False
        for index, client in config.clients():
            if not isinstance(client, dict):
                continue
            cid = client.get("client_id", client.get("id"))
            if config.is_templated(cid):
                templated = True
            elif cid == client_id:
                matches.append(index)
        if not matches:
            if templated:
                self.add("value-not-checkable", config.where(CLIENTS),
                         "a client_id comes from a template; the client may be there",
                         "check the client by hand")
                return
            self.add("client-not-found", config.where(CLIENTS) or config.where(OIDC),
                     f"no client has client_id '{shown(client_id)}' (OPENID_CLIENT_ID, "
                     f"{self.where(facts.ENV_CLIENT_ID)})",
                     "add LibreChat's client (librechat-authelia apply authelia) or fix "
                     "OPENID_CLIENT_ID")
            return
        if len(matches) > 1:
            lines = ", ".join(config.where((*CLIENTS, i)) or "?" for i in matches)
            self.add("client-id-duplicate", config.where((*CLIENTS, matches[1])),
                     f"{len(matches)} clients have client_id '{shown(client_id)}' ({lines})",
                     "keep one of them: Authelia refuses duplicate client IDs")
        index = matches[0]
        client = config.get((*CLIENTS, index))
        base = (*CLIENTS, index)

        def where(key: str) -> str | None:
            return config.where((*base, key)) if key in client else config.where(base)

        def templated_key(key: str) -> bool:
            if key in client and config.is_templated(client[key]):
                self.add("value-not-checkable", where(key),
                         f"the client's {key} comes from a template; not checked",
                         "check it by hand")
                return True
            return False

        public = client.get("public") is True
        env_secret = self.value(facts.ENV_CLIENT_SECRET)
        self._check_secret(client, where, templated_key, public, env_secret)

        if public and env_secret:
            self.add("public-client", where("public"),
                     "the client is public: true, but LibreChat sends OPENID_CLIENT_SECRET",
                     "set public: false (and keep client_secret), or remove "
                     "OPENID_CLIENT_SECRET and set OPENID_USE_PKCE=true")
        if not templated_key("token_endpoint_auth_method"):
            default = "none" if public else "client_secret_basic"
            method = client.get("token_endpoint_auth_method") or default
            sends = _env_auth_method(self) or (
                "none" if not env_secret and _truthy(self.value("OPENID_USE_PKCE"))
                else facts.token_endpoint_auth_method(self.librechat))
            if method != sends:
                self.add("auth-method-mismatch", where("token_endpoint_auth_method"),
                         f"the client's token_endpoint_auth_method is {shown(method)}"
                         f"{' (the default)' if 'token_endpoint_auth_method' not in client else ''}"
                         f", but LibreChat {self.librechat} sends {shown(sends)}: Authelia answers "
                         "invalid_client",
                         f"set token_endpoint_auth_method: '{shown(sends)}'")

        self._check_redirect(client, where, templated_key)
        _check_admin_redirect(self, client, where, templated_key)
        scopes = client.get("scopes")
        allowed = _as_list(scopes) if scopes is not None else list(AUTHELIA_DEFAULT_SCOPES)
        if not templated_key("scopes") and self.value(facts.ENV_SCOPE):
            for scope in self.value(facts.ENV_SCOPE).split():
                if scope not in allowed:
                    self.add("scope-not-allowed", where("scopes"),
                             f"OPENID_SCOPE asks for '{shown(scope)}', which the client does "
                             f"not allow ({shown(', '.join(map(str, allowed)))})",
                             f"add '{shown(scope)}' to the client's scopes, or remove it from "
                             "OPENID_SCOPE")
        policy = client.get("authorization_policy") or facts.DEFAULT_POLICY
        policies = oidc.get("authorization_policies")
        defined = set(policies) if isinstance(policies, dict) else set()
        if not templated_key("authorization_policy") and policy not in facts.POLICIES \
                and policy not in defined:
            self.add("policy-undefined", where("authorization_policy"),
                     f"authorization_policy '{shown(policy)}' is not one_factor, two_factor or a "
                     "policy under identity_providers.oidc.authorization_policies",
                     "define the policy (apply authelia adds it) or use two_factor")
        if "pkce_challenge_method" in client and not templated_key("pkce_challenge_method"):
            method = client.get("pkce_challenge_method")
            if method != "S256":
                self.add("pkce-method-invalid", where("pkce_challenge_method"),
                         f"pkce_challenge_method is '{shown(method)}'; LibreChat sends S256"
                         + (" and the 4.38 schema rejects an empty value" if not method else ""),
                         "set pkce_challenge_method: 'S256' (or remove the key)")
        grants = _as_list(client.get("grant_types"))
        if "refresh_token" in grants and facts.REFRESH_SCOPE not in allowed:
            self.add("refresh-token-without-offline-access", where("grant_types"),
                     "grant_types has refresh_token but scopes lack offline_access: Authelia "
                     "logs a warning and issues no refresh token",
                     "add offline_access to scopes (and OPENID_SCOPE), or drop refresh_token")
        audience = self.value("OPENID_AUDIENCE")
        if audience and not templated_key("audience") \
                and audience not in _as_list(client.get("audience")):
            self.add("audience-not-allowed", where("audience"),
                     f"OPENID_AUDIENCE is '{shown(audience)}', which the client's audience does "
                     "not list: Authelia answers 'Requested audience ... has not been "
                     "whitelisted'",
                     f"add '{shown(audience)}' to the client's audience, or unset "
                     "OPENID_AUDIENCE")
        self._check_groups(client, where, oidc, allowed)

    def _check_secret(self, client, where, templated_key, public, env_secret) -> None:
        stored = client.get("client_secret", client.get("secret"))
        if stored is None or public or templated_key("client_secret"):
            return
        stored = str(stored)
        plaintext = digest.is_plaintext(stored) or not stored.startswith("$")
        if plaintext:
            self.add("client-secret-plaintext", where("client_secret"),
                     "the client secret is stored as plaintext, which Authelia deprecates",
                     "store a digest: librechat-authelia hash < secret-file")
        if not env_secret or not self._verify:
            return
        check = self._verify if callable(self._verify) else digest.verify
        started = time.perf_counter()
        self.verifications += 1
        try:
            if plaintext and not digest.is_plaintext(stored):
                ok = stored == env_secret
            else:
                ok = check(env_secret, stored)
        except digest.NotADigest as error:
            self.add("client-secret-mismatch", where("client_secret"), shown(error),
                     "store the digest of OPENID_CLIENT_SECRET (librechat-authelia hash)")
            return
        finally:
            self.digest_seconds += time.perf_counter() - started
        if not ok:
            self.add("client-secret-mismatch", where("client_secret"),
                     "the client's client_secret was not made from OPENID_CLIENT_SECRET "
                     f"({self.where(facts.ENV_CLIENT_SECRET)}): Authelia answers invalid_client",
                     "store the digest of OPENID_CLIENT_SECRET (librechat-authelia hash), or "
                     "put the matching secret in .env")

    def _check_redirect(self, client, where, templated_key) -> None:
        if templated_key("redirect_uris"):
            return
        domain = self.value(facts.ENV_DOMAIN_SERVER)
        callback = self.value(facts.ENV_CALLBACK_URL)
        if callback is None or not self.checkable(facts.ENV_DOMAIN_SERVER):
            return
        sent = (domain if domain is not None else LIBRECHAT_DEFAULT_DOMAIN) + callback
        uris = _as_list(client.get("redirect_uris"))
        if sent not in uris:
            self.add("redirect-uri-mismatch", where("redirect_uris"),
                     f"LibreChat sends redirect_uri {shown(sent)} (DOMAIN_SERVER + "
                     "OPENID_CALLBACK_URL), which is not in the client's redirect_uris",
                     "make them equal: redirect_uris: ['https://<LibreChat's public "
                     f"URL>{facts.CALLBACK_PATH}'], the same URL as DOMAIN_SERVER")

    def _check_groups(self, client, where, oidc, allowed) -> None:
        for prefix in ("OPENID_REQUIRED_ROLE", "OPENID_ADMIN_ROLE"):
            if not self.value(prefix):
                continue
            path = self.value(f"{prefix}_PARAMETER_PATH") or ""
            if "groups" not in path.split("."):
                continue
            kind = (self.value(f"{prefix}_TOKEN_KIND") or "").strip() or "id"
            problems = []
            if kind == "access" and (client.get("access_token_signed_response_alg")
                                     in (None, "none")):
                problems.append(f"{prefix}_TOKEN_KIND=access, but Authelia's access tokens are "
                                "opaque")
            scopes = (self.value(facts.ENV_SCOPE) or "").split()
            if "groups" not in scopes:
                problems.append("OPENID_SCOPE does not ask for groups")
            if "groups" not in allowed:
                problems.append("the client does not allow the groups scope")
            if problems:
                self.add("groups-claim-missing", self.where(prefix),
                         f"{prefix} checks {shown(path)}, but the token will not carry it: "
                         + "; ".join(problems),
                         f"set {prefix}_TOKEN_KIND=id, {prefix}_PARAMETER_PATH=groups, and "
                         "the groups scope in OPENID_SCOPE and the client's scopes")
                continue
            if kind == "id" and not self._claims_policy_has_groups(client, oidc):
                self.add("groups-claim-missing", where("claims_policy"),
                         f"{prefix} reads groups from the ID token; from Authelia 4.39 the ID "
                         "token carries groups only with a claims_policy that lists them in "
                         "id_token",
                         "give the client a claims_policy whose id_token includes groups",
                         severity="warning")

    def _claims_policy_has_groups(self, client, oidc) -> bool:
        name = client.get("claims_policy")
        policies = oidc.get("claims_policies")
        if not name or not isinstance(policies, dict):
            return False
        policy = policies.get(name)
        return isinstance(policy, dict) and "groups" in _as_list(policy.get("id_token"))

    def check_issuer(self) -> None:
        config = self.config
        assert config is not None
        issuer = self.value(facts.ENV_ISSUER)
        if not issuer:
            return
        cookies = config.get(("session", "cookies"))
        if not isinstance(cookies, list):
            return
        urls = [(i, c.get("authelia_url")) for i, c in enumerate(cookies)
                if isinstance(c, dict) and c.get("authelia_url")]
        if not urls:
            return
        for index, url in urls:
            why = url_error(url) if isinstance(url, str) and not config.is_templated(url) \
                else None
            if why:
                self.add("url-invalid", config.where(("session", "cookies", index,
                                                      "authelia_url")),
                         f"authelia_url is not a valid URL ({why}): Authelia does not start",
                         "write authelia_url as https://host (with :port when needed)")
        if any(config.is_templated(url) for _, url in urls):
            self.add("value-not-checkable", config.where(("session", "cookies")),
                     "an authelia_url comes from a template; the issuer is not checked",
                     "check that OPENID_ISSUER is Authelia's public URL")
            return
        wanted = _issuer_root(issuer)
        if not any(str(url).rstrip("/") == wanted for _, url in urls):
            first = urls[0]
            self.add("issuer-mismatch", self.where(facts.ENV_ISSUER),
                     f"OPENID_ISSUER is {shown(wanted)}, but Authelia's authelia_url is "
                     f"{shown(first[1])} ({config.where(('session', 'cookies', first[0]))}): "
                     "discovery returns another issuer and LibreChat rejects it",
                     f"set OPENID_ISSUER={shown(str(first[1]).rstrip('/'))}")

    def run(self) -> None:
        config = self.config
        self.check_env_file()
        self.check_env_values()
        _check_env_auth_method(self)
        _check_role_variables(self)
        if config is None:
            return
        for error in config.errors:
            self.add("authelia-unreadable", f"{error.path}:{error.line}" if error.line
                     else error.path, shown(error.problem),
                     "fix the YAML at that line (templates {{ ... }} are fine)")
        if config.errors and not config.docs:
            return
        oidc = config.get(OIDC)
        if not isinstance(oidc, dict):
            self.add("oidc-missing", config.where(("identity_providers",)),
                     "there is no identity_providers.oidc section: Authelia's OpenID Connect "
                     "provider is off",
                     "add identity_providers.oidc with hmac_secret, jwks and LibreChat's "
                     "client (librechat-authelia apply authelia adds the client)")
            self.check_issuer()
            return
        self.check_provider(oidc)
        self.check_client(oidc)
        self.check_issuer()
        self.check_template_filter()

    def check_template_filter(self) -> None:
        """FACTS.md: templates are expanded only with X_AUTHELIA_CONFIG_FILTERS=template."""
        config = self.config
        service = self.compose.authelia_service() if self.compose is not None else None
        templated = [d for d in config.docs if d.template_lines] if config else []
        if service is None or not templated:
            return
        setting = self.compose.service_environment(service).get("X_AUTHELIA_CONFIG_FILTERS")
        if setting is not None and (setting.value is None
                                    or "template" in setting.value.split(",")):
            return
        first = templated[0]
        self.add("template-filter-off", f"{first.path}:{min(first.template_lines)}",
                 f"this file uses {{{{ ... }}}} templates, but the Compose service "
                 f"'{shown(service)}' "
                 "does not turn Authelia's template filter on: Authelia cannot read it",
                 f"add X_AUTHELIA_CONFIG_FILTERS: 'template' to services.{shown(service)}"
                 ".environment")


# How LibreChat sends the secret, its role checks, its admin panel (FACTS.md) -------------


def _env_auth_method(run: AuditRun) -> str | None:
    """OPENID_TOKEN_ENDPOINT_AUTH_METHOD when set to a method LibreChat knows, else None.

    Taken as what LibreChat sends (a build that reads it does); LibreChat before 0.7.9
    (openid-client 5) never reads it.
    """
    value = run.value(facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD)
    if run.librechat < facts.LIBRECHAT_OPENID_CLIENT_6:
        return None
    return value if value in facts.TOKEN_ENDPOINT_AUTH_METHODS else None


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


def _check_admin_redirect(run: AuditRun, client, where, templated_key) -> None:
    """A redirect URI ending in the admin panel's callback is LibreChat's admin panel's."""
    if templated_key("redirect_uris") or not run.checkable(facts.ENV_DOMAIN_SERVER):
        return
    admin = [u for u in _as_list(client.get("redirect_uris"))
             if isinstance(u, str) and u.endswith(facts.ADMIN_CALLBACK_PATH)]
    if not admin:
        return
    domain = run.value(facts.ENV_DOMAIN_SERVER) or LIBRECHAT_DEFAULT_DOMAIN
    sent = domain + facts.ADMIN_CALLBACK_PATH
    if run.librechat < facts.LIBRECHAT_ADMIN_PANEL:
        run.add("admin-redirect-uri-mismatch", where("redirect_uris"),
                f"the client lists the admin panel's redirect URI, but LibreChat "
                f"{run.librechat} has no admin panel login (it arrived in "
                f"{facts.LIBRECHAT_ADMIN_PANEL}): the URI is unused",
                "remove it, or upgrade LibreChat to use the admin panel", severity="info")
    elif sent not in admin:
        run.add("admin-redirect-uri-mismatch", where("redirect_uris"),
                f"LibreChat's admin panel sends redirect_uri {sent} (DOMAIN_SERVER + "
                f"{facts.ADMIN_CALLBACK_PATH}), which is not in the client's redirect_uris "
                f"(it lists {', '.join(shown(u) for u in admin)})",
                f"make them equal: the admin panel URI is DOMAIN_SERVER + "
                f"{facts.ADMIN_CALLBACK_PATH}")


def _rsa_bits(key: Any) -> int | None:
    """The size of an RSA private key, 0 for another kind of key, None when unreadable."""
    if not isinstance(key, str):
        return None
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        loaded = load_pem_private_key(key.strip().encode(), password=None)
    except Exception:  # ValueError, TypeError, UnsupportedAlgorithm: all "cannot be read"
        return None
    return loaded.key_size if isinstance(loaded, rsa.RSAPrivateKey) else 0


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
