"""LibreChat's .env lines and their Docker Compose form."""

from __future__ import annotations

from . import facts
from .envfile import env_line
from .errors import require_valid
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
    # Empty optional values are left out so LibreChat uses its own defaults.
    for optional in (facts.ENV_BUTTON_LABEL, facts.ENV_IMAGE_URL):
        if not values[optional]:
            del values[optional]
    return values


def render_env(profile: Profile) -> str:
    require_valid(profile, verify_digest=False)
    lines = [env_line(key, value) for key, value in env_values(profile).items()]
    return "\n".join(lines) + "\n"


def render_compose(profile: Profile) -> str:
    """The same variables under services.api.environment of a compose override file."""
    require_valid(profile, verify_digest=False)
    # Compose interpolates $ in the file itself; $$ is its escape for a literal $.
    environment = {k: v.replace("$", "$$") for k, v in env_values(profile).items()}
    return dump_yaml({"services": {"api": {"environment": environment}}})
