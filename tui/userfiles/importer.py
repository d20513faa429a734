"""`import`: a profile from an existing setup, saying what it could not carry over.

Everything comes from the files as their programs read them (the same readers as the
audit): LibreChat's values from .env with Compose over it, the client and its policy from
the merged Authelia configuration. A value from a template, an AUTHELIA_* variable or a
_FILE secret is not guessed: it is left out, with a note.
"""

from __future__ import annotations

from ..core import digest, facts
from ..core.fields import FIELD_LABELS
from ..core.profile import Profile
from ..core.shown import is_clean, shown
from . import placeholders
from .adopt import as_written
from .audit import AuditRun
from .authelia_config import CLIENTS, OIDC, AutheliaConfig
from .compose import Compose
from .dotenv import DotEnv
from .placeholders import has_expression
from .rules.common import url_error
from .yamldoc import is_template_token

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
                   *, librechat: str | None = None, paths: dict[str, Any] | None = None,
                   name: str = "NAME") -> tuple[Profile, list[Note]]:
    """A profile from the setup, and the notes on what it left out (for the user to fix):
    IMPORT_STEPS in order, each carrying some fields over or saying why not.

    `paths` (authelia_config_paths, env_path, compose_path) is remembered in the profile, so
    the app can audit the same files and apply to them later. `name` is the profile's name
    in the commands the notes suggest (NAME: the caller fills it in).
    """
    setup = Setup(config, env, compose, librechat, name)
    for step in IMPORT_STEPS:
        step(setup)
    setup.values.update(paths or {})
    return Profile(**setup.values), setup.notes


class Note(str):
    """One note of import, as text (ending with the command that supplies what is missing,
    when one can): `missing` names the profile fields it says were not carried over (they
    keep their defaults), `command` is that command, `carried` is True when the note only
    says where a value came from or how it was kept (nothing is missing)."""

    __slots__ = ("carried", "command", "missing")

    def __new__(cls, text: str, *, missing: tuple[str, ...] = (), command: str = "",
                carried: bool = False, lead: str = "run") -> Note:
        note = super().__new__(cls, f"{text}; {lead}: {command}" if command else text)
        note.missing, note.command, note.carried = missing, command, carried
        return note

    @property
    def prefix(self) -> str:
        """How the CLI and the app lead the note's line: what it is about."""
        return "note" if self.carried else "not carried over"


class Setup:
    """What the steps read (the files, with the audit's reader) and what they make: the
    profile's values and the notes."""

    def __init__(self, config: AutheliaConfig, env: DotEnv | None, compose: Compose | None,
                 librechat: str | None, name: str = "NAME") -> None:
        self.config = config
        self.compose = compose
        self.librechat = librechat
        self.name = name
        # The audit's reader: .env with Compose over it, and the version from --librechat or
        # the image tag (its findings are not wanted here).
        self.reader = AuditRun(config, env, compose, librechat, verify=False)
        self.values: dict[str, Any] = {}
        self.notes: list[Note] = []
        self.why: dict[str, str] = {}  # variable -> why its value was not taken
        # The client that serves this LibreChat: the one with OPENID_CLIENT_ID.
        self.client_index, self.client = _find_client(
            config, None if facts.ENV_CLIENT_ID in self.reader.unknown
            else self.reader.value(facts.ENV_CLIENT_ID))

    def set_command(self, *arguments: str) -> str:
        """The `set` command for this profile with `arguments` (placeholders in capitals)."""
        import shlex

        return " ".join(["librechat-authelia set --profile", shlex.quote(self.name),
                         *arguments])

    def missing(self, text: str, fields: tuple[str, ...], *arguments: str,
                lead: str = "run") -> None:
        """A note on fields not carried over, with the `set` arguments that supply them."""
        self.notes.append(Note(text, missing=fields, lead=lead,
                               command=self.set_command(*arguments) if arguments else ""))

    def carried(self, text: str, *arguments: str, lead: str = "run") -> None:
        """A note on where a value came from, or how it was kept."""
        self.notes.append(Note(text, carried=True, lead=lead,
                               command=self.set_command(*arguments) if arguments else ""))

    def env_value(self, key: str) -> str | None:
        """The variable's value as LibreChat gets it; None when it is not set or comes from
        a variable filled in elsewhere (self.why[key] says which)."""
        if key in self.reader.unknown:
            where = self.reader.where(key)
            self.why[key] = (f"{key} comes from a variable (${{...}}) filled in by Compose or a "
                             "script" + (f", at {shown(where)}" if where else ""))
            return None
        value = self.reader.value(key)
        if value is None:
            self.why[key] = f"{key} is not set"
        elif key in placeholders.ENV_KEYS and placeholders.looks_like_placeholder(value):
            where = self.reader.where(key)
            self.why[key] = (f"{key} holds a placeholder, not a real value"
                             + (f", at {shown(where)}" if where else ""))
            return None
        return value

    def url_value(self, key: str) -> str | None:
        """A URL-valued variable; one that cannot be read as a URL is left out (why: in
        self.why)."""
        value = self.env_value(key)
        if not value:
            self.why.setdefault(key, f"{key} is empty")
            return None
        problem = url_error(value)
        if problem:
            self.why[key] = (f"{key} ({shown(self.reader.where(key) or '.env')}) is not a "
                             f"valid URL ({problem})")
            return None
        return value


# What `set` takes for each field a note may call missing (None: no option sets it).
SET_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "app_url": ("--app-url", "URL"), "auth_url": ("--auth-url", "URL"),
    "client_id": ("--client-id", "ID"), "client_name": ("--client-name", "TEXT"),
    "client_secret": ("--client-secret-file", "FILE"),
    "session_secret": ("--session-secret-file", "FILE"),
    "client_secret_digest": ("--digest", digest.DEFAULT_ALGORITHM),
    "digest_template": ("--digest", digest.DEFAULT_ALGORITHM),
    "button_label": ("--button-label", "TEXT"), "image_url": ("--image-url", "URL"),
    "group": ("--group", "GROUP"), "admin_group": ("--admin-group", "GROUP"),
    "hmac_secret": ("--new", "hmac-secret"),
    "consent_duration": ("--consent-duration", "DURATION"),
    "ca_file": ("--ca-file", "FILE"),
}


# LibreChat's side ------------------------------------------------------------------------


def _app_url(setup: Setup) -> None:
    """app_url from DOMAIN_SERVER, else DOMAIN_CLIENT, else the LibreChat redirect URI of
    the client with OPENID_CLIENT_ID (a clean URL only)."""
    server = setup.url_value(facts.ENV_DOMAIN_SERVER)
    client = None if server else setup.url_value(facts.ENV_DOMAIN_CLIENT)
    if server or client:
        setup.values["app_url"] = server or client
        if client:
            setup.carried(f"LibreChat's URL comes from {facts.ENV_DOMAIN_CLIENT}, as "
                          f"{setup.why[facts.ENV_DOMAIN_SERVER]}; render env writes both")
        return
    why = setup.why[facts.ENV_DOMAIN_SERVER]
    found = _redirect_app_url(setup)
    if found:
        url, where = found
        setup.values["app_url"] = url
        setup.carried(f"LibreChat's URL {shown(url)} comes from the client's redirect URI "
                      f"({shown(where)}), as {why}; render env writes {facts.ENV_DOMAIN_SERVER} "
                      f"and {facts.ENV_DOMAIN_CLIENT}")
        return
    setup.missing(f"LibreChat's URL ({why})", ("app_url",), *SET_ARGUMENTS["app_url"])


def _redirect_app_url(setup: Setup) -> tuple[str, str] | None:
    """(LibreChat's URL, where) from the first of the client's redirect URIs that is
    LibreChat's callback on a URL the profile takes as it is, or None."""
    from ..core.checks import check_profile
    from ..core.findings import findings_for, has_errors

    client, config = setup.client, setup.config
    uris = client.get("redirect_uris") if isinstance(client, dict) else None
    for index, uri in enumerate(uris if isinstance(uris, list) else []):
        if not isinstance(uri, str) or config.is_templated(uri) or not is_clean(uri) \
                or not uri.endswith(facts.CALLBACK_PATH):
            continue
        url = uri[: -len(facts.CALLBACK_PATH)]
        candidate = Profile(app_url=url)
        if url and candidate.app_url == url and not has_errors(findings_for(
                check_profile(candidate, verify_digest=False), "app_url")):
            path = (*CLIENTS, setup.client_index, "redirect_uris", index)
            return url, config.where(path) or config.where(path[:-1]) or "configuration"
    return None


def _auth_url(setup: Setup) -> None:
    """auth_url from OPENID_ISSUER, else the first session.cookies authelia_url that is
    written in the file and is a URL."""
    issuer = setup.url_value(facts.ENV_ISSUER)
    if issuer:
        setup.values["auth_url"] = issuer.removesuffix(facts.DISCOVERY_PATH)
        return
    why = setup.why[facts.ENV_ISSUER]
    config = setup.config
    cookies = config.get(("session", "cookies"))
    urls = [c.get("authelia_url") for c in cookies or [] if isinstance(c, dict)]
    urls = [u for u in urls if isinstance(u, str) and not config.is_templated(u)]
    good = [u for u in urls if not url_error(u) and is_clean(u)]
    where = shown(config.where(("session", "cookies")) or "configuration")
    if good:
        setup.values["auth_url"] = good[0]
        setup.carried(f"Authelia's URL comes from session.cookies authelia_url ({where}), as "
                      f"{why}; render env writes {facts.ENV_ISSUER}")
        return
    cookie = (f"an authelia_url ({where}) is not a valid URL ({url_error(urls[0])})"
              if urls else "no session.cookies authelia_url")
    setup.missing(f"Authelia's URL ({why}; {cookie})", ("auth_url",),
                  *SET_ARGUMENTS["auth_url"])


def _credentials(setup: Setup) -> None:
    """client_id, client_secret and session_secret from their variables."""
    for key, field in ((facts.ENV_CLIENT_ID, "client_id"),
                       (facts.ENV_CLIENT_SECRET, "client_secret"),
                       (facts.ENV_SESSION_SECRET, "session_secret")):
        value = setup.env_value(key)
        if value:
            setup.values[field] = value
            continue
        why = setup.why.get(key, f"{key} is empty")
        arguments = SET_ARGUMENTS[field]
        if field == "session_secret" and key not in setup.reader.unknown:
            arguments = ("--new", "session-secret")  # none yet: any random one will do
        elif field == "client_secret" and not _client_secret_of(setup.client):
            arguments = ("--new", "client-secret")  # no digest to match: a new one
        setup.missing(f"the {FIELD_LABELS[field]} ({why})", (field,), *arguments)


def _client_secret_of(client: Any) -> Any:
    if not isinstance(client, dict):
        return None
    return client.get("client_secret", client.get("secret"))


def _button(setup: Setup) -> None:
    """The login button's label and image (a URL; an empty one means no image)."""
    for key, field in ((facts.ENV_BUTTON_LABEL, "button_label"),
                       (facts.ENV_IMAGE_URL, "image_url")):
        value = setup.env_value(key)
        problem = url_error(value) if field == "image_url" and value else None
        if problem:
            setup.missing(f"the {FIELD_LABELS[field]} ({key} "
                          f"({shown(setup.reader.where(key) or '.env')}) is not a valid URL "
                          f"({problem}))", (field,), *SET_ARGUMENTS[field])
        elif value is not None:
            setup.values[field] = value
        elif key in setup.reader.unknown:
            setup.missing(f"the {FIELD_LABELS[field]} ({setup.why[key]})", (field,),
                          *SET_ARGUMENTS[field])


def _scopes(setup: Setup) -> None:
    """The Authelia scopes of OPENID_SCOPE; offline_access becomes refresh_tokens."""
    scope = setup.env_value(facts.ENV_SCOPE)
    if facts.ENV_SCOPE in setup.reader.unknown:
        setup.carried(f"the scopes ({setup.why[facts.ENV_SCOPE]}): the profile uses "
                      f"{', '.join(facts.DEFAULT_SCOPES)}")
    if not scope:
        return
    scopes = scope.split()
    unknown = [s for s in scopes if s not in facts.AUTHELIA_SCOPES]
    if unknown:
        setup.missing(f"the scopes {shown(', '.join(unknown))} (not Authelia scopes: a profile "
                      "cannot hold them)", ())
    setup.values["scopes"] = [s for s in scopes
                              if s in facts.AUTHELIA_SCOPES and s != facts.REFRESH_SCOPE]
    setup.values["refresh_tokens"] = facts.REFRESH_SCOPE in scopes


def _versions(setup: Setup) -> None:
    """LibreChat's version (--librechat or the image tag); Authelia's is never written."""
    setup.values["librechat_version"] = str(setup.reader.librechat)
    if not setup.librechat and not (setup.compose and setup.compose.librechat_version()):
        setup.carried(f"LibreChat's version is assumed to be {setup.reader.librechat} (the "
                      "import's --librechat gives it)", "--librechat", "VERSION",
                      lead="to set it, run")
    # A version `set --authelia` takes (VERSION pasted as printed would be refused).
    other = next((v for v in reversed(facts.SUPPORTED_AUTHELIA)
                  if v != facts.DEFAULT_AUTHELIA), facts.DEFAULT_AUTHELIA)
    setup.missing(f"Authelia's version (not in its configuration: the profile assumes "
                  f"{facts.DEFAULT_AUTHELIA})", ("authelia_version",), "--authelia", other,
                  lead=f"if yours is another ({' or '.join(facts.SUPPORTED_AUTHELIA)}), run")


# Authelia's side -------------------------------------------------------------------------


def _find_client(config: AutheliaConfig, client_id: str | None
                 ) -> tuple[int | None, dict | None]:
    """(index, client) of the client with `client_id` ((None, None) when there is none)."""
    if not client_id:
        return None, None
    for index, client in config.clients():
        if isinstance(client, dict) and client.get("client_id", client.get("id")) == client_id:
            return index, client
    return None, None


def _client(setup: Setup) -> None:
    """The client with OPENID_CLIENT_ID: its name, secret's digest, policy, refresh."""
    if setup.client is None:
        if setup.values.get("client_id"):
            setup.missing("the client's settings (no client in Authelia's configuration has "
                          "this OPENID_CLIENT_ID: apply authelia adds one, with a digest made "
                          "from the client secret)", ("client_secret_digest",),
                          *SET_ARGUMENTS["client_secret_digest"])
        return
    _client_name(setup)
    _client_digest(setup)
    _client_policy(setup)
    grants = setup.client.get("grant_types") or []
    if isinstance(grants, list) and "refresh_token" in grants:
        setup.values["refresh_tokens"] = True


def _client_name(setup: Setup) -> None:
    name = setup.client.get("client_name", setup.client.get("description"))
    if isinstance(name, str) and not setup.config.is_templated(name):
        setup.values["client_name"] = name


def _client_digest(setup: Setup) -> None:
    """The digest, or the template (or variable) that supplies it, written as in the file:
    the digest is then managed outside, and apply leaves that line alone."""
    config, client = setup.config, setup.client
    key = "client_secret" if "client_secret" in client else "secret"
    stored = client.get(key)
    path = (*CLIENTS, setup.client_index, key)
    where = shown(config.where(path) or "configuration")
    if config.is_templated(stored):
        template = _as_written(config, path, stored)
        setup.values["digest_template"] = template
        setup.carried(f"the client secret's digest comes from {_filled_by(stored)}, "
                      f"{shown(template)} "
                      f"({where}): the profile keeps it as it is (render writes it, apply "
                      "leaves that line alone)", *SET_ARGUMENTS["client_secret_digest"],
                      lead="to have the profile make the digest instead, run")
    elif isinstance(stored, str) and stored:
        _client_stored_digest(setup, stored, where)
    else:
        setup.missing(f"the client secret's digest (the client has no client_secret, at "
                      f"{where})", ("client_secret_digest",),
                      *SET_ARGUMENTS["client_secret_digest"])


def _filled_by(value: Any) -> str:
    """What fills in a value that is not written in the file: a {{ }} template (swapped for
    a token when read) or a variable (${VAR}, $VAR)."""
    return "a template" if is_template_token(value) else "a variable (${...})"


def _client_stored_digest(setup: Setup, stored: str, where: str) -> None:
    """A client_secret written in the file: a digest, or plaintext (deprecated)."""
    if not stored.startswith("$"):
        # Authelia reads a client_secret without $...$ as plaintext (deprecated).
        setup.values["client_secret_digest"] = "$plaintext$" + stored
        setup.carried(f"the client's client_secret is plaintext ({where}), which Authelia "
                      "deprecates: the profile keeps it, written as $plaintext$...",
                      *SET_ARGUMENTS["client_secret_digest"],
                      lead="to store a digest instead, run")
        return
    try:
        algorithm, _ = digest.identify(stored)
    except digest.NotADigest:
        setup.missing(f"the client secret's digest (the client_secret at {where} is in no "
                      "digest format Authelia or this program reads)",
                      ("client_secret_digest",), *SET_ARGUMENTS["client_secret_digest"])
        return
    setup.values["client_secret_digest"] = stored
    if algorithm in digest.ALGORITHMS:
        setup.values["digest_algorithm"] = algorithm
    else:
        setup.carried(f"the digest ({where}) is kept, but it is {shown(algorithm)}, not one "
                      "this program makes", *SET_ARGUMENTS["client_secret_digest"],
                      lead="to make one it knows, run")


def _as_written(config: AutheliaConfig, path: tuple, value: str) -> str:
    """The value at `path` as the file writes it (adopt.as_written)."""
    doc = config.doc_for(path)
    if doc is None:
        return value
    return as_written(doc, path, value)


def _client_policy(setup: Setup) -> None:
    config, client, values = setup.config, setup.client, setup.values
    policy = client.get("authorization_policy") or facts.DEFAULT_POLICY
    where = shown(config.where((*CLIENTS, setup.client_index, "authorization_policy"))
                  or "configuration")
    if config.is_templated(policy):
        setup.missing(f"the authorization policy (it comes from {_filled_by(policy)}, at "
                      f"{where}: the "
                      f"profile uses {facts.DEFAULT_POLICY}, and apply leaves that line alone)",
                      ("policy",), "--policy", "POLICY")
    elif policy in facts.POLICIES:
        values["policy"] = policy
    else:
        found = _group_policy(config.get((*OIDC, "authorization_policies")), policy)
        if found:
            values["group"], values["policy"] = found
            name = Profile(group=found[0]).group_policy_name
            if name != policy:
                setup.carried(f"the policy '{shown(policy)}' allows only the group "
                              f"{shown(found[0])}: applying writes it as '{shown(name)}'")
        else:
            setup.missing(f"the custom authorization policy '{shown(policy)}' ({where}: only "
                          f"one-group policies are carried; the profile uses "
                          f"{facts.DEFAULT_POLICY})", ("policy", "group"),
                          *SET_ARGUMENTS["group"], lead="to allow only one group, run")


def _provider(setup: Setup) -> None:
    """The provider settings: "new" (the profile holds hmac_secret and the key) only when
    both are written in the file; from a template or the environment they stay Authelia's:
    "existing". An hmac secret is kept as Authelia took it (a short one is a warning)."""
    config, values = setup.config, setup.values
    hmac = config.get((*OIDC, "hmac_secret"))
    jwks = config.get((*OIDC, "jwks"))
    key = jwks[0] if isinstance(jwks, list) and jwks and isinstance(jwks[0], dict) else {}
    pem = key.get("key")
    why = []
    if config.from_environment((*OIDC, "hmac_secret")):
        why.append(f"the hmac secret comes from {config.from_environment((*OIDC, 'hmac_secret'))}")
    elif config.is_templated(hmac):
        why.append(f"the hmac secret comes from {_filled_by(hmac)}")
    elif not (isinstance(hmac, str) and hmac):
        why.append("the file has no hmac secret")
    if not isinstance(jwks, list) or not jwks:
        why.append("the file has no jwks key")
    elif len(jwks) != 1:
        why.append(f"jwks has {len(jwks)} keys")
    elif config.is_templated(pem):
        why.append(f"the key comes from {_filled_by(pem)}")
    elif not (isinstance(pem, str) and "PRIVATE KEY" in pem):
        why.append("the key is not a PEM private key")
    if why:
        values["provider"] = "existing"
        if hmac or jwks:
            setup.carried(f"the provider's hmac secret and key stay Authelia's ({'; '.join(why)}):"
                          " the profile writes no provider section")
        return
    values.update(provider="new", hmac_secret=hmac, signing_key=pem.strip() + "\n")
    if isinstance(key.get("key_id"), str):
        values["signing_key_id"] = key["key_id"]
    from ..core.provider_checks import hmac_secret_guessable

    if len(hmac) < facts.HMAC_SECRET_LENGTH or hmac_secret_guessable(hmac):
        setup.carried("the provider's hmac secret is kept as Authelia takes it, but it is "
                      f"short or guessable (its docs make {facts.HMAC_SECRET_LENGTH} random "
                      "characters)", *SET_ARGUMENTS["hmac_secret"],
                      lead="to make a new one, run")


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
        setup.missing("the admin group (OPENID_ADMIN_ROLE is carried only when read from the "
                      "groups claim, OPENID_ADMIN_ROLE_PARAMETER_PATH=groups)", ("admin_group",),
                      *SET_ARGUMENTS["admin_group"])


def _compose_values(setup: Setup) -> None:
    """The CA file (the volume mounted at NODE_EXTRA_CA_CERTS, a host path relative to the
    Compose file made absolute) and the hairpin (Authelia's host mapped to host-gateway),
    from LibreChat's service, found by what it runs (Compose.librechat_service)."""
    import os
    from urllib.parse import urlsplit

    compose, values = setup.compose, setup.values
    name = compose.librechat_service if compose is not None else None
    service = compose.services.get(name) if compose is not None and name else None
    if compose is None or not isinstance(service, dict):
        return
    ca = compose.service_environment(name).get("NODE_EXTRA_CA_CERTS")
    volumes = service.get("volumes") if isinstance(service.get("volumes"), list) else []
    source = None
    if ca is not None and ca.value:
        for volume in volumes:
            if isinstance(volume, dict) and volume.get("target") == ca.value:
                source = str(volume.get("source", ""))
            elif isinstance(volume, str) and volume.split(":")[1:2] == [ca.value]:
                source = volume.split(":")[0]
    if source and not has_expression(source):
        base = os.path.dirname(os.path.abspath(compose.path))
        values["ca_file"] = os.path.normpath(os.path.join(base, os.path.expanduser(source)))
    host = urlsplit(values.get("auth_url", "")).hostname
    hosts = service.get("extra_hosts")
    if host and isinstance(hosts, list) and f"{host}:host-gateway" in [str(h) for h in hosts]:
        values["hairpin"] = True


def _drop_unclean(setup: Setup) -> None:
    """A value holding a control character or a bidi override is not carried over: the app
    would show it raw in its field (and no .env or YAML value may hold one). The note names
    the field, never the value (it may be a secret)."""
    from ..core.fields import MULTILINE_FIELDS

    for field, value in list(setup.values.items()):
        if isinstance(value, str) and field not in MULTILINE_FIELDS and not is_clean(value):
            del setup.values[field]
            setup.missing(f"the {FIELD_LABELS.get(field, field)} (it holds a control character "
                          "or a bidi override)", (field,), *SET_ARGUMENTS.get(field, ()))


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
