"""The CLI's entry point: the parser assembled from the command modules, and the dispatch.

Each command module registers its commands with `add_parsers(commands)`, every command with
`set_defaults(func=...)`; `main` calls `args.func(args)`.
"""

from __future__ import annotations

import sys

from .. import __version__
from ..core.shown import shown
from . import doctor, files, profiles, provider, render, secrets, tick
from .common import EXIT_OK, EXIT_USAGE, PROG, Parser, UsageError, example

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

# In the order `--help` lists the commands.
COMMAND_MODULES = (profiles, render, secrets, tick, provider, files, doctor)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Generate Authelia's OpenID Connect client for LibreChat and LibreChat's "
        ".env, from a saved profile. Without a command, opens the terminal app.",
        **example("--profile home", "new home --app-url https://chat.home.lan "
                  "--auth-url https://auth.home.lan", "render authelia --profile home"),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--profile", metavar="NAME", help="profile to open in the app")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.add_parsers(commands)
    return parser


def run_app(profile: str | None) -> int:
    from ..app.main import run
    from ..core.store import validate_name

    if profile is not None:
        validate_name(profile)
    return run(profile)


def run_command(args: argparse.Namespace) -> int:
    """Run a command with a stdout whose write errors are one line (exit 2), not a
    traceback: `> /dev/full` (ENOSPC at the final flush), `>&-` (no stdout at all)."""
    from .io import GuardedStdout

    real = sys.stdout
    sys.stdout = GuardedStdout(real)
    try:
        status = args.func(args)
        sys.stdout.flush()
        return status
    finally:
        sys.stdout = real


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            return run_app(args.profile)
        return run_command(args)
    # StoreError, DigestError, VersionError and the rest of the core's input errors are
    # ValueErrors: each becomes one line on stderr, never a traceback.
    except (UsageError, ValueError) as error:
        # One line whatever it quotes: a path with a newline, a value with an ESC in it
        # (each value was cut where the message was made; the whole is only escaped).
        print(f"{PROG}: {shown(str(error), limit=None)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
