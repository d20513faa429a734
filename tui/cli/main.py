"""The CLI's entry point: the parser assembled from the command modules, and the dispatch.

Each command module registers its commands with `add_parsers(commands)`, every command with
`set_defaults(func=...)`; `main` calls `args.func(args)`.
"""

from __future__ import annotations

import sys

from .. import __version__
from ..core.inputerror import InputError
from ..core.shown import shown
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PROG, Parser, example

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

# Each command and the module that registers it, in the order `--help` lists them (a test
# checks this table against what the modules register).
COMMANDS = {
    "new": "profiles", "list": "profiles", "render": "render", "check": "render",
    "hash": "secrets", "verify": "secrets", "rand": "secrets", "tick": "tick",
    "set": "provider", "write-key": "provider", "audit": "files", "import": "files",
    "apply": "files", "doctor": "doctor",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; with `command`, one that holds only the commands of its module.

    `main` builds the small one when the command line starts with a command, which is all
    that parsing it needs: `render env` then imports and builds no other command (building
    all fourteen took a fifth of its start-up). The whole parser is for the rest: no
    command (the app), `--help`, `--version`, an unknown command.
    """
    from importlib import import_module

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
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for module in modules:
        import_module(f"{__package__}.{module}").add_parsers(commands)
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
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(argv[0] if argv else None).parse_args(argv)
        if args.command is None:
            return run_app(args.profile)
        return run_command(args)
    # UsageError, StoreError, DigestError, VersionError and the other errors of bad input
    # are InputErrors: each becomes one line on stderr, never a traceback.
    except InputError as error:
        # One line whatever it quotes: a path with a newline, a value with an ESC in it
        # (each value was cut where the message was made; the whole is only escaped).
        print(f"{PROG}: {shown(str(error), limit=None)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug (a plain ValueError too), not the user's input
        if sys.flags.dev_mode:  # `python -X dev -m tui ...`: the whole traceback
            raise
        print(crash_line(error), file=sys.stderr)
        return EXIT_FAILED


def crash_line(error: BaseException) -> str:
    """What the CLI prints when a command stops on a bug, as the app does: one line with
    the error's type and the place in this program where it happened. Not the message,
    which may quote a secret (the one given to `hash`, a profile's), nor a traceback."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "tui/" in f.filename.replace("\\", "/")] or frames
    place = "an unknown place"
    if ours:
        filename = ours[-1].filename.replace("\\", "/")
        short = filename[filename.rfind("tui/"):] if "tui/" in filename else \
            filename.rsplit("/", 1)[-1]
        place = f"{short}:{ours[-1].lineno} ({ours[-1].name})"
    return (f"{PROG}: stopped on an unexpected error, {type(error).__name__} in {place}; "
            "this is a bug, not your input: please report this line (it holds no secret)")
