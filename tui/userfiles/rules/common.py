"""What the rules share: how LibreChat reads a value, the defaults, a URL's soundness, and
the shape of the audit run they are given (`Run`, for type hints only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from ...core import facts
from ...core.shown import shown

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

    from ...core.versions import Version
    from ..authelia_config import AutheliaConfig
    from ..compose import Compose, EnvSetting
    from ..dotenv import DotEnv

    class Run(Protocol):
        """What a rule may use of the audit run (tui/userfiles/audit.py, AuditRun)."""

        config: AutheliaConfig | None
        env: DotEnv | None
        compose: Compose | None
        settings: dict[str, EnvSetting]
        librechat: Version

        def add(self, code: str, where: str | None, message: str, fix: str,
                severity: str | None = None) -> None: ...
        def value(self, key: str) -> str | None: ...
        def where(self, key: str) -> str | None: ...
        def checkable(self, *keys: str) -> bool: ...
        def not_checkable(self, path: tuple, what: str) -> bool: ...
        @property
        def verifying(self) -> bool: ...
        def verify_secret(self, secret: str, stored: str, plaintext: bool) -> bool: ...


# The variables LibreChat's OpenID strategy needs (FACTS.md: How LibreChat builds its login).
REQUIRED_ENV = (facts.ENV_CLIENT_ID, facts.ENV_ISSUER, facts.ENV_SCOPE,
                facts.ENV_SESSION_SECRET, facts.ENV_CALLBACK_URL)
LIBRECHAT_DEFAULT_DOMAIN = "http://localhost:3080"
AUTHELIA_DEFAULT_SCOPES = ("openid", "groups", "profile", "email")

# The variables and keys whose value is a URL that this audit (or LibreChat) takes apart.
URL_ENV = (facts.ENV_DOMAIN_SERVER, facts.ENV_DOMAIN_CLIENT, facts.ENV_ISSUER)
DUPLICATE_LINES_SHOWN = 5


def truthy(value: str | None) -> bool:
    # LibreChat's isEnabled(): the string 'true', any case, trimmed.
    return value is not None and value.strip().lower() == "true"


def issuer_root(issuer: str) -> str:
    """OPENID_ISSUER less the discovery suffix: what discovery's issuer must equal exactly."""
    issuer = issuer.strip()
    if issuer.endswith(facts.DISCOVERY_PATH):
        issuer = issuer[: -len(facts.DISCOVERY_PATH)]
    return issuer


def url_error(url: str) -> str | None:
    """Why `url` cannot be taken apart (urlsplit or its port raise), or None; the reason is
    Python's words, shown safely ("Invalid IPv6 URL", "Port out of range 0-65535")."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        return shown(str(error))
    return None


def as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def env_auth_method(run: Run) -> str | None:
    """OPENID_TOKEN_ENDPOINT_AUTH_METHOD when set to a method LibreChat knows, else None.

    Taken as what LibreChat sends (a build that reads it does); LibreChat before 0.7.9
    (openid-client 5) never reads it.
    """
    value = run.value(facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD)
    if run.librechat < facts.LIBRECHAT_OPENID_CLIENT_6:
        return None
    return value if value in facts.TOKEN_ENDPOINT_AUTH_METHODS else None
