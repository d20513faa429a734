"""Authelia's duration syntax ("1 week", "2 days and 12 hours", "90m", or seconds: "3600").

What we accept is what both of Authelia's readers of the value accept:
- the runtime parser (internal/utils/time.go, StandardizeDurationString and
  ParseDurationString): a string of digits is seconds; otherwise it drops every "and" and
  all spaces, then reads `[1-9]\\d*` quantities followed by a unit (s, m, h, d, w, M, y, ms,
  or the words second(s) ... year(s)); a month is 30 days, a year 365; the total must fit
  Go's time.Duration (int64 nanoseconds);
- the JSON schema (docs/static/schemas): `^\\d+\\s*UNIT(\\s*\\d+\\s*UNIT)*$`, where 4.39 also
  allows " and " between the parts and 4.38 does not; a bare number only as an integer.
So each quantity starts with 1-9 (the runtime skips a leading 0 and fails on "0s"), the
units are the schema's list (the runtime's ns and us are not in it), and a string of digits
is written to YAML as an integer.
"""

from __future__ import annotations

import re

from .inputerror import InputError
from .versions import Version

_SECONDS = {
    "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400,
    "M": 30 * 86400, "y": 365 * 86400,
    "millisecond": 0.001, "second": 1, "minute": 60, "hour": 3600, "day": 86400,
    "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400,
}
_UNIT = r"(?:ms|y|M|w|d|h|m|s|(?:millisecond|second|minute|hour|day|week|month|year)s?)(?![A-Za-z])"
_PART = rf"([1-9]\d*)\s*({_UNIT})"
_WITHOUT_AND = re.compile(rf"{_PART}(?:\s*{_PART})*")
_WITH_AND = re.compile(rf"{_PART}(?:\s*(?:\s+and\s+)?{_PART})*")
_PARTS = re.compile(_PART)
_DIGITS = re.compile(r"[0-9]+")
# Go's time.Duration is int64 nanoseconds.
MAX_SECONDS = (2**63 - 1) / 1e9
EXAMPLES = "1 week, 3 days, 12h, 2 weeks and 3 days, or a number of seconds"


class DurationError(InputError):
    pass


def _allows_and(authelia: Version | None) -> bool:
    return authelia is None or authelia >= Version.parse("4.39")


def duration_seconds(text: str, authelia: Version | None = None) -> float:
    """The duration in seconds; DurationError when Authelia (this version) would refuse it."""
    value = text.strip()
    if _DIGITS.fullmatch(value):
        seconds: float = int(value)
        if seconds == 0:
            raise DurationError("a duration of 0 seconds means no consent is remembered")
    elif _WITH_AND.fullmatch(value):
        if not _allows_and(authelia) and not _WITHOUT_AND.fullmatch(value):
            raise DurationError(f"Authelia {authelia} does not accept 'and' in a duration: "
                                "write '2 weeks 3 days'")
        seconds = sum(int(number) * _SECONDS[unit.rstrip("s") if len(unit) > 2 else unit]
                      for number, unit in _PARTS.findall(value))
    else:
        raise DurationError(f"{text!r} is not an Authelia duration: write it like {EXAMPLES}")
    if seconds > MAX_SECONDS:
        raise DurationError(f"{text!r} is longer than Authelia can hold (about 292 years)")
    return seconds


def yaml_duration(text: str) -> int | str:
    """The value as written in configuration.yml: the schema takes seconds only as an integer."""
    value = text.strip()
    return int(value) if _DIGITS.fullmatch(value) else value
