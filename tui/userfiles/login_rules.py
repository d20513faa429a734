"""What the profile's checks catch, caught on the user's files too: PKCE not required, weak
secrets, role checks that can never pass against Authelia, and variables that look like a
typo of one LibreChat reads. No finding quotes a secret's value.
"""

from __future__ import annotations

from ..core import facts
from ..core.shown import shown
from .librechat_env_names import NAMES
from .placeholders import looks_like_placeholder
from .rules.registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MIN_SECRET_LENGTH = 32
ROLE_PREFIXES = ("OPENID_REQUIRED_ROLE", facts.ENV_ADMIN_ROLE)
# The claims Authelia can put in a token (its standard claims; custom claims come from the
# configuration's claims_policies).
AUTHELIA_CLAIMS = frozenset((
    "sub", "iss", "aud", "exp", "iat", "auth_time", "amr", "acr", "azp", "nonce", "jti",
    "client_id", "scope", "scp", "email", "email_verified", "alt_emails", "name",
    "preferred_username", "groups", "given_name", "family_name", "middle_name", "nickname",
    "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale",
    "phone_number", "phone_number_verified", "address", "updated_at"))
# Variables LibreChat reads that its .env.example does not list.
KNOWN_EXTRA = frozenset(v for k, v in vars(facts).items()
                        if k.startswith("ENV_") and isinstance(v, str))

CODES: dict[str, tuple[str, str]] = {
    "pkce-not-required": ("warning", "LibreChat's client has require_pkce false or unset: "
                          "apply authelia turns it on (LibreChat sends S256)"),
    "secret-weak": ("warning", "OPENID_SESSION_SECRET, OPENID_CLIENT_SECRET or a plaintext "
                    "client_secret under 32 characters (never quoted)"),
    "role-claim-unknown": ("error", "OPENID_REQUIRED_ROLE_PARAMETER_PATH or "
                           "OPENID_ADMIN_ROLE_PARAMETER_PATH reads a claim Authelia never "
                           "issues (like Keycloak's realm_access.roles), or any claim from "
                           "Authelia's opaque access token"),
    "env-unknown-variable": ("warning", "a variable LibreChat does not read that looks like "
                             "a typo of one it reads (SOCIAL_LOGIN_ENABLED: ALLOW_SOCIAL_LOGIN)"),
}


def check_login_rules(run: Any) -> None:
    for check in LOGIN_RULES:
        check(run)


def librechat_client(run: Any) -> tuple[int, dict] | None:
    """(index, client) of the client with the .env's OPENID_CLIENT_ID, when there is one."""
    config, client_id = run.config, run.value(facts.ENV_CLIENT_ID)
    if config is None or not client_id:
        return None
    for index, client in config.clients():
        if isinstance(client, dict) and client.get("client_id", client.get("id")) == client_id:
            return index, client
    return None


@rule("pkce-not-required")
def _check_pkce(run: Any) -> None:
    """pkce-not-required: PKCE is not required by LibreChat's client."""
    found = librechat_client(run)
    if found is None:
        return
    index, client = found
    value = client.get("require_pkce")
    if value is True or run.config.is_templated(value):
        return
    path = ("identity_providers", "oidc", "clients", index)
    where = run.config.where((*path, "require_pkce") if "require_pkce" in client else path)
    run.add("pkce-not-required", where,
            "the client does not require PKCE (require_pkce is "
            + ("false" if "require_pkce" in client else "not set")
            + "): LibreChat sends an S256 challenge, but Authelia does not insist on one",
            "set require_pkce: true and pkce_challenge_method: 'S256' (apply authelia does "
            "it)", severity=CODES["pkce-not-required"][0])


@rule("secret-weak")
def _check_weak_secrets(run: Any) -> None:
    """secret-weak: a session or client secret under 32 characters."""
    for key in (facts.ENV_SESSION_SECRET, facts.ENV_CLIENT_SECRET):
        value = run.value(key)
        if not value or not run.checkable(key) or looks_like_placeholder(value):
            continue
        if len(value) < MIN_SECRET_LENGTH:
            run.add("secret-weak", run.where(key),
                    f"{key} has {len(value)} characters: under {MIN_SECRET_LENGTH}, it can be "
                    "guessed",
                    f"set {key} to a new random value of 64 characters (librechat-authelia "
                    "rand)", severity=CODES["secret-weak"][0])
    found = librechat_client(run)
    if found is None:
        return
    index, client = found
    stored = client.get("client_secret", client.get("secret"))
    if not isinstance(stored, str) or stored.startswith("$") or run.config.is_templated(stored) \
            or looks_like_placeholder(stored) or len(stored) >= MIN_SECRET_LENGTH:
        return
    key = "client_secret" if "client_secret" in client else "secret"
    run.add("secret-weak", run.config.where(("identity_providers", "oidc", "clients", index,
                                             key)),
            f"the client's plaintext {key} has {len(stored)} characters: under "
            f"{MIN_SECRET_LENGTH}, it can be guessed",
            "make a new secret of 64 characters and store its digest (librechat-authelia "
            "hash)", severity=CODES["secret-weak"][0])


def _custom_claims(run: Any) -> set[str]:
    config = run.config
    policies = config.get(("identity_providers", "oidc", "claims_policies")) if config else None
    names: set[str] = set()
    for policy in (policies.values() if isinstance(policies, dict) else []):
        if isinstance(policy, dict) and isinstance(policy.get("custom_claims"), dict):
            names |= set(policy["custom_claims"])
    return names


@rule("role-claim-unknown")
def _check_role_claims(run: Any) -> None:
    """role-claim-unknown: a role path on a claim Authelia does not issue."""
    known = AUTHELIA_CLAIMS | _custom_claims(run)
    for prefix in ROLE_PREFIXES:
        path_key, kind_key = f"{prefix}_PARAMETER_PATH", f"{prefix}_TOKEN_KIND"
        path = run.value(path_key)
        if not run.value(prefix) or not path or not run.checkable(prefix, path_key, kind_key):
            continue
        claim = path.strip().split(".")[0]
        kind = (run.value(kind_key) or "").strip()
        if claim not in known:
            why = f"Authelia issues no {shown(claim)} claim"
        elif kind == "access" and claim != "groups":  # groups: groups-claim-missing says it
            why = "Authelia's access tokens are opaque: LibreChat can decode no claim in them"
        else:
            continue
        run.add("role-claim-unknown", run.where(path_key),
                f"{path_key} is {shown(path)}, but {why}: the role check never passes",
                f"set {path_key}=groups and {kind_key}=id (with the groups scope on both "
                "sides)", severity=CODES["role-claim-unknown"][0])


def _words(name: str) -> set[str]:
    return {w for w in name.split("_") if w}


def typo_of(key: str) -> str | None:
    """The variable LibreChat reads that `key` most likely misspells, or None."""
    if key in NAMES or key in KNOWN_EXTRA:
        return None
    import difflib  # only when a variable is unknown

    close = difflib.get_close_matches(key, sorted(NAMES | KNOWN_EXTRA), n=1, cutoff=0.85)
    if close:
        return close[0]
    words = _words(key)
    best = None
    for name in sorted(NAMES | KNOWN_EXTRA):
        other = _words(name)
        shared = len(words & other)
        if shared >= 2 and shared >= len(words) - 1 and shared >= len(other) - 1 \
                and len(words) == len(other):
            ratio = difflib.SequenceMatcher(None, key, name).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, name)
    return best[1] if best else None


@rule("env-unknown-variable")
def _check_typos(run: Any) -> None:
    """env-unknown-variable: a variable that looks like a typo of one LibreChat reads."""
    env = run.env
    if env is None:
        return
    for key in env.values:
        real = typo_of(key)
        if real is None or real in env.values:
            continue
        run.add("env-unknown-variable", env.where(env.winner(key).line),
                f"LibreChat reads no {shown(key)}: it looks like a typo of {real}",
                f"rename it {real}", severity=CODES["env-unknown-variable"][0])


LOGIN_RULES = (_check_pkce, _check_weak_secrets, _check_role_claims, _check_typos)
