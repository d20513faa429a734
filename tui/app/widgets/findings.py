"""A summary line of the profile's errors and warnings, shown on every pane."""

from __future__ import annotations

from textual.widgets import Static

from ...core.checks import Finding
from ...core.shown import shown

FIELD_LABELS = {
    "app_url": "LibreChat URL", "auth_url": "Authelia URL", "client_id": "Client ID",
    "client_name": "Client name", "client_secret": "Client secret",
    "client_secret_digest": "Digest", "digest_algorithm": "Digest algorithm",
    "session_secret": "Session secret",
    "policy": "Policy", "group": "Group", "scopes": "Scopes", "button_label": "Button label",
    "image_url": "Button image", "authelia_version": "Authelia version",
    "librechat_version": "LibreChat version", "provider": "Provider section",
    "hmac_secret": "HMAC secret", "signing_key": "Signing key", "signing_key_id": "Key ID",
    "key_bits": "Key size", "key_path": "Key path", "admin_group": "Admin group",
    "consent": "Consent", "consent_duration": "Consent duration", "ca_file": "CA file",
    "hairpin": "Reaching Authelia", "digest_cost": "Digest cost", "admin_panel": "Admin panel",
}


def describe(finding: Finding) -> str:
    return f"{FIELD_LABELS.get(finding.field, finding.field)}: {shown(finding.message, limit=None)}"


class FindingsSummary(Static):
    """'2 errors, 1 warning' and the first of them, or 'No problems found'."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)

    def show(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.severity == "error"]
        warnings = [f for f in findings if f.severity == "warning"]
        self.set_class(bool(errors), "-error")
        self.set_class(not errors and bool(warnings), "-warning")
        if not errors and not warnings:
            self.update("✓ No problems found")
            return
        counts = []
        if errors:
            counts.append(f"{len(errors)} error{'s' * (len(errors) != 1)}")
        if warnings:
            counts.append(f"{len(warnings)} warning{'s' * (len(warnings) != 1)}")
        first = (errors or warnings)[0]
        self.update(f"{', '.join(counts)} — {describe(first)}")
