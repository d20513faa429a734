"""The Authelia client registration for LibreChat, as data and as YAML."""

from __future__ import annotations

from . import facts
from .checks import require_valid
from .profile import Profile
from .provider import claims_policies, client_additions, provider_config
from .yamlio import AutheliaTemplate, dump_yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any



def client_entry(profile: Profile) -> dict[str, Any]:
    """One entry of identity_providers.oidc.clients, keys in the order of Authelia's docs."""
    return {
        "client_id": profile.client_id,
        "client_name": profile.client_name,
        "client_secret": client_secret_value(profile),
        "public": False,
        "authorization_policy": profile.authorization_policy,
        # Both openid-client 5 and 6 send an S256 challenge to Authelia (FACTS.md: PKCE).
        "require_pkce": True,
        "pkce_challenge_method": "S256",
        "redirect_uris": profile.redirect_uris,
        "scopes": list(profile.effective_scopes),
        "response_types": ["code"],
        "grant_types": ["authorization_code"]
        + (["refresh_token"] if profile.wants_refresh_token else []),
        "access_token_signed_response_alg": "none",
        "userinfo_signed_response_alg": "none",
        "token_endpoint_auth_method": profile.token_endpoint_auth_method(),
        # claims_policy (4.39 with an admin group), consent_mode and its duration.
        **client_additions(profile),
    }


def client_secret_value(profile: Profile) -> str:
    """The client's client_secret: the digest, or the configuration's own template or
    variable when the digest is managed outside the profile (written verbatim)."""
    if profile.digest_outside:
        return AutheliaTemplate(profile.digest_template)
    return profile.client_secret_digest


def digest_outside_note(profile: Profile) -> str:
    """YAML comment lines saying where client_secret comes from ("" when from the profile)."""
    if not profile.digest_outside:
        return ""
    if "{{" in profile.digest_template:
        how = (f"Authelia's template filter fills it in ({facts.ENV_AUTHELIA_CONFIG_FILTERS}"
               "=template).")
    else:
        how = "the variable is filled in before Authelia parses the file (expand-env, envsubst)."
    return ("# client_secret is kept as your configuration has it (the digest is managed "
            f"outside this\n# profile): {how}\n")


def authorization_policies(profile: Profile) -> dict[str, Any]:
    """The custom policy that lets only members of profile.group log in, if one is set."""
    if not profile.group:
        return {}
    return {
        profile.group_policy_name: {
            "default_policy": "deny",
            "rules": [{"policy": profile.policy, "subject": f"group:{profile.group}"}],
        }
    }


def client_config(profile: Profile) -> dict[str, Any]:
    """The identity_providers wrapper with this client (and its policy, if any).

    With provider "new" it starts with hmac_secret and jwks: a complete, working section.
    """
    oidc: dict[str, Any] = dict(provider_config(profile))
    claims = claims_policies(profile)
    if claims:
        oidc["claims_policies"] = claims
    policies = authorization_policies(profile)
    if policies:
        oidc["authorization_policies"] = policies
    oidc["clients"] = [client_entry(profile)]
    return {"identity_providers": {"oidc": oidc}}


def render_client_block(profile: Profile, *, digest_verified: bool = False) -> str:
    """YAML to merge into configuration.yml: identity_providers.oidc with this client.

    digest_verified=True skips re-verifying the digest (slow by design) when the caller
    has just verified this same secret and digest, as the app does in a worker thread
    (then it has also run provider_checks.verify_key_findings, the other slow check).
    """
    require_valid(profile, verify_digest=not digest_verified)
    return digest_outside_note(profile) + dump_yaml(client_config(profile))


def render_client_entry(profile: Profile, *, digest_verified: bool = False) -> str:
    """Only the list item, to paste into an existing identity_providers.oidc.clients list.

    A group policy lives outside the list, so the entry form says in a leading comment that
    it is needed (the checks refuse control characters in a group, so it stays one line).
    """
    require_valid(profile, verify_digest=not digest_verified)
    entry = dump_yaml([client_entry(profile)])
    note = digest_outside_note(profile)
    if profile.provider == "new":
        note += ("# Authelia also needs this profile's provider section (hmac_secret and jwks) "
                 "once:\n# see the full block, or 'render provider'.\n")
    if profile.group:
        note += (
            f"# This client uses the authorization policy {profile.group_policy_name}: copy it "
            "from\n# the full block into identity_providers.oidc.authorization_policies as "
            "well.\n"
        )
    if claims_policies(profile):
        note += (
            f"# This client uses the claims policy {client_entry(profile)['claims_policy']}: "
            "copy it from\n# the full block into identity_providers.oidc.claims_policies as "
            "well.\n"
        )
    return note + entry
