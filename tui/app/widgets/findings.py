"""A summary line of the profile's errors and warnings, shown on every pane."""

from __future__ import annotations

from textual.widgets import Static

from ...core import fields
from ...core.findings import Finding
from ...core.shown import shown


def describe(finding: Finding) -> str:
    return f"{fields.title(finding.field)}: {shown(finding.message, limit=None)}"


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
