"""Authelia's OpenID Connect provider section (hmac_secret, jwks), claims and consent.

The provider is configured once for all clients. With provider "new" the profile holds the
hmac secret and an RSA signing key and renders them; with "existing" Authelia has its own.
The keys are made and read in keys.py; the section's checks are in provider_checks.py.
"""

from __future__ import annotations

from . import facts
from .keys import ProviderError, read_signing_key
from .profile import Profile
from .provider_checks import authelia_version
from .yamlio import AutheliaTemplate, LiteralBlock, dump_yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# What each consent_mode means for the person logging in (shown on the Assumptions screen).
CONSENT_MODES = {
    "auto": "A consent screen at every login (Authelia's default).",
    "explicit": "A consent screen at every login.",
    "implicit": "Never a consent screen: LibreChat gets the scopes without asking.",
    "pre-configured": "A consent screen with 'remember': ticked, not asked again for the "
                      "duration (1 week unless set).",
}
CLAIMS_POLICY_NAME = "librechat_groups_in_id_token"


def public_jwk(profile: Profile) -> dict[str, Any]:
    """The public key as Authelia publishes it at /jwks.json (kid, alg, use, n, e)."""
    import base64

    def b64(number: int) -> str:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    numbers = read_signing_key(profile.signing_key).public_key.public_numbers()
    return {"kty": "RSA", "kid": profile.signing_key_id, "alg": facts.KEY_ALGORITHM,
            "use": "sig", "n": b64(numbers.n), "e": b64(numbers.e)}


# The section as data ---------------------------------------------------------------------


def key_template(key_path: str) -> AutheliaTemplate:
    """Authelia's docs' way to read the key from a file (needs the template filter)."""
    return AutheliaTemplate('{{ secret "' + key_path + '" | mindent 10 "|" | msquote }}')


def key_value(profile: Profile) -> str:
    """The jwks `key`: a literal PEM block, or the template that reads profile.key_path.

    The template is an AutheliaTemplate (a str): dump_yaml writes it verbatim; a caller
    writing YAML another way must do the same (it is not a YAML string).
    """
    if profile.key_path:
        return key_template(profile.key_path)
    return LiteralBlock(profile.signing_key)


def provider_config(profile: Profile) -> dict[str, Any]:
    """identity_providers.oidc's hmac_secret and jwks for provider "new"; {} for "existing"."""
    if profile.provider != "new":
        return {}
    return {
        "hmac_secret": profile.hmac_secret,
        "jwks": [{
            "key_id": profile.signing_key_id,
            "algorithm": facts.KEY_ALGORITHM,
            "use": "sig",
            "key": key_value(profile),
        }],
    }


def needs_claims_policy(profile: Profile) -> bool:
    """4.39 keeps groups out of the ID token; LibreChat reads the admin role from it."""
    authelia = authelia_version(profile)
    return bool(profile.admin_group) and authelia is not None and (
        authelia >= facts.AUTHELIA_CLAIMS_POLICIES)


def claims_policy_name(profile: Profile) -> str:
    return CLAIMS_POLICY_NAME if needs_claims_policy(profile) else ""


def claims_policies(profile: Profile) -> dict[str, Any]:
    """identity_providers.oidc.claims_policies entries this client needs ({} if none)."""
    if not needs_claims_policy(profile):
        return {}
    return {CLAIMS_POLICY_NAME: {"id_token": [facts.GROUPS_SCOPE]}}


def client_additions(profile: Profile) -> dict[str, Any]:
    """Keys this module adds to the client entry: claims policy and consent."""
    from .duration import yaml_duration

    out: dict[str, Any] = {}
    if needs_claims_policy(profile):
        out["claims_policy"] = CLAIMS_POLICY_NAME
    if profile.consent != facts.DEFAULT_CONSENT:  # auto is Authelia's default: left out
        out["consent_mode"] = profile.consent
    if profile.consent == "pre-configured" and profile.consent_duration:
        out["pre_configured_consent_duration"] = yaml_duration(profile.consent_duration)
    return out


def render_provider(profile: Profile) -> str:
    """Only identity_providers.oidc hmac_secret and jwks, to add to configuration.yml once."""
    from .checks import require_key_valid, require_valid

    if profile.provider != "new":
        raise ProviderError("this profile uses Authelia's existing provider (provider: "
                            "existing), so it has no hmac_secret or key to render; "
                            "choose provider new to generate them")
    require_valid(profile, verify_digest=False)
    require_key_valid(profile)
    return dump_yaml({"identity_providers": {"oidc": provider_config(profile)}})

