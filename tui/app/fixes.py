"""Where Enter on an audit finding leads: the profile field that fixes it, or applying the
profile to the file it points at.

The audit compares the user's two files; the profile is a third opinion. When the profile
holds a sound value, applying it to the file the finding points at fixes that file (the
diff shows exactly what changes first); when the profile's own value is wrong (its checks
say so), its field is the place to fix, and the jump target. No Textual here.
"""

from __future__ import annotations

from pathlib import Path

from ..core import facts
from ..core.profile import Profile

# apply target -> what it writes, for the dialogs, toasts and the Check pane's hints
TARGET_NAMES = {"authelia": "Authelia's configuration.yml", "env": "LibreChat's .env",
                "compose": "the Docker Compose override"}

AUTHELIA, ENV = ("authelia",), ("env",)
BOTH = ("authelia", "env")  # the value is in both files: the one that differs first
# audit code -> the files that applying the profile rewrites to fix it (the keys apply
# writes: tui/userfiles/apply.py). A code not listed is fixed by hand, or in the profile.
APPLY_FIXES: dict[str, tuple[str, ...]] = {
    "client-not-found": BOTH,
    "client-secret-mismatch": BOTH,
    "client-secret-plaintext": AUTHELIA,
    "auth-method-mismatch": BOTH,
    "redirect-uri-mismatch": BOTH,
    "admin-redirect-uri-mismatch": AUTHELIA,
    "scope-not-allowed": BOTH,
    "policy-undefined": AUTHELIA,
    "refresh-token-without-offline-access": AUTHELIA,
    "groups-claim-missing": AUTHELIA,
    "issuer-mismatch": ENV,
    "issuer-not-https": ENV,
    "social-login-disabled": ENV,
    "env-missing": ENV,
    "domain-server-default": ENV,
    "domain-trailing-slash": ENV,
    "callback-url-absolute": ENV,
    "callback-path-wrong": ENV,
    "session-secret-reused": ENV,
    "env-value-truncated": ENV,
    "env-duplicate-key": ENV,
    "env-auth-method-unset": ENV,
    "env-auth-method-unknown": ENV,
    "env-auth-method-ignored": ENV,
    "admin-role-incomplete": ENV,
    # The provider's section: written only by a profile with provider "new".
    "hmac-secret-missing": AUTHELIA,
    "jwks-missing": AUTHELIA,
    "jwks-no-rs256": AUTHELIA,
    "jwks-key-weak": AUTHELIA,
}
# For a value both files hold: the .env variable with LibreChat's side of it. When the .env
# differs from the profile there, the .env is offered first, else configuration.yml.
ENV_SIDE = {
    "client-not-found": facts.ENV_CLIENT_ID,
    "client-secret-mismatch": facts.ENV_CLIENT_SECRET,
    "auth-method-mismatch": facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD,
    "redirect-uri-mismatch": facts.ENV_DOMAIN_SERVER,
    "scope-not-allowed": facts.ENV_SCOPE,
}
PROVIDER_CODES = {"hmac-secret-missing", "jwks-missing", "jwks-no-rs256", "jwks-key-weak"}
# About one .env line: apply fixes the line only when it writes that key.
LINE_CODES = {"env-value-truncated", "env-duplicate-key"}


def profile_field(code: str) -> str | None:
    """The profile field whose value the finding is about, when it is the profile's."""
    from ..userfiles.audit import PROFILE_FIELD

    return PROFILE_FIELD.get(code)


def route(finding, profile: Profile, problems: list) -> tuple[str, object]:
    """("field", name): Enter shows that field; ("apply", targets): it offers applying the
    profile to those files, in that order; ("file", None): fixed in the file by hand.

    `problems` are the profile's own findings (its checks)."""
    field = profile_field(finding.code)
    wrong = [f for f in problems if f.severity in ("error", "warning")]
    if field and any(f.field == field for f in wrong):
        return "field", field  # the profile holds the wrong value: fix it there first
    targets = _apply_targets(finding, profile)
    if targets and not any(f.severity == "error" for f in problems):
        return "apply", targets
    if field:
        return "field", field
    return "file", None


def _apply_targets(finding, profile: Profile) -> tuple[str, ...]:
    targets = APPLY_FIXES.get(finding.code, ())
    if finding.code in PROVIDER_CODES and profile.provider != "new":
        return ()
    path, line = _where(finding.where)
    if finding.code in LINE_CODES and _key_at(path, line) not in _env_values(profile):
        return ()
    key = ENV_SIDE.get(finding.code)
    if key:
        value = _env_file_value(profile, key)
        if value is None and finding.code == "auth-method-mismatch":
            value = _released_auth_method(profile)  # unset: LibreChat sends its default
        if value is not UNREADABLE and value != _env_values(profile).get(key):
            targets = ("env", "authelia")  # LibreChat's side differs from the profile
    remembered = {"authelia": bool(profile.authelia_config_paths),
                  "env": bool(profile.env_path), "compose": bool(profile.compose_path)}
    return tuple(t for t in targets if remembered[t])


def remembered_path(profile: Profile, target: str) -> str:
    """The file the profile remembers for `target` ("" when none)."""
    if target == "env":
        return profile.env_path
    if target == "compose":
        return profile.compose_path
    return next((p for p in profile.authelia_config_paths if Path(p).expanduser().is_file()),
                "")


def _where(where: str) -> tuple[str, int | None]:
    """`path:line` (or `path`) as (path, line)."""
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return where, None


def _key_at(path: str, line: int | None) -> str | None:
    """The key of the .env line `line` of `path` (None when it cannot be read)."""
    if not path or line is None:
        return None
    try:
        with open(Path(path).expanduser(), encoding="utf-8", errors="replace") as file:
            for number, text in enumerate(file, 1):
                if number == line:
                    key = text.split("=", 1)[0].strip()
                    return key.removeprefix("export").strip()
    except OSError:
        return None
    return None


def _env_values(profile: Profile) -> dict[str, str]:
    from ..core.librechat import env_values

    return env_values(profile)


UNREADABLE = object()


def _released_auth_method(profile: Profile) -> str | None:
    """The method the profile's LibreChat sends when .env does not name one (None when
    the profile's version cannot be read: its own check says why)."""
    from ..core.inputerror import InputError

    try:
        return profile.token_endpoint_auth_method()
    except InputError:
        return None


def _env_file_value(profile: Profile, key: str) -> str | None | object:
    """The value the remembered .env gives `key`: None when unset, UNREADABLE when the file
    cannot be read now (the audit's own error then says why)."""
    from ..userfiles.dotenv import read_dotenv

    try:
        return read_dotenv(Path(profile.env_path).expanduser()).get(key)
    except (OSError, ValueError):
        return UNREADABLE
