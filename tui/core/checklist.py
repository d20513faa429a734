"""The steps to apply a profile and verify the login, each naming the profile's own values."""

from __future__ import annotations

from collections import namedtuple

from . import facts
from .errors import require_valid
from .profile import Profile

# id is stable: ticks are stored by id in the profile. command is the exact shell command
# of the step (one or more lines, nothing else on them, so it can be copied and pasted
# safely), or "" for a step without one; detail is the prose around it.
Step = namedtuple("Step", "id title detail command", defaults=("",))

# The ids of checklist_steps(), in order: known without a valid profile (`tick` needs them).
STEP_IDS = ("authelia-provider", "authelia-client", "authelia-restart", "discovery",
            "librechat-env", "librechat-restart", "login")
TROUBLESHOOTING_TITLE = "If login fails, match the log line"


def checklist_steps(profile: Profile) -> list[Step]:
    p = profile
    auth_method = p.token_endpoint_auth_method()
    steps = [
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
            "Paste the Authelia client block under identity_providers.oidc (or only the entry "
            "into an existing clients: list"
            + (f", plus the authorization policy {p.group_policy_name}" if p.group else "")
            + f"). Its redirect URI must stay exactly {p.redirect_uri}.",
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
        Step(
            "librechat-env",
            "Put the lines into LibreChat's .env",
            "Add the LibreChat .env block to the .env next to LibreChat's docker-compose.yml, "
            f"replacing any existing {facts.ENV_DOMAIN_CLIENT}, {facts.ENV_DOMAIN_SERVER} and "
            f"OPENID_* lines. {facts.ENV_DOMAIN_SERVER} must be {p.app_url}: LibreChat builds "
            f"the callback as {facts.ENV_DOMAIN_SERVER} + {facts.CALLBACK_PATH}.",
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
            f"You are sent to {p.auth_url}, sign in ({_policy_words(p)}), accept the consent "
            "screen, and land back in LibreChat signed in as your Authelia user.",
        ),
    ]
    return steps


def troubleshooting(profile: Profile) -> str:
    """What to do when login fails: guidance to read, not a step to tick."""
    p = profile
    auth_method = p.token_endpoint_auth_method()
    return (
        "Authelia 'invalid_client ... does not allow this method': the client's "
        f"token_endpoint_auth_method must be {auth_method} for LibreChat "
        f"{p.librechat_version}. Authelia 'redirect_uri ... does not match': "
        f"{facts.ENV_DOMAIN_SERVER} is not {p.app_url}. LibreChat 'Unknown authentication "
        f"strategy \"openid\"': an OPENID_* line or {facts.ENV_SCOPE} is missing from .env. "
        "Authelia refuses with access_denied: your user does not meet the policy "
        f"{p.authorization_policy}."
    )


def _policy_words(profile: Profile) -> str:
    factor = "password and second factor" if profile.policy == "two_factor" else "password"
    if profile.group:
        return f"{factor}; only members of the group {profile.group} get in"
    return factor


def progress(profile: Profile) -> tuple[int, int]:
    ids = {s.id for s in checklist_steps(profile)}
    return (len(ids & set(profile.checklist)), len(ids))


class UnknownStep(ValueError):
    """A step id that is not one of STEP_IDS; the message lists the valid ones."""

    def __init__(self, step_id: str) -> None:
        super().__init__(f"there is no checklist step {step_id!r}: use one of "
                         f"{', '.join(STEP_IDS)}")


def set_step(profile: Profile, step_id: str, done: bool) -> Profile:
    """The profile with step `step_id` ticked (done) or not; raises UnknownStep."""
    if step_id not in STEP_IDS:
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
