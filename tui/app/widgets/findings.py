"""A summary line of the profile's errors and warnings, shown on every pane (on the Check
pane, with the audit's and the doctor's counts)."""

from __future__ import annotations

from textual.widgets import Static

from ...core import fields
from ...core.findings import Finding
from ...core.shown import shown
from ...core.words import plural

# What the Check pane's runs add to the line: (name, what it says, errors, warnings).
RunSummary = tuple[str, str, int, int]


def describe(finding: Finding) -> str:
    return f"{fields.title(finding.field)}: {shown(finding.message, limit=None)}"


def counted(errors: int, warnings: int) -> str:
    """'2 errors, 1 warning', '1 error', or 'no problems'."""
    parts = [plural(errors, "error")] if errors else []
    if warnings:
        parts.append(plural(warnings, "warning"))
    return ", ".join(parts) or "no problems"


class FindingsSummary(Static):
    """'2 errors, 1 warning' and the first of them, or 'No problems found'."""

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)

    def show(self, findings: list[Finding], runs: list[RunSummary] | None = None) -> None:
        errors = [f for f in findings if f.severity == "error"]
        warnings = [f for f in findings if f.severity == "warning"]
        if runs is not None:
            self._show_with_runs(len(errors), len(warnings), runs)
            return
        self.set_class(bool(errors), "-error")
        self.set_class(not errors and bool(warnings), "-warning")
        if not errors and not warnings:
            self.update("✓ No problems found")
            return
        first = (errors or warnings)[0]
        self.update(f"{counted(len(errors), len(warnings))} — {describe(first)}")

    def _show_with_runs(self, errors: int, warnings: int, runs: list[RunSummary]) -> None:
        """The profile's counts and each run's: never "no problems" while one has some."""
        all_errors = errors + sum(run[2] for run in runs)
        all_warnings = warnings + sum(run[3] for run in runs)
        self.set_class(bool(all_errors), "-error")
        self.set_class(not all_errors and bool(all_warnings), "-warning")
        parts = [f"Profile: {counted(errors, warnings)}"]
        parts += [f"{name}: {said}" for name, said, *_ in runs]
        mark = "✗ " if all_errors else "! " if all_warnings else "✓ "
        self.update(mark + " · ".join(parts))
