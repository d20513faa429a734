"""The checks of Authelia's provider section, admin group, consent, CA file and hairpin.

Rules as a table: each rule takes the profile and returns its findings; RULES is the list
provider_findings runs, in the order the findings are shown. Rendering is in provider.py.
"""

from __future__ import annotations

from functools import lru_cache

from . import facts
from .findings import Finding
from .hosts import is_loopback
from .keys import KEY_ID_RE, PEM_RE, ProviderError, read_signing_key
from .shown import shown_path
from .versions import Version, VersionError
from .words import plural

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .profile import Profile

# code -> the field it is about. Codes are stable: add new ones, never rename.
CODES = {
    "provider-unknown": "provider",
    "key-bits-invalid": "key_bits",
    "hmac-secret-empty": "hmac_secret",
    "hmac-secret-invalid": "hmac_secret",
    "hmac-secret-short": "hmac_secret",
    "hmac-secret-guessable": "hmac_secret",
    "signing-key-missing": "signing_key",
    "signing-key-not-pem": "signing_key",
    "key-id-empty": "signing_key_id",
    "key-id-invalid": "signing_key_id",
    "key-path-invalid": "key_path",
    "admin-group-invalid": "admin_group",
    "admin-group-unsupported": "admin_group",
    "consent-unknown": "consent",
    "consent-duration-unused": "consent_duration",
    "consent-duration-invalid": "consent_duration",
    "ca-file-invalid": "ca_file",
    "ca-file-missing": "ca_file",
    "hairpin-ip-address": "hairpin",
    "hairpin-loopback": "hairpin",
    # The slow checks (verify_key_findings).
    "signing-key-unreadable": "signing_key",
    "key-bits-mismatch": "key_bits",
}


def _found(code: str, severity: str, message: str, fix: str = "") -> list[Finding]:
    return [Finding(code, severity, message, fix, field=CODES[code])]


def authelia_version(profile: Profile) -> Version | None:
    """The profile's Authelia version, or None when it does not parse (checks.py says why)."""
    try:
        return Version.parse(profile.authelia_version)
    except VersionError:
        return None


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


# The rules ----------------------------------------------------------------------------------


def _provider_choice(p: Profile) -> list[Finding]:
    if p.provider not in facts.PROVIDER_CHOICES:
        return _found("provider-unknown", "error", "provider must be new or existing")
    return []


def _key_bits(p: Profile) -> list[Finding]:
    if p.key_bits not in facts.KEY_BITS or isinstance(p.key_bits, bool):
        return _found("key-bits-invalid", "error", "the key size must be one of "
                      f"{', '.join(map(str, facts.KEY_BITS))} bits")
    return []


# The command that makes a new hmac secret (NAME: the CLI fills in the profile's name).
NEW_HMAC_SECRET_COMMAND = "librechat-authelia set --profile NAME --new hmac-secret"
# Words of guides' example values: a secret holding one was copied, not generated.
_EXAMPLE_WORDS = ("insecure", "changeme", "change_me", "change-me", "example", "placeholder",
                  "this_is_a_secret", "password")
_FEWEST_DISTINCT = 8  # a secret of fewer different characters is a pattern, not random


def hmac_secret_guessable(value: str) -> bool:
    """Whether the hmac secret looks copied from a guide or typed by hand (a pattern)."""
    lowered = value.lower()
    return any(word in lowered for word in _EXAMPLE_WORDS) or (
        len(set(value)) < _FEWEST_DISTINCT)


def _hmac_secret(p: Profile) -> list[Finding]:
    """What Authelia takes, the profile takes (Authelia checks neither the length nor the
    alphabet, FACTS.md): short or guessable is a warning with the command that makes a new
    one; only template braces, which Authelia's template filter would expand, are an error."""
    if p.provider != "new":
        return []
    if not p.hmac_secret:
        return _found("hmac-secret-empty", "error", "the hmac secret is empty: generate one")
    fix = f"{NEW_HMAC_SECRET_COMMAND} (or Regenerate on the Secrets pane)"
    if "{{" in p.hmac_secret or "}}" in p.hmac_secret:
        return _found("hmac-secret-invalid", "error", "the hmac secret contains {{ or }}, "
                      "which Authelia expands as a template when its template filter is on: "
                      "generate a new one", fix)
    out = []
    if len(p.hmac_secret) < facts.HMAC_SECRET_LENGTH:
        out += _found("hmac-secret-short", "warning",
                      f"the hmac secret has {plural(len(p.hmac_secret), 'character')}; "
                      f"Authelia takes it, but its docs make {facts.HMAC_SECRET_LENGTH} random "
                      "ones: make a new one", fix)
    if hmac_secret_guessable(p.hmac_secret):
        out += _found("hmac-secret-guessable", "warning",
                      "the hmac secret looks copied from an example or typed by hand (a "
                      "guide's word, or few different characters); Authelia takes it, but it "
                      "is the key Authelia signs its tokens with and should be random: make "
                      "a new one", fix)
    return out


def _signing_key_form(p: Profile) -> list[Finding]:
    if p.provider != "new":
        return []
    if not p.signing_key:
        return _found("signing-key-missing", "error", "there is no signing key yet: "
                      "generate one")
    if not PEM_RE.match(p.signing_key):
        return _found("signing-key-not-pem", "error", "the signing key is not a PEM private "
                      "key as Authelia reads it: generate a new one")
    return []


def _signing_key_id(p: Profile) -> list[Finding]:
    if p.provider != "new":
        return []
    if not p.signing_key_id:
        return _found("key-id-empty", "error", "the key ID is empty: generate a key")
    if not KEY_ID_RE.match(p.signing_key_id) or (
            len(p.signing_key_id) > facts.KEY_ID_MAX_LENGTH):
        return _found("key-id-invalid", "error",
                      "Authelia wants a key ID of letters, digits and - . _ ~ "
                      "(starting and ending with a letter or digit, at most "
                      f"{facts.KEY_ID_MAX_LENGTH} characters)")
    return []


def _key_path(p: Profile) -> list[Finding]:
    problem = key_path_problem(p.key_path) if p.provider == "new" else None
    return _found("key-path-invalid", "error", f"the key path {problem}") if problem else []


def _admin_group(p: Profile) -> list[Finding]:
    from .envfile import env_value_problem

    if not p.admin_group:
        return []
    out = []
    problem = env_value_problem(p.admin_group)
    if problem:
        out += _found("admin-group-invalid", "error", f"the admin group {problem}")
    try:
        librechat = Version.parse(p.librechat_version)
    except VersionError:
        return out  # reported under librechat_version
    if librechat < facts.LIBRECHAT_ADMIN_ROLE:
        out += _found("admin-group-unsupported", "error",
                      f"LibreChat {p.librechat_version} cannot take admins from a "
                      f"group: {facts.ENV_ADMIN_ROLE} arrived in LibreChat "
                      f"{facts.LIBRECHAT_ADMIN_ROLE}; upgrade LibreChat or leave the "
                      "admin group empty")
    return out


def _consent(p: Profile) -> list[Finding]:
    if p.consent not in facts.CONSENT_CHOICES:
        return _found("consent-unknown", "error", "consent must be one of "
                      f"{', '.join(facts.CONSENT_CHOICES)}")
    return []


def _consent_duration(p: Profile) -> list[Finding]:
    if not p.consent_duration:
        return []
    from .duration import DurationError, duration_seconds  # its patterns cost ~1 ms

    out = []
    if p.consent != "pre-configured":
        out += _found("consent-duration-unused", "warning",
                      "a consent duration is used only with consent pre-configured; "
                      "it is left out")
    try:
        duration_seconds(p.consent_duration, authelia_version(p))
    except DurationError as error:
        out += _found("consent-duration-invalid", "error", str(error))
    return out


def _ca_file(p: Profile) -> list[Finding]:
    ca = ca_file_problem(p.ca_file)
    if not ca:
        return []
    severity, problem = ca
    code = "ca-file-invalid" if severity == "error" else "ca-file-missing"
    return _found(code, severity, f"the CA file {problem}")


def _hairpin(p: Profile) -> list[Finding]:
    from urllib.parse import urlsplit

    if not p.hairpin:
        return []
    try:
        host = urlsplit(p.auth_url).hostname or ""
    except ValueError:
        host = ""
    if host and is_loopback(host.rstrip(".")):
        return _found("hairpin-loopback", "error",
                      f"Authelia's URL uses {host}, a loopback name: inside LibreChat's "
                      "container it is the container itself, and extra_hosts "
                      f"'{host}:host-gateway' breaks name resolution there; turn "
                      "hairpin off, or use Authelia's public name")
    if host and (host.replace(".", "").isdigit() or ":" in host):
        return _found("hairpin-ip-address", "warning", f"Authelia's URL uses the address "
                      f"{host}, not a name: extra_hosts cannot redirect it")
    return []


# The fast checks (no key parsing), in the order their findings are shown.
RULES: list[Callable[[Profile], list[Finding]]] = [
    _provider_choice, _key_bits, _hmac_secret, _signing_key_form, _signing_key_id, _key_path,
    _admin_group, _consent, _consent_duration, _ca_file, _hairpin,
]


def provider_findings(profile: Profile) -> list[Finding]:
    """The fast findings about the provider's fields (no key parsing)."""
    return [finding for rule in RULES for finding in rule(profile)]


def verify_key_findings(profile: Profile) -> list[Finding]:
    """The slow part: whether the signing key parses as an RSA key Authelia accepts."""
    if profile.provider != "new" or not profile.signing_key:
        return []
    try:
        info = read_signing_key(profile.signing_key)
    except ProviderError as error:
        return _found("signing-key-unreadable", "error", str(error))
    if info.bits != profile.key_bits:
        return _found("key-bits-mismatch", "warning",
                      f"the signing key has {info.bits} bits, not {profile.key_bits}: "
                      "generate a new key to change its size")
    return []
