"""What every command of the CLI shares: the program's name, exit codes, the usage error, the
help formatter and parser, opening the profile store and choosing the profile.

A leaf: it imports no other module of the CLI, and each command module imports it.
"""

from __future__ import annotations

import argparse

from ..core.inputerror import InputError
from ..core.shown import shown

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

    from ..core.store import ProfileStore


PROG = "librechat-authelia"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(InputError):
    """Bad input on the command line: reported as one line on stderr with exit status 2."""


class Parser(argparse.ArgumentParser):
    """A parse error is a UsageError (one line, exit 2), never argparse's usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{values_cut(message)} (see {self.prog} --help)")


def values_cut(message: str) -> str:
    """argparse's message with each value it quotes (or lists) cut like any outside value:
    `invalid choice: '<100,000 characters>'` stays one short line."""
    import re

    return re.sub(r"'[^']*'|\"[^\"]*\"|\S+", lambda m: shown(m[0]), message)


class Help(argparse.RawDescriptionHelpFormatter):
    """Every option's default in its help, and epilogs (the examples) kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if default in (None, False, "", argparse.SUPPRESS) or "default:" in text:
            return text
        return f"{text} (default: %(default)s)"

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        # not at hyphens: URLs and names like authelia-restart stay whole
        text = " ".join(text.split())
        return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def example(*lines: str) -> dict:
    """The keyword arguments that give a command's help its examples (and the formatter)."""
    return {"epilog": "example:\n" + "\n".join(f"  {PROG} {line}" for line in lines),
            "formatter_class": Help}


def open_store() -> ProfileStore:
    from ..core.store import ProfileStore

    return ProfileStore()


def profile_name(store: ProfileStore, name: str | None) -> str:
    """`name`, or without one the last-used profile, or the only one; else a UsageError."""
    if name:
        return name
    last = store.last_used()
    if last and store.exists(last):
        return last
    names = store.names()
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError(f"there is no profile yet: create one with '{PROG} new NAME ...'")
    raise UsageError(f"several profiles exist ({', '.join(names)}): choose one with --profile")
