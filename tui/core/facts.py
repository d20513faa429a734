"""Verified facts about Authelia and LibreChat, each defined once.

Every renderer, check and checklist step takes its constants from here; the tests pin each
value against ../shared/reference/FACTS.md.
"""

from __future__ import annotations

from .versions import Version

# LibreChat mounts its OAuth routes at /oauth; the OpenID callback route is fixed.
# The callback URL LibreChat sends is DOMAIN_SERVER + OPENID_CALLBACK_URL, concatenated.
CALLBACK_PATH = "/oauth/openid/callback"
DISCOVERY_PATH = "/.well-known/openid-configuration"

# Authelia versions whose client keys (client_id, client_name, client_secret) we emit.
SUPPORTED_AUTHELIA = ("4.38", "4.39")
DEFAULT_AUTHELIA = "4.39"
MINIMUM_AUTHELIA = Version.parse("4.38")
NEWEST_KNOWN_AUTHELIA = Version.parse("4.39.20")

DEFAULT_LIBRECHAT = "0.8.7"
NEWEST_KNOWN_LIBRECHAT = Version.parse("0.8.8-rc1")
# From 0.7.9 LibreChat uses openid-client 6: client_secret_post, and no http:// issuers.
LIBRECHAT_OPENID_CLIENT_6 = Version.parse("0.7.9")

# Scopes Authelia accepts for a client in both the 4.38 and the 4.39 schema.
AUTHELIA_SCOPES = ("openid", "profile", "email", "groups", "offline_access")
DEFAULT_SCOPES = ("openid", "profile", "email")
REFRESH_SCOPE = "offline_access"

POLICIES = ("one_factor", "two_factor")
DEFAULT_POLICY = "two_factor"

# RFC 3986 unreserved characters: what Authelia allows in a client_id, and the charset
# of `authelia crypto rand --charset rfc3986`.
# string.ascii_letters + string.digits, spelled out: importing string costs the CLI ~0.5 ms.
ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
RFC3986_UNRESERVED = ALPHANUMERIC + "-._~"
CLIENT_ID_MAX_LENGTH = 100
RECOMMENDED_SECRET_LENGTH = 64

# The old guide's example values: a new profile starts from them so it is complete at once.
EXAMPLE_APP_URL = "https://librechat.example.com"
EXAMPLE_AUTH_URL = "https://auth.example.com"
DEFAULT_CLIENT_NAME = "LibreChat"
DEFAULT_BUTTON_LABEL = "Log in with Authelia"
DEFAULT_IMAGE_URL = "https://www.authelia.com/images/branding/logo-cropped.png"

# The LibreChat .env keys we write, in the order we write them. All are in LibreChat's
# own .env.example (a test checks it).
ENV_DOMAIN_CLIENT = "DOMAIN_CLIENT"
ENV_DOMAIN_SERVER = "DOMAIN_SERVER"
ENV_ALLOW_SOCIAL_LOGIN = "ALLOW_SOCIAL_LOGIN"
ENV_BUTTON_LABEL = "OPENID_BUTTON_LABEL"
ENV_ISSUER = "OPENID_ISSUER"
ENV_CLIENT_ID = "OPENID_CLIENT_ID"
ENV_CLIENT_SECRET = "OPENID_CLIENT_SECRET"
ENV_SESSION_SECRET = "OPENID_SESSION_SECRET"
ENV_CALLBACK_URL = "OPENID_CALLBACK_URL"
ENV_SCOPE = "OPENID_SCOPE"
ENV_IMAGE_URL = "OPENID_IMAGE_URL"
# How LibreChat sends the client secret. Released LibreChat (0.7.9 to 0.8.8-rc1) reads no
# such variable and posts the secret (openid-client 6's default); a development build reads
# it with the default client_secret_basic and falls back to that for a value it does not know.
# Written equal to the client's token_endpoint_auth_method, every build agrees with Authelia.
ENV_TOKEN_ENDPOINT_AUTH_METHOD = "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
DEV_BUILD_AUTH_METHOD_DEFAULT = "client_secret_basic"
# The claim LibreChat takes the user's display name from (0.7.6 and later); without it the
# name is given_name + family_name, then username, then the e-mail. Authelia's display name
# is the claim `name`.
ENV_NAME_CLAIM = "OPENID_NAME_CLAIM"
NAME_CLAIM = "name"
LIBRECHAT_NAME_CLAIM = Version.parse("0.7.6")
# LibreChat's admin panel logs in through its own strategy (openidAdmin, 0.8.3 and later)
# at DOMAIN_SERVER + this fixed path: a second redirect URI for the Authelia client.
ADMIN_CALLBACK_PATH = "/api/admin/oauth/openid/callback"
LIBRECHAT_ADMIN_PANEL = Version.parse("0.8.3")


def token_endpoint_auth_method(librechat: Version) -> str:
    """The method released LibreChat sends the client secret with, when .env does not say.

    openid-client 6 (LibreChat >= 0.7.9) posts it in the body; openid-client 5 defaults to
    HTTP Basic. Authelia answers any other method than the registered one with invalid_client.
    The renderer writes this method on both sides (client and OPENID_TOKEN_ENDPOINT_AUTH_METHOD).
    """
    if librechat >= LIBRECHAT_OPENID_CLIENT_6:
        return "client_secret_post"
    return "client_secret_basic"


# The provider section (identity_providers.oidc hmac_secret and jwks), shared by all clients.
HMAC_SECRET_LENGTH = 64  # `authelia crypto rand --length 64 --charset alphanumeric`
HMAC_SECRET_CHARSET = "alphanumeric"
PROVIDER_CHOICES = ("new", "existing")
KEY_BITS = (2048, 3072, 4096)  # RSA; Authelia refuses RSA keys under 2048 bits
DEFAULT_KEY_BITS = 2048
KEY_ALGORITHM = "RS256"  # Authelia needs at least one RSA key usable for RS256
KEY_ID_PATTERN = r"^[a-zA-Z0-9](([a-zA-Z0-9._~-]*)([a-zA-Z0-9]))?$"
KEY_ID_MAX_LENGTH = 100
# Authelia's docs keep the key in a file and read it with a template; templates are
# expanded only with this filter in Authelia's environment.
EXAMPLE_KEY_PATH = "/config/secrets/oidc/jwks/rsa.2048.key"
ENV_AUTHELIA_CONFIG_FILTERS = "X_AUTHELIA_CONFIG_FILTERS"
AUTHELIA_TEMPLATE_FILTER = "template"

# Authelia 4.39 keeps groups out of the ID token unless a claims policy puts them back.
AUTHELIA_CLAIMS_POLICIES = Version.parse("4.39")
GROUPS_SCOPE = "groups"
# LibreChat's admin role from a token claim (OPENID_ADMIN_ROLE*), added in 0.8.1.
LIBRECHAT_ADMIN_ROLE = Version.parse("0.8.1")
ENV_ADMIN_ROLE = "OPENID_ADMIN_ROLE"
ENV_ADMIN_ROLE_PARAMETER_PATH = "OPENID_ADMIN_ROLE_PARAMETER_PATH"
ENV_ADMIN_ROLE_TOKEN_KIND = "OPENID_ADMIN_ROLE_TOKEN_KIND"
# Authelia's access tokens are opaque: the groups claim is read from the ID token.
ADMIN_ROLE_PARAMETER_PATH = "groups"
ADMIN_ROLE_TOKEN_KIND = "id"
# The token kinds LibreChat's role checks read. OPENID_REQUIRED_ROLE_TOKEN_KIND has no
# default: access or id, userinfo from 0.8.6; any other value refuses every login. The admin
# role (OPENID_ADMIN_ROLE_TOKEN_KIND) takes access, id or userinfo, and is checked only when
# all three OPENID_ADMIN_ROLE* variables are set.
ROLE_TOKEN_KINDS = ("access", "id")
ROLE_TOKEN_KIND_USERINFO = "userinfo"
LIBRECHAT_REQUIRED_ROLE_USERINFO = Version.parse("0.8.6")


def role_token_kinds(prefix: str, librechat: Version) -> tuple[str, ...]:
    """The token kinds LibreChat reads for OPENID_REQUIRED_ROLE or OPENID_ADMIN_ROLE."""
    if prefix == ENV_ADMIN_ROLE or librechat >= LIBRECHAT_REQUIRED_ROLE_USERINFO:
        return (*ROLE_TOKEN_KINDS, ROLE_TOKEN_KIND_USERINFO)
    return ROLE_TOKEN_KINDS

# consent_mode; Authelia's default pre-configured duration is 1 week.
CONSENT_CHOICES = ("auto", "explicit", "implicit", "pre-configured")
DEFAULT_CONSENT = "auto"
DEFAULT_CONSENT_DURATION = "1 week"

# A private CA for Authelia's certificate: Node reads NODE_EXTRA_CA_CERTS only at start,
# so it goes into the container's environment (compose override), never into .env.
ENV_NODE_EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS"
CA_CONTAINER_PATH = "/app/certs/authelia-ca.pem"
LIBRECHAT_SERVICE = "api"
HOST_GATEWAY = "host-gateway"
