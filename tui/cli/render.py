"""`render` and `check`: print a snippet of a profile, list a profile's findings."""

from __future__ import annotations

import sys

from ..core.shown import shown
from ..core.words import with_name
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    PROG,
    UsageError,
    example,
    open_store,
    profile_name,
)

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


def add_parsers(commands) -> None:
    render = commands.add_parser("render", help="print a snippet", **example(
        "render env --profile home > openid.env"))
    render.add_argument("what", choices=list(RENDERERS), metavar="WHAT", nargs="?",
                        help="the snippet: " + " | ".join(RENDERERS))
    render.add_argument("--profile", metavar="NAME", dest="sub_profile",
                        help="the profile (default: the last-used profile)")
    render.set_defaults(func=cmd_render)

    check = commands.add_parser("check", help="list findings; exit 1 if any error",
                                **example("check --profile home"))
    check.add_argument("--profile", metavar="NAME", dest="sub_profile",
                       help="the profile (default: the last-used profile)")
    check.set_defaults(func=cmd_check)


# Each renderer imports its module when called: `render env` loads no Authelia renderer.

def _render_authelia(p):
    from ..core.authelia import render_client_block

    return render_client_block(p)


def _render_entry(p):
    from ..core.authelia import render_client_entry

    return render_client_entry(p)


def _render_env(p):
    from ..core.librechat import render_env

    return render_env(p)


def _render_compose(p):
    from ..core.librechat import render_compose

    return render_compose(p)


def _render_checklist(p):
    from ..core.checklist import render_checklist

    return render_checklist(p)


def _render_provider(p):
    from ..core.provider import render_provider

    return render_provider(p)


RENDERERS: dict[str, Callable] = {
    "authelia": _render_authelia,
    "authelia-entry": _render_entry,
    "env": _render_env,
    "compose": _render_compose,
    "checklist": _render_checklist,
    "provider": _render_provider,
}


def cmd_render(args) -> int:
    from ..core.checks import ProfileInvalid

    if args.what is None:
        raise UsageError(f"render what? one of: {', '.join(RENDERERS)} "
                         f"(like '{PROG} render env')")
    store = open_store()
    name = profile_name(store, args.sub_profile)
    profile = store.load(name)
    try:
        text = RENDERERS[args.what](profile)
    except ProfileInvalid as error:
        for finding in error.findings:
            print(f"{PROG}: {shown(with_name(str(finding), name), limit=None)}",
                  file=sys.stderr)
        print(f"{PROG}: profile {name!r} has errors; fix them first (see '{PROG} check')",
              file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(text)
    return EXIT_OK


def cmd_check(args) -> int:
    from ..core.checks import check_profile, has_errors

    store = open_store()
    name = profile_name(store, args.sub_profile)
    findings = check_profile(store.load(name))
    for finding in findings:
        print(shown(with_name(str(finding), name), limit=None))
    permission_warnings = store.permission_warnings(name)
    for warning in permission_warnings:
        print(f"warning: {shown(warning, limit=None)}")
    if not findings and not permission_warnings:
        print(f"profile {name}: no problems found")
    return EXIT_FAILED if has_errors(findings) else EXIT_OK
