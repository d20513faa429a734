"""`import`: a profile from an existing setup, saying what it could not carry over.

Everything comes from the files as their programs read them (the same readers as the
audit): LibreChat's values from .env with Compose over it, the client and its policy from
the merged Authelia configuration. A value from a template, an AUTHELIA_* variable or a
_FILE secret is not guessed: it is left out, with a note.
"""

from __future__ import annotations

from ..core import digest, facts
from ..core.profile import Profile
from ..core.shown import is_clean, shown
from .audit import AuditRun
from .authelia_config import OIDC, AutheliaConfig
from .compose import Compose
from .dotenv import DotEnv
from .rules.common import url_error

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _group_policy(policies: Any, name: str) -> tuple[str, str] | None:
    """(group, policy) when `name` is the one-group policy this tool writes, else None."""
    policy = policies.get(name) if isinstance(policies, dict) else None
    if not isinstance(policy, dict) or policy.get("default_policy") != "deny":
        return None
    rules = policy.get("rules")
    if not isinstance(rules, list) or len(rules) != 1 or not isinstance(rules[0], dict):
        return None
    subject = rules[0].get("subject")
    level = rules[0].get("policy")
    if isinstance(subject, str) and subject.startswith("group:") and level in facts.POLICIES:
        return subject[len("group:"):], level
    return None


def import_profile(config: AutheliaConfig, env: DotEnv | None, compose: Compose | None = None,
                   *, librechat: str | None = None,
                   paths: dict[str, Any] | None = None) -> tuple[Profile, list[str]]:
    """A profile from the setup, and the notes on what it left out (for the user to fix):
    IMPORT_STEPS in order, each carrying some fields over or saying why not.

    `paths` (authelia_config_paths, env_path, compose_path) is remembered in the profile, so
    the app can audit the same files and apply to them later.
    """
    setup = Setup(config, env, compose, librechat)
    for step in IMPORT_STEPS:
        step(setup)
    setup.values.update(paths or {})
    return Profile(**setup.values), setup.notes


class Setup:
    """What the steps read (the files, with the audit's reader) and what they make: the
    profile's values and the notes."""

    def __init__(self, config: AutheliaConfig, env: DotEnv | None, compose: Compose | None,
                 librechat: str | None) -> None:
        self.config = config
        self.compose = compose
        self.librechat = librechat
        # The audit's reader: .env with Compose over it, and the version from --librechat or
        # the image tag (its findings are not wanted here).
        self.reader = AuditRun(config, env, compose, librechat, verify=False)
        self.values: dict[str, Any] = {}
        self.notes: list[str] = []
        self.client: dict | None = None

    def env_value(self, key: str) -> str | None:
        if key in self.reader.unknown:
            self.notes.append(f"{key} comes from a Compose variable")
            return None
        return self.reader.value(key)

    def url_value(self, key: str) -> str | None:
        """A URL-valued variable; one that cannot be read as a URL is left out, with why."""
        value = self.env_value(key)
        why = url_error(value) if value else None
        if why:
            self.notes.append(f"{key} ({shown(self.reader.where(key) or '.env')}): not a "
                              f"valid URL ({why}), so it was left out")
            return None
        return value


# LibreChat's side ------------------------------------------------------------------------


def _app_url(setup: Setup) -> None:
    """app_url from DOMAIN_SERVER (or DOMAIN_CLIENT)."""
    domain = (setup.url_value(facts.ENV_DOMAIN_SERVER)
              or setup.url_value(facts.ENV_DOMAIN_CLIENT))
    if domain:
        setup.values["app_url"] = domain
    else:
        setup.notes.append("LibreChat's URL (DOMAIN_SERVER is not set)")


def _auth_url(setup: Setup) -> None:
    """auth_url from OPENID_ISSUER, else the first session.cookies authelia_url that is
    written in the file and is a URL."""
    issuer = setup.url_value(facts.ENV_ISSUER)
    if issuer:
        setup.values["auth_url"] = issuer.removesuffix(facts.DISCOVERY_PATH)
        return
    config = setup.config
    cookies = config.get(("session", "cookies"))
    urls = [c.get("authelia_url") for c in cookies or [] if isinstance(c, dict)]
    urls = [u for u in urls if isinstance(u, str) and not config.is_templated(u)]
    bad = [u for u in urls if url_error(u)]
    if bad:
        where = config.where(("session", "cookies")) or "configuration"
        setup.notes.append(f"an authelia_url ({shown(where)}): not a valid URL "
                           f"({url_error(bad[0])}), so it was left out")
    urls = [u for u in urls if u not in bad]
    if urls:
        setup.values["auth_url"] = urls[0]
    else:
        setup.notes.append("Authelia's URL (no OPENID_ISSUER, no session.cookies authelia_url)")


def _credentials(setup: Setup) -> None:
    """client_id, client_secret and session_secret from their variables."""
    for key, field in ((facts.ENV_CLIENT_ID, "client_id"),
                       (facts.ENV_CLIENT_SECRET, "client_secret"),
                       (facts.ENV_SESSION_SECRET, "session_secret")):
        value = setup.env_value(key)
        if value:
            setup.values[field] = value
        else:
            setup.notes.append(f"the {field.replace('_', ' ')} ({key} is not set)")


def _button(setup: Setup) -> None:
    """The login button's label and image (a URL)."""
    for key, field in ((facts.ENV_BUTTON_LABEL, "button_label"),
                       (facts.ENV_IMAGE_URL, "image_url")):
        value = setup.url_value(key) if field == "image_url" else setup.env_value(key)
        if value is not None:
            setup.values[field] = value


def _scopes(setup: Setup) -> None:
    """The Authelia scopes of OPENID_SCOPE; offline_access becomes refresh_tokens."""
    scope = setup.env_value(facts.ENV_SCOPE)
    if not scope:
        return
    scopes = scope.split()
    unknown = [s for s in scopes if s not in facts.AUTHELIA_SCOPES]
    if unknown:
        setup.notes.append(f"the scopes {shown(', '.join(unknown))} (not Authelia scopes)")
    setup.values["scopes"] = [s for s in scopes
                              if s in facts.AUTHELIA_SCOPES and s != facts.REFRESH_SCOPE]
    setup.values["refresh_tokens"] = facts.REFRESH_SCOPE in scopes


def _versions(setup: Setup) -> None:
    """LibreChat's version (--librechat or the image tag); Authelia's is never written."""
    setup.values["librechat_version"] = str(setup.reader.librechat)
    if not setup.librechat and not (setup.compose and setup.compose.librechat_version()):
        setup.notes.append(f"LibreChat's version (assumed {setup.reader.librechat}: give "
                           "--librechat)")
    setup.notes.append(f"Authelia's version (not in its configuration: assumed "
                       f"{facts.DEFAULT_AUTHELIA}; set it in the app)")


# Authelia's side -------------------------------------------------------------------------


def _find_client(config: AutheliaConfig, client_id: str | None) -> dict | None:
    if not client_id:
        return None
    for _, client in config.clients():
        if isinstance(client, dict) and client.get("client_id", client.get("id")) == client_id:
            return client
    return None


def _client(setup: Setup) -> None:
    """The client with OPENID_CLIENT_ID: its name, secret's digest, policy, refresh."""
    setup.client = _find_client(setup.config, setup.values.get("client_id"))
    if setup.client is None:
        if setup.values.get("client_id"):
            setup.notes.append("the client's settings (no client has this OPENID_CLIENT_ID)")
        return
    _client_name_and_digest(setup.config, setup.client, setup.values, setup.notes)
    _client_policy(setup.config, setup.client, setup.values, setup.notes)
    grants = setup.client.get("grant_types") or []
    if isinstance(grants, list) and "refresh_token" in grants:
        setup.values["refresh_tokens"] = True


def _client_name_and_digest(config: AutheliaConfig, client: dict, values: dict,
                            notes: list) -> None:
    name = client.get("client_name", client.get("description"))
    if isinstance(name, str) and not config.is_templated(name):
        values["client_name"] = name
    stored = client.get("client_secret", client.get("secret"))
    if config.is_templated(stored):
        notes.append("the client secret's digest (it comes from a template)")
    elif isinstance(stored, str) and stored:
        values["client_secret_digest"] = stored
        try:
            algorithm, _ = digest.identify(stored)
        except digest.NotADigest:
            algorithm = "plaintext"
        if algorithm in digest.ALGORITHMS:
            values["digest_algorithm"] = algorithm
        else:
            notes.append(f"the digest algorithm ({shown(algorithm)}: generate a digest in the "
                         "app)")


def _client_policy(config: AutheliaConfig, client: dict, values: dict, notes: list) -> None:
    policy = client.get("authorization_policy") or facts.DEFAULT_POLICY
    if config.is_templated(policy):
        notes.append("the authorization policy (it comes from a template)")
    elif policy in facts.POLICIES:
        values["policy"] = policy
    else:
        found = _group_policy(config.get((*OIDC, "authorization_policies")), policy)
        if found:
            values["group"], values["policy"] = found
            name = Profile(group=found[0]).group_policy_name
            if name != policy:
                notes.append(f"the policy name '{shown(policy)}' (applying writes it as "
                             f"'{shown(name)}')")
        else:
            notes.append(f"the custom authorization policy '{shown(policy)}' (only one-group "
                         "policies are carried: the profile uses two_factor)")


def _provider(setup: Setup) -> None:
    """The provider settings: "new" (the profile holds hmac_secret and the key) only when
    both are written in the file; from a template or the environment they stay Authelia's:
    "existing"."""
    config, values = setup.config, setup.values
    hmac = config.get((*OIDC, "hmac_secret"))
    jwks = config.get((*OIDC, "jwks"))
    key = jwks[0] if isinstance(jwks, list) and jwks and isinstance(jwks[0], dict) else {}
    pem = key.get("key")
    inline = (isinstance(hmac, str) and hmac and not config.is_templated(hmac)
              and not config.from_environment((*OIDC, "hmac_secret"))
              and isinstance(pem, str) and "PRIVATE KEY" in pem
              and not config.is_templated(pem) and len(jwks) == 1)
    if inline:
        values.update(provider="new", hmac_secret=hmac, signing_key=pem.strip() + "\n")
        if isinstance(key.get("key_id"), str):
            values["signing_key_id"] = key["key_id"]
    else:
        values["provider"] = "existing"
        if hmac or jwks:
            setup.notes.append("the provider's hmac secret and key (they come from a "
                               "template, the environment or several keys: the profile "
                               "leaves them to Authelia)")


def _consent(setup: Setup) -> None:
    """The client's consent mode and pre-configured consent duration."""
    client, config = setup.client, setup.config
    if not isinstance(client, dict):
        return
    consent = client.get("consent_mode")
    if isinstance(consent, str) and not config.is_templated(consent):
        setup.values["consent"] = consent
    duration = client.get("pre_configured_consent_duration")
    if isinstance(duration, (str, int)) and not config.is_templated(duration):
        setup.values["consent_duration"] = str(duration)


def _admin_group(setup: Setup) -> None:
    """OPENID_ADMIN_ROLE, when read from the groups claim."""
    role = setup.env_value("OPENID_ADMIN_ROLE")
    if role and (setup.env_value("OPENID_ADMIN_ROLE_PARAMETER_PATH") or "") == "groups":
        setup.values["admin_group"] = role
    elif role:
        setup.notes.append("OPENID_ADMIN_ROLE (only a role from the groups claim is carried)")


def _compose_values(setup: Setup) -> None:
    """The CA file (the volume mounted at NODE_EXTRA_CA_CERTS) and the hairpin (Authelia's
    host mapped to host-gateway) from the Compose file's api service."""
    from urllib.parse import urlsplit

    compose, values = setup.compose, setup.values
    service = compose.services.get("api") if compose is not None else None
    if compose is None or not isinstance(service, dict):
        return
    ca = compose.service_environment("api").get("NODE_EXTRA_CA_CERTS")
    volumes = service.get("volumes") if isinstance(service.get("volumes"), list) else []
    if ca is not None and ca.value:
        for volume in volumes:
            if isinstance(volume, dict) and volume.get("target") == ca.value:
                values["ca_file"] = str(volume.get("source", ""))
            elif isinstance(volume, str) and volume.split(":")[1:2] == [ca.value]:
                values["ca_file"] = volume.split(":")[0]
    host = urlsplit(values.get("auth_url", "")).hostname
    hosts = service.get("extra_hosts")
    if host and isinstance(hosts, list) and f"{host}:host-gateway" in [str(h) for h in hosts]:
        values["hairpin"] = True


def _drop_unclean(setup: Setup) -> None:
    """A value holding a control character or a bidi override is not carried over: the app
    would show it raw in its field (and no .env or YAML value may hold one). The note names
    the field, never the value (it may be a secret)."""
    from ..core.fields import FIELD_LABELS, MULTILINE_FIELDS

    for field, value in list(setup.values.items()):
        if isinstance(value, str) and field not in MULTILINE_FIELDS and not is_clean(value):
            del setup.values[field]
            setup.notes.append(f"the {FIELD_LABELS.get(field, field)} (it holds a control "
                               "character or a bidi override)")


# In order: the order of the notes (and the later steps read what the earlier ones set:
# the client's id, auth_url).
IMPORT_STEPS = [
    _app_url,
    _auth_url,
    _credentials,
    _button,
    _scopes,
    _versions,
    _client,
    _provider,
    _consent,
    _admin_group,
    _compose_values,
    _drop_unclean,
]
