"""The steps to apply a profile and verify the login, each naming the profile's own values."""

from __future__ import annotations

from collections import namedtuple

from . import facts
from .checks import require_valid
from .inputerror import InputError
from .profile import Profile
from .shown import shown

# id is stable: ticks are stored by id in the profile. command is the exact shell command
# of the step (one or more lines, nothing else on them, so it can be copied and pasted
# safely), or "" for a step without one; detail is the prose around it.
Step = namedtuple("Step", "id title detail command", defaults=("",))

# The ids of checklist_steps(), in order: known without a valid profile (`tick` needs them).
STEP_IDS = ("authelia-provider", "authelia-client", "authelia-restart", "discovery",
            "librechat-env", "librechat-restart", "login")
# Steps a profile's options add (see OPTION_STEPS); tick accepts ALL_STEP_IDS.
OPTION_STEP_IDS = ("authelia-key-file", "authelia-template-filter", "authelia-provider-new",
                   "admin-group", "librechat-override", "restart-order", "container-discovery")
ALL_STEP_IDS = STEP_IDS + OPTION_STEP_IDS
TROUBLESHOOTING_TITLE = "If login fails, match the log line"

# How the steps name the snippets the user pastes: as the CLI's words by default; the app
# passes its own (its keys), so each speaks the tool the user is in.
Where = namedtuple("Where", "provider_keys client_block env_block compose_block")
CLI_WHERE = Where(
    provider_keys="'render provider' prints these two keys alone",
    client_block="the Authelia client block",
    env_block="the LibreChat .env block",
    compose_block="the LibreChat Compose block",
)


def checklist_steps(profile: Profile, where: Where = CLI_WHERE) -> list[Step]:
    """The steps for `profile`, naming the snippets as `where` says (the CLI's words)."""
    steps = _authelia_steps(profile, where) + _librechat_steps(profile, where)
    for add_steps in OPTION_STEPS:
        steps = add_steps(profile, steps, where)
    return steps


def _authelia_steps(p: Profile, where: Where) -> list[Step]:
    auth_method = p.token_endpoint_auth_method()
    return [
        Step(
            "authelia-provider",
            "Check that Authelia's OpenID Connect provider is configured",
            "configuration.yml needs identity_providers.oidc.hmac_secret (64+ random "
            "characters) and jwks with an RS256 key (RSA, 2048 bits or more) once for all "
            "clients. Without them Authelia does not start its OpenID Connect provider.",
        ),
        Step(
            "authelia-client",
            "Add the client to Authelia's configuration.yml",
            f"Paste {where.client_block} under identity_providers.oidc (or only the entry "
            "into an existing clients: list"
            + (f", plus the authorization policy {p.group_policy_name}" if p.group else "")
            + f"). Its redirect URI must stay exactly {p.redirect_uri}"
            + (f" (and {p.admin_redirect_uri} for LibreChat's admin panel)"
               if p.admin_panel else "") + ".",
        ),
        Step(
            "authelia-restart",
            "Restart Authelia and read its log",
            "Restart Authelia (with systemd: systemctl restart authelia) and read its log: it "
            "must show no 'error' line about identity_providers.oidc.clients; a configuration "
            "error stops Authelia from starting.",
            "docker compose restart authelia\ndocker compose logs --tail 50 authelia",
        ),
        Step(
            "discovery",
            "Check Authelia's discovery document from the LibreChat host",
            f"It must answer with JSON whose issuer is {p.auth_url} and whose "
            f"token_endpoint_auth_methods_supported lists {auth_method}. If curl fails on the "
            "certificate, LibreChat will too: add your CA with NODE_EXTRA_CA_CERTS in the "
            "container's environment.",
            f"curl -fsS {p.discovery_url}",
        ),
    ]


def _librechat_steps(p: Profile, where: Where) -> list[Step]:
    return [
        Step(
            "librechat-env",
            "Put the lines into LibreChat's .env",
            f"Add {where.env_block} to the .env next to LibreChat's docker-compose.yml, "
            f"replacing any existing {facts.ENV_DOMAIN_CLIENT}, {facts.ENV_DOMAIN_SERVER} and "
            f"OPENID_* lines. {facts.ENV_DOMAIN_SERVER} must be {p.app_url}: LibreChat builds "
            f"the callback as {facts.ENV_DOMAIN_SERVER} + {facts.CALLBACK_PATH}."
            + _env_line_words(p),
        ),
        Step(
            "librechat-restart",
            "Recreate the LibreChat container",
            "A plain restart keeps the old environment. Its log must not show 'OpenID' errors.",
            "docker compose up -d --force-recreate api\ndocker compose logs --tail 50 api",
        ),
        Step(
            "login",
            "Log in through Authelia",
            f"Open {p.app_url}/login and choose '{p.button_label or 'Continue with OpenID'}'. "
            f"You are sent to {p.auth_url}, sign in ({_policy_words(p)}), "
            f"{_consent_words(p)}, and land back in LibreChat signed in as your Authelia user, "
            + ("shown under your Authelia display name (the name claim)."
               if p.librechat() >= facts.LIBRECHAT_NAME_CLAIM else
               f"shown under your e-mail address (LibreChat before "
               f"{facts.LIBRECHAT_NAME_CLAIM} cannot take Authelia's display name)."),
        ),
    ]


def troubleshooting(profile: Profile) -> str:
    """What to do when login fails: guidance to read, not a step to tick."""
    p = profile
    auth_method = p.token_endpoint_auth_method()
    return (
        "Authelia 'invalid_client ... does not allow this method': the client's "
        f"token_endpoint_auth_method must be {auth_method} for LibreChat "
        f"{p.librechat_version}"
        + (f", the same as {facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD} in .env"
           if p.librechat() >= facts.LIBRECHAT_OPENID_CLIENT_6 else "")
        + ". Authelia 'redirect_uri ... does not match': "
        f"{facts.ENV_DOMAIN_SERVER} is not {p.app_url}. LibreChat 'Unknown authentication "
        f"strategy \"openid\"': an OPENID_* line or {facts.ENV_SCOPE} is missing from .env. "
        "Authelia refuses with access_denied: your user does not meet the policy "
        f"{p.authorization_policy}."
    )


def env_auth_method_sentence(profile: Profile) -> str:
    """What the OPENID_TOKEN_ENDPOINT_AUTH_METHOD line does (README and checklist)."""
    return (f"{facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD}={profile.token_endpoint_auth_method()} "
            "makes every LibreChat build send the client secret the way the Authelia client "
            "expects (released LibreChat posts it anyway, some development builds would "
            "otherwise send HTTP Basic and get invalid_client).")


def name_claim_sentence() -> str:
    """What the OPENID_NAME_CLAIM line does (README and checklist)."""
    return (f"{facts.ENV_NAME_CLAIM}={facts.NAME_CLAIM} makes users appear under their "
            "Authelia display name instead of their e-mail address.")


def _env_line_words(p: Profile) -> str:
    librechat = p.librechat()
    words = ""
    if librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
        words += " " + env_auth_method_sentence(p)
    if librechat >= facts.LIBRECHAT_NAME_CLAIM:
        words += " " + name_claim_sentence()
    return words


def _policy_words(profile: Profile) -> str:
    factor = "password and second factor" if profile.policy == "two_factor" else "password"
    if profile.group:
        return f"{factor}; only members of the group {profile.group} get in"
    return factor


def _consent_words(profile: Profile) -> str:
    if profile.consent == "implicit":
        return "see no consent screen (consent implicit)"
    if profile.consent == "pre-configured":
        duration = profile.consent_duration or facts.DEFAULT_CONSENT_DURATION
        return (f"accept the consent screen (tick 'remember' and it is not asked again for "
                f"{duration})")
    return "accept the consent screen"


def progress(profile: Profile) -> tuple[int, int]:
    ids = {s.id for s in checklist_steps(profile)}
    return (len(ids & set(profile.checklist)), len(ids))


class UnknownStep(InputError):
    """A step id that is not one of STEP_IDS; the message lists the valid ones."""

    def __init__(self, step_id: str) -> None:
        super().__init__(f"there is no checklist step '{shown(step_id)}': use one of "
                         f"{', '.join(STEP_IDS)} (or, with the options that add them, "
                         f"{', '.join(OPTION_STEP_IDS)})")


def set_step(profile: Profile, step_id: str, done: bool) -> Profile:
    """The profile with step `step_id` ticked (done) or not; raises UnknownStep."""
    if step_id not in ALL_STEP_IDS:
        raise UnknownStep(step_id)
    ticked = [s for s in profile.checklist if s != step_id]
    if done:
        ticked.append(step_id)
    return profile.with_changes(checklist=tuple(ticked))


def toggle_step(profile: Profile, step_id: str) -> Profile:
    ticked = list(profile.checklist)
    if step_id in ticked:
        ticked.remove(step_id)
    else:
        ticked.append(step_id)
    return profile.with_changes(checklist=tuple(ticked))


def render_checklist(profile: Profile) -> str:
    require_valid(profile, verify_digest=False)
    lines = []
    for number, step in enumerate(checklist_steps(profile), 1):
        mark = "x" if step.id in profile.checklist else " "
        lines.append(f"{number}. [{mark}] {step.title}  ({step.id})")
        lines.append(f"   {step.detail}")
        if step.command:
            lines.append("   Run:")
            lines.extend(f"       {line}" for line in step.command.splitlines())
        lines.append("")
    done, total = progress(profile)
    lines.append(f"{done} of {total} steps done")
    lines.append("")
    lines.append(f"{TROUBLESHOOTING_TITLE}:")
    lines.append(f"   {troubleshooting(profile)}")
    return "\n".join(lines) + "\n"


# Steps the provider section, admin group, CA file and hairpin need -----------------------


def _shell_safe_url(url: str) -> str:
    """The URL percent-encoded where a double-quoted shell word or a JS '...' would bite."""
    from urllib.parse import quote

    return quote(url, safe=":/?#[]@&()*+,;=%-._~")


def _insert(steps: list[Step], anchor: str, new: list[Step], *, before: bool = False,
            replace: bool = False) -> list[Step]:
    index = next(i for i, s in enumerate(steps) if s.id == anchor)
    if replace:
        return steps[:index] + new + steps[index + 1:]
    at = index if before else index + 1
    return steps[:at] + new + steps[at:]


def _provider_steps(p: Profile, steps: list[Step], where: Where) -> list[Step]:
    """Provider "new": the provider section, and with a key path, the key file and filter."""
    if p.provider != "new":
        return steps
    provider = [Step(
        "authelia-provider-new",
        "Add the OpenID Connect provider section",
        "The Authelia block starts with identity_providers.oidc.hmac_secret and jwks: the "
        f"RSA {p.key_bits}-bit key {p.signing_key_id or '(not generated yet)'} that signs "
        f"the ID tokens. Paste the whole block ({where.provider_keys}). Authelia has one "
        "provider section for all clients: if configuration.yml "
        "already has hmac_secret and jwks, keep those and set this profile's provider to "
        "existing.",
    )]
    if p.key_path:
        provider[:0] = _key_file_steps(p)
    return _insert(steps, "authelia-provider", provider, replace=True)


def _key_file_steps(p: Profile) -> list[Step]:
    from posixpath import basename, dirname

    return [
        Step(
            "authelia-key-file",
            "Write the signing key where Authelia reads it",
            f"Authelia reads the key from {p.key_path} inside its container: on the "
            f"Docker host, HOST_DIR is the directory mounted at {dirname(p.key_path)}. "
            "write-key writes the key with mode 0600 and never replaces a file; "
            "Authelia's user must be able to read it.",
            f"librechat-authelia write-key HOST_DIR/{basename(p.key_path)}",
        ),
        Step(
            "authelia-template-filter",
            "Turn on Authelia's template filter",
            f"The key line is a template: add {facts.ENV_AUTHELIA_CONFIG_FILTERS}="
            f"{facts.AUTHELIA_TEMPLATE_FILTER} to the environment of the authelia "
            "service in its docker-compose.yml. Without it Authelia does not start (the "
            "line is not YAML). A changed environment needs the container recreated "
            "(restart keeps the old environment).",
            "docker compose up -d --force-recreate authelia",
        ),
    ]


def _admin_group_steps(p: Profile, steps: list[Step], _where: Where) -> list[Step]:
    from .provider import claims_policy_name

    if not p.admin_group:
        return steps
    claims = claims_policy_name(p)
    return _insert(steps, "authelia-client", [Step(
        "admin-group",
        f"Put LibreChat's admins in the group {p.admin_group}",
        f"Members of the Authelia group {p.admin_group} become LibreChat admins at their "
        f"next login: LibreChat reads the groups claim of the ID token "
        f"({facts.ENV_ADMIN_ROLE}={p.admin_group}, the groups scope on both sides"
        + (f", and the claims policy {claims} that Authelia 4.39 needs to put groups in "
           "the ID token" if claims else "")
        + "). Add the admins to the group in Authelia's users file or LDAP. LibreChat's "
        "log \"Key 'groups' not found in id token\" means the scope or claims policy is "
        "missing.",
    )])


def _compose_override_steps(p: Profile, steps: list[Step], where: Where) -> list[Step]:
    """A CA file or hairpin: the Compose override, and discovery checked from the container."""
    from .librechat import authelia_host

    if not (p.ca_file or p.hairpin):
        return steps
    host = authelia_host(p)
    does = []
    if p.ca_file:
        does.append(f"mounts the CA certificate {p.ca_file} read-only at "
                    f"{facts.CA_CONTAINER_PATH} and sets {facts.ENV_NODE_EXTRA_CA_CERTS} "
                    "to it (Node reads it only at start, so .env cannot)")
    if p.hairpin:
        does.append(f"sends {host} to the Docker host (extra_hosts: "
                    f"{host}:{facts.HOST_GATEWAY}), so the container reaches Authelia's "
                    "public name")
    steps = _insert(steps, "librechat-env", [Step(
        "librechat-override",
        "Save the Compose override",
        f"Save {where.compose_block} as docker-compose.override.yml next to "
        "LibreChat's docker-compose.yml (or merge its services.api into the one you have). "
        f"It {' and '.join(does)}.",
    )])
    return _insert(steps, "librechat-restart", [_container_discovery_step(p, host)])


def _container_discovery_step(p: Profile, host: str) -> Step:
    url = _shell_safe_url(p.discovery_url)
    return Step(
        "container-discovery",
        "Check discovery from inside the LibreChat container",
        f"It must print {p.auth_url}. A certificate error "
        "(SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_GET_ISSUER_CERT_LOCALLY) means "
        f"{facts.ENV_NODE_EXTRA_CA_CERTS} is not in the container's environment (recreate "
        f"it, do not restart); ENOTFOUND, ECONNREFUSED or a timeout means the container "
        f"cannot reach {host}.",
        f"docker compose exec api node -e \"fetch('{url}').then(r => r.json())"
        ".then(d => console.log(d.issuer), e => { console.error(e.cause || e); "
        "process.exit(1) })\"",
    )


def _restart_order_steps(p: Profile, steps: list[Step], _where: Where) -> list[Step]:
    if not (p.provider == "new" or p.key_path or p.ca_file or p.hairpin):
        return steps
    authelia = ("docker compose up -d --force-recreate authelia" if p.key_path
                else "docker compose restart authelia")
    return _insert(steps, "librechat-restart", [Step(
        "restart-order",
        "Start Authelia before LibreChat",
        "LibreChat fetches Authelia's discovery document once, when it starts: if Authelia "
        "was down or its provider not configured then, LibreChat has no OpenID login until "
        "it is recreated. So Authelia first, wait until its discovery document answers, "
        "then recreate LibreChat (next step).",
        f"{authelia}\ncurl -fsS {p.discovery_url}",
    )], before=True)


# The steps a profile's options add, in order: each takes the steps so far (and how to name
# the snippets) and returns them with its own inserted.
OPTION_STEPS = (_provider_steps, _admin_group_steps, _compose_override_steps,
                _restart_order_steps)
