"""Authelia's provider secrets: the hmac secret and the RSA signing key, made and read.

`cryptography` is imported only where a key is made or read: the CLI's start-up stays fast.
Nothing here knows the profile: factory.py puts a new key into one, provider_checks.py
judges the one it holds.
"""

from __future__ import annotations

import re
from collections import namedtuple
from functools import lru_cache

from . import facts
from .inputerror import InputError

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEY_ID_RE = re.compile(facts.KEY_ID_PATTERN)
# The PEM form Authelia's JSON schema accepts for a jwks key (64-character base64 lines).
PEM_RE = re.compile(
    r"^-{5}BEGIN ((RSA )?PRIVATE KEY)-{5}\n([a-zA-Z0-9/+]{1,64}\n)+"
    r"([a-zA-Z0-9/+]{1,64}={0,2})\n-{5}END \1-{5}\n?$"
)


class ProviderError(InputError):
    """A request the profile's provider settings cannot serve; the message says why."""


def new_hmac_secret() -> str:
    """Like `authelia crypto rand --length 64 --charset alphanumeric`."""
    from .secretgen import random_string

    return random_string(facts.HMAC_SECRET_LENGTH, facts.HMAC_SECRET_CHARSET)


def check_key_bits(bits: Any) -> int:
    if isinstance(bits, bool) or bits not in facts.KEY_BITS:
        raise ProviderError(f"the key size must be one of {', '.join(map(str, facts.KEY_BITS))} "
                            f"bits, not {bits}")
    return bits


def new_signing_key(bits: int = facts.DEFAULT_KEY_BITS) -> tuple[str, str]:
    """(PEM, key_id) of a fresh RSA key: PKCS#8, like `openssl genrsa`. Seconds at 4096 bits."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=check_key_bits(bits))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    return pem, key_id_for(key.public_key())


def key_id_for(public_key: Any) -> str:
    """rsa<bits>-<16 hex of the SHA-256 of the public key>: stable, and Authelia's pattern."""
    import hashlib

    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return f"rsa{public_key.key_size}-{hashlib.sha256(der).hexdigest()[:16]}"


# Reading a key --------------------------------------------------------------------------

KeyInfo = namedtuple("KeyInfo", "bits public_key")


@lru_cache(maxsize=8)
def read_signing_key(pem: str) -> KeyInfo:
    """Parse and fully validate a PEM RSA private key; ProviderError says what is wrong.

    The message never quotes the key. Cached: validation costs ~40 ms per call.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ProviderError("the signing key is not an unencrypted PEM private key: "
                            "generate a new one") from None
    except Exception:  # cryptography's UnsupportedAlgorithm and the like
        raise ProviderError("the signing key cannot be read: generate a new one") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ProviderError("the signing key must be an RSA key: Authelia needs one for RS256")
    if key.key_size < min(facts.KEY_BITS):
        raise ProviderError(f"the signing key has {key.key_size} bits: Authelia refuses RSA "
                            f"keys under {min(facts.KEY_BITS)} bits; generate a new one")
    return KeyInfo(key.key_size, key.public_key())
