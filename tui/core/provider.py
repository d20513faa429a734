"""Authelia's OpenID Connect provider section (hmac_secret, jwks), claims and consent.

The provider is configured once for all clients. With provider "new" the profile holds the
hmac secret and an RSA signing key and renders them; with "existing" Authelia has its own.
`cryptography` is imported only where a key is made or read: the CLI's start-up stays fast.
"""

from __future__ import annotations

import re
from collections import namedtuple
from functools import lru_cache

from . import facts
from .hosts import is_loopback
from .inputerror import InputError
from .profile import Profile
from .shown import shown_path
from .versions import Version, VersionError
from .words import plural
from .yamlio import AutheliaTemplate, LiteralBlock, dump_yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .checks import Finding

KEY_ID_RE = re.compile(facts.KEY_ID_PATTERN)
# The PEM form Authelia's JSON schema accepts for a jwks key (64-character base64 lines).
_PEM_RE = re.compile(
    r"^-{5}BEGIN ((RSA )?PRIVATE KEY)-{5}\n([a-zA-Z0-9/+]{1,64}\n)+"
    r"([a-zA-Z0-9/+]{1,64}={0,2})\n-{5}END \1-{5}\n?$"
)
# What each consent_mode means for the person logging in (shown on the Assumptions screen).
CONSENT_MODES = {
    "auto": "A consent screen at every login (Authelia's default).",
    "explicit": "A consent screen at every login.",
    "implicit": "Never a consent screen: LibreChat gets the scopes without asking.",
    "pre-configured": "A consent screen with 'remember': ticked, not asked again for the "
                      "duration (1 week unless set).",
}
CLAIMS_POLICY_NAME = "librechat_groups_in_id_token"


class ProviderError(InputError):
    """A request the profile's provider settings cannot serve; the message says why."""


# Generation ----------------------------------------------------------------------------


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


def with_signing_key(profile: Profile) -> Profile:
    """The profile with a new key of its key_bits (and an hmac secret if it has none).

    Slow at 4096 bits: the app calls this in a worker thread.
    """
    pem, key_id = new_signing_key(profile.key_bits)
    return profile.with_changes(signing_key=pem, signing_key_id=key_id,
                                hmac_secret=profile.hmac_secret or new_hmac_secret())


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


def _authelia(profile: Profile) -> Version | None:
    try:
        return Version.parse(profile.authelia_version)
    except VersionError:
        return None


def needs_claims_policy(profile: Profile) -> bool:
    """4.39 keeps groups out of the ID token; LibreChat reads the admin role from it."""
    authelia = _authelia(profile)
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
    from .errors import require_valid

    if profile.provider != "new":
        raise ProviderError("this profile uses Authelia's existing provider (provider: "
                            "existing), so it has no hmac_secret or key to render; "
                            "choose provider new to generate them")
    require_valid(profile, verify_digest=False)
    require_key_valid(profile)
    return dump_yaml({"identity_providers": {"oidc": provider_config(profile)}})


# Checks ------------------------------------------------------------------------------------


def key_path_problem(path: str) -> str | None:
    if not path:
        return None
    if not path.startswith("/"):
        return (f"must be an absolute path inside Authelia's container, like "
                f"{facts.EXAMPLE_KEY_PATH}")
    if any(c in path for c in '"\\`') or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return "must not contain quotes, backslashes or control characters"
    if "{{" in path or "}}" in path:  # it goes inside Authelia's template
        return "must not contain {{ or }}"
    if path.endswith("/"):
        return "names a directory: add the file name"
    return None


def ca_file_problem(path: str) -> tuple[str, str] | None:
    """(severity, message) about a CA file on this machine, or None when it is fine.

    A missing file is only a warning: the profile may be made away from the Docker host.
    """
    import os

    if not path:
        return None
    if not os.path.isabs(path):
        return ("error", "must be an absolute path on the Docker host")
    if any(ord(c) < 32 for c in path):
        return ("error", "must not contain control characters")
    if not os.path.exists(path):
        return ("warning", f"{shown_path(path)} does not exist on this machine (fine if the "
                           "Docker host is another machine)")
    problem = _pem_certificate_problem(path, *_stamp(path))
    return ("error", problem) if problem else None


def _stamp(path: str) -> tuple[int, int]:
    import os

    try:
        info = os.stat(path)
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=8)
def _pem_certificate_problem(path: str, mtime: int, size: int) -> str | None:
    if size > 1_000_000:
        return f"{shown_path(path)} is too big for a CA certificate"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return f"{shown_path(path)} cannot be read: {error.strerror or error}"
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return f"{shown_path(path)} is not a PEM certificate (no BEGIN CERTIFICATE line)"
    from cryptography import x509

    try:
        x509.load_pem_x509_certificates(data)
    except ValueError:
        return f"{shown_path(path)} is not a valid PEM certificate"
    return None


def require_ca_file(path: str) -> str:
    """The absolute path of a readable PEM certificate on this machine, or ProviderError."""
    import os

    absolute = os.path.abspath(os.path.expanduser(path.strip()))
    if os.path.isdir(absolute):
        raise ProviderError(f"the CA file {shown_path(absolute)} is a directory: give the "
                            "certificate file")
    if not os.path.isfile(absolute):
        raise ProviderError(f"the CA file {shown_path(absolute)} does not exist (give the path "
                            "on the Docker host)")
    problem = ca_file_problem(absolute)
    if problem:
        raise ProviderError(f"the CA file {problem[1]}")
    return absolute


def provider_findings(profile: Profile) -> list[Finding]:
    """The fast findings about the fields of this module (no key parsing)."""
    from .checks import Finding
    from .envfile import env_value_problem

    p = profile
    out: list[Finding] = []
    if p.provider not in facts.PROVIDER_CHOICES:
        out.append(Finding("error", "provider", "provider must be new or existing"))
    if p.key_bits not in facts.KEY_BITS or isinstance(p.key_bits, bool):
        out.append(Finding("error", "key_bits", "the key size must be one of "
                           f"{', '.join(map(str, facts.KEY_BITS))} bits"))
    if p.provider == "new":
        if not p.hmac_secret:
            out.append(Finding("error", "hmac_secret", "the hmac secret is empty: generate one"))
        elif not p.hmac_secret.isascii() or not p.hmac_secret.isalnum():
            out.append(Finding("error", "hmac_secret", "the hmac secret must be letters and "
                               "digits only: generate a new one"))
        elif len(p.hmac_secret) < facts.HMAC_SECRET_LENGTH:
            out.append(Finding("warning", "hmac_secret",
                               f"the hmac secret has {plural(len(p.hmac_secret), 'character')}; "
                               f"use at least {facts.HMAC_SECRET_LENGTH} (regenerate it)"))
        if not p.signing_key:
            out.append(Finding("error", "signing_key", "there is no signing key yet: "
                               "generate one"))
        elif not _PEM_RE.match(p.signing_key):
            out.append(Finding("error", "signing_key", "the signing key is not a PEM private "
                               "key as Authelia reads it: generate a new one"))
        if not p.signing_key_id:
            out.append(Finding("error", "signing_key_id", "the key ID is empty: generate a key"))
        elif not KEY_ID_RE.match(p.signing_key_id) or (
                len(p.signing_key_id) > facts.KEY_ID_MAX_LENGTH):
            out.append(Finding("error", "signing_key_id",
                               "Authelia wants a key ID of letters, digits and - . _ ~ "
                               "(starting and ending with a letter or digit, at most "
                               f"{facts.KEY_ID_MAX_LENGTH} characters)"))
        problem = key_path_problem(p.key_path)
        if problem:
            out.append(Finding("error", "key_path", f"the key path {problem}"))

    if p.admin_group:
        problem = env_value_problem(p.admin_group)
        if problem:
            out.append(Finding("error", "admin_group", f"the admin group {problem}"))
        try:
            librechat = Version.parse(p.librechat_version)
        except VersionError:
            librechat = None  # reported under librechat_version
        if librechat is not None and librechat < facts.LIBRECHAT_ADMIN_ROLE:
            out.append(Finding("error", "admin_group",
                               f"LibreChat {p.librechat_version} cannot take admins from a "
                               f"group: {facts.ENV_ADMIN_ROLE} arrived in LibreChat "
                               f"{facts.LIBRECHAT_ADMIN_ROLE}; upgrade LibreChat or leave the "
                               "admin group empty"))

    if p.consent not in facts.CONSENT_CHOICES:
        out.append(Finding("error", "consent", "consent must be one of "
                           f"{', '.join(facts.CONSENT_CHOICES)}"))
    if p.consent_duration:
        from .duration import DurationError, duration_seconds  # its patterns cost ~1 ms

        if p.consent != "pre-configured":
            out.append(Finding("warning", "consent_duration",
                               "a consent duration is used only with consent pre-configured; "
                               "it is left out"))
        try:
            duration_seconds(p.consent_duration, _authelia(p))
        except DurationError as error:
            out.append(Finding("error", "consent_duration", str(error)))

    ca = ca_file_problem(p.ca_file)
    if ca:
        out.append(Finding(ca[0], "ca_file", f"the CA file {ca[1]}"))
    if p.hairpin:
        from urllib.parse import urlsplit

        try:
            host = urlsplit(p.auth_url).hostname or ""
        except ValueError:
            host = ""
        if host and is_loopback(host.rstrip(".")):
            out.append(Finding("error", "hairpin",
                               f"Authelia's URL uses {host}, a loopback name: inside LibreChat's "
                               "container it is the container itself, and extra_hosts "
                               f"'{host}:host-gateway' breaks name resolution there; turn "
                               "hairpin off, or use Authelia's public name"))
        elif host and (host.replace(".", "").isdigit() or ":" in host):
            out.append(Finding("warning", "hairpin", f"Authelia's URL uses the address {host}, "
                               "not a name: extra_hosts cannot redirect it"))
    return out


def verify_key_findings(profile: Profile) -> list[Finding]:
    """The slow part: whether the signing key parses as an RSA key Authelia accepts."""
    from .checks import Finding

    if profile.provider != "new" or not profile.signing_key:
        return []
    try:
        info = read_signing_key(profile.signing_key)
    except ProviderError as error:
        return [Finding("error", "signing_key", str(error))]
    if info.bits != profile.key_bits:
        return [Finding("warning", "key_bits", f"the signing key has {info.bits} bits, not "
                        f"{profile.key_bits}: generate a new key to change its size")]
    return []


def require_key_valid(profile: Profile) -> None:
    from .errors import ProfileInvalid

    findings = [f for f in verify_key_findings(profile) if f.severity == "error"]
    if findings:
        raise ProfileInvalid(findings)
