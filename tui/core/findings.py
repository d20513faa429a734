"""One finding type for the whole program: the profile's checks, the audit and the doctor.

A finding has a stable `code` (a public interface: scripts read it), a `severity`, a
`message`, and, when they apply, a `fix`, `where` (`file:line` in the user's files) and the
profile `field` that fixes it. Nothing of tui is imported here: every layer may use it.
"""

from __future__ import annotations

from collections import namedtuple

# The keys every finding's JSON form has; the audit adds "where" (see as_dict).
JSON_KEYS = ("code", "severity", "message", "fix")


class Finding(namedtuple("Finding", "code severity message fix where field",
                         defaults=("", "", ""))):
    """One result. `fix`, `where` and `field` are empty when they do not apply."""

    __slots__ = ()

    def __str__(self) -> str:
        """`severity: subject[ where]: message`, then the fix on its own line when there is
        one. The subject is the profile field the finding is about, else its code."""
        where = f" {self.where}" if self.where else ""
        fix = f"\n    fix: {self.fix}" if self.fix else ""
        return f"{self.severity}: {self.field or self.code}{where}: {self.message}{fix}"

    def as_dict(self, keys: tuple[str, ...] = JSON_KEYS) -> dict[str, str]:
        """The finding as JSON data, with `keys` in that order."""
        return {key: getattr(self, key) for key in keys}


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


def findings_for(findings, field: str) -> list[Finding]:
    """The findings about the profile field `field`."""
    return [f for f in findings if f.field == field]
