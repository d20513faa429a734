"""LibreChat's .env lines and their Docker Compose form."""

from __future__ import annotations

from . import facts
from .checks import require_valid
from .envfile import env_line
from .hosts import is_loopback
from .profile import Profile
from .yamlio import dump_yaml


def env_values(profile: Profile) -> dict[str, str]:
    """The variables LibreChat needs, in the order of its .env.example."""
    values = {
        # Both default to http://localhost:3080; left so, the redirect URI never matches.
        facts.ENV_DOMAIN_CLIENT: profile.app_url,
        facts.ENV_DOMAIN_SERVER: profile.app_url,
        facts.ENV_ALLOW_SOCIAL_LOGIN: "true",
        facts.ENV_BUTTON_LABEL: profile.button_label,
        facts.ENV_ISSUER: profile.auth_url,
        facts.ENV_CLIENT_ID: profile.client_id,
        facts.ENV_CLIENT_SECRET: profile.client_secret,
        facts.ENV_SESSION_SECRET: profile.session_secret,
        facts.ENV_CALLBACK_URL: facts.CALLBACK_PATH,
        facts.ENV_SCOPE: " ".join(profile.effective_scopes),
        facts.ENV_IMAGE_URL: profile.image_url,
    }
    librechat = profile.librechat()
    if librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
        # The client's own method: released LibreChat posts the secret without this line, a
        # development build sends HTTP Basic; with it, every build agrees with Authelia.
        values[facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD] = profile.token_endpoint_auth_method()
    if librechat >= facts.LIBRECHAT_NAME_CLAIM:
        # Authelia's display name; without the line LibreChat shows the e-mail address.
        values[facts.ENV_NAME_CLAIM] = facts.NAME_CLAIM
    if profile.admin_group:
        # Authelia's access tokens are opaque: the role is the groups claim of the ID token.
        values[facts.ENV_ADMIN_ROLE] = profile.admin_group
        values[facts.ENV_ADMIN_ROLE_PARAMETER_PATH] = facts.ADMIN_ROLE_PARAMETER_PATH
        values[facts.ENV_ADMIN_ROLE_TOKEN_KIND] = facts.ADMIN_ROLE_TOKEN_KIND
    # Empty optional values are left out so LibreChat uses its own defaults.
    for optional in (facts.ENV_BUTTON_LABEL, facts.ENV_IMAGE_URL):
        if not values[optional]:
            del values[optional]
    return values


def render_env(profile: Profile) -> str:
    require_valid(profile, verify_digest=False, needs_digest=False)
    lines = [env_line(key, value) for key, value in env_values(profile).items()]
    return "\n".join(lines) + "\n"


def compose_override(profile: Profile) -> dict:
    """docker-compose.override.yml for LibreChat's api service, as data ($ not yet escaped).

    environment: the .env variables, plus NODE_EXTRA_CA_CERTS with a CA file (Node reads it
    only at start, so never in .env); volumes: the CA file, read-only; extra_hosts: Authelia's
    public name through the Docker host (hairpin).
    """
    environment = env_values(profile)
    service: dict = {"environment": environment}
    if profile.ca_file:
        environment[facts.ENV_NODE_EXTRA_CA_CERTS] = facts.CA_CONTAINER_PATH
        # The long form: a host path with a colon would break "SRC:DST:ro".
        service["volumes"] = [{"type": "bind", "source": profile.ca_file,
                               "target": facts.CA_CONTAINER_PATH, "read_only": True}]
    host = authelia_host(profile)
    # Never a loopback name (the checks refuse it): it would break the container's resolver.
    if profile.hairpin and host and not is_loopback(host.rstrip(".")):
        service["extra_hosts"] = [f"{host}:{facts.HOST_GATEWAY}"]
    return {"services": {facts.LIBRECHAT_SERVICE: service}}


def authelia_host(profile: Profile) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(profile.auth_url).hostname or ""
    except ValueError:  # a malformed URL: the checks report it
        return ""


def escape_dollars(data):
    # Compose interpolates $ in the file itself; $$ is its escape for a literal $.
    if isinstance(data, str):
        return data.replace("$", "$$")
    if isinstance(data, dict):
        return {k: escape_dollars(v) for k, v in data.items()}
    if isinstance(data, list):
        return [escape_dollars(v) for v in data]
    return data


def render_compose(profile: Profile) -> str:
    """A complete docker-compose.override.yml for the api service (see compose_override)."""
    require_valid(profile, verify_digest=False, needs_digest=False)
    return dump_yaml(escape_dollars(compose_override(profile)))
