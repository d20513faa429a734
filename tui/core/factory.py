"""New profiles and new keys for a profile: where fresh secrets are made."""

from __future__ import annotations

from . import keys
from .profile import Profile

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def new_profile(*, hash_digest: bool = True, generate_key: bool = True,
                **values: Any) -> Profile:
    """A complete profile with fresh secrets; `values` override the guide's examples.

    With provider "new" it gets an hmac secret and, unless generate_key=False, a signing
    key. Key generation takes seconds at 4096 bits: the app passes generate_key=False and
    calls with_signing_key() in a worker.
    """
    from . import digest, secretgen

    generated = {
        "client_id": secretgen.new_client_id(),
        "client_secret": secretgen.new_client_secret(),
        "session_secret": secretgen.new_session_secret(),
    }
    profile = Profile(**{**generated, **values})
    if profile.provider == "new" and not profile.hmac_secret:
        profile = profile.with_changes(hmac_secret=keys.new_hmac_secret())
    if generate_key and profile.provider == "new" and not profile.signing_key:
        profile = with_signing_key(profile)
    if hash_digest and not profile.client_secret_digest:
        profile = profile.with_changes(
            client_secret_digest=digest.hash(profile.client_secret, profile.digest_algorithm)
        )
    return profile


def with_signing_key(profile: Profile) -> Profile:
    """The profile with a new key of its key_bits (and an hmac secret if it has none).

    Slow at 4096 bits: the app calls this in a worker thread.
    """
    pem, key_id = keys.new_signing_key(profile.key_bits)
    return profile.with_changes(signing_key=pem, signing_key_id=key_id,
                                hmac_secret=profile.hmac_secret or keys.new_hmac_secret())
