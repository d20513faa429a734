"""What the panes show: the profile, its findings and the digest's status, as one value."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Finding, findings_for
from ..core.profile import Profile

# Digest status words, shown on the Secrets pane and used by the Authelia pane.
HASHING = "hashing"
CHECKING = "checking"
VERIFIED = "verified"
MISMATCH = "mismatch"
MISSING = "missing"
OUTSIDE = "outside"  # managed outside the profile (a template in Authelia's configuration)


@dataclass(frozen=True)
class ViewState:
    profile: Profile
    findings: list[Finding] = field(default_factory=list)
    digest_status: str = CHECKING
    verify_seconds: float | None = None  # one verification of this digest, measured here
    key_generating: bool = False  # the provider's signing key is being made
    revealed: bool = False  # the secrets shown in clear (ctrl+t), on every pane

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def for_field(self, name: str) -> list[Finding]:
        return findings_for(self.findings, name)

    @property
    def digest_verified(self) -> bool:
        return self.digest_status == VERIFIED
