"""The exception the renderers raise for a profile that cannot work."""

from __future__ import annotations

from .checks import Finding, check_profile, has_errors
from .inputerror import InputError
from .profile import Profile


class ProfileInvalid(InputError):
    """The profile has errors: rendering it would produce a configuration that cannot work."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = [f for f in findings if f.severity == "error"]
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in self.findings))


def require_valid(profile: Profile, *, verify_digest: bool) -> None:
    findings = check_profile(profile, verify_digest=verify_digest)
    if has_errors(findings):
        raise ProfileInvalid(findings)
