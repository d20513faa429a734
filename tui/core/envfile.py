"""Quoting of .env values that LibreChat, Docker Compose and python-dotenv all read the same.

LibreChat loads .env with Node's dotenv, which takes single-quoted values literally and
only turns \\n into a newline inside double quotes. Docker Compose (env_file) interpolates
$ in double-quoted and bare values but not in single-quoted ones. python-dotenv, which the
tests use as an independent parser, unescapes \\\\ and \\' even inside single quotes. So:
single quotes when the value has no ' and no backslash; double quotes when it has a ' but
no ", $ or backslash; anything else cannot be written so that all three agree, and is
refused with a message that says why.
"""

from __future__ import annotations

import unicodedata

from .inputerror import InputError


class UnrepresentableValue(InputError):
    pass


def env_value_problem(value: str) -> str | None:
    """Why `value` cannot go into .env safely, or None when it can."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029\x85":
            return f"contains a control character ({char!r}): a .env value is one line"
    if "\\" in value:
        return ("contains a backslash, which LibreChat's .env loader and Docker Compose "
                "read differently")
    if "'" in value and ('"' in value or "$" in value):
        return ("contains ' together with \" or $, which no .env quoting keeps intact for "
                "LibreChat and Docker Compose")
    return None


def quote_env_value(value: str) -> str:
    problem = env_value_problem(value)
    if problem:
        raise UnrepresentableValue(problem)
    if "'" in value:
        return f'"{value}"'
    return f"'{value}'"


def env_line(key: str, value: str) -> str:
    return f"{key}={quote_env_value(value)}"
