"""The scriptable command line over the core. No Textual import on these paths."""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..core import facts
from ..core.digest import ALGORITHMS, DEFAULT_ALGORITHM
from ..core.shown import shown
from .provider import (
    add_provider_options,
    add_set_command,
    add_write_key_command,
    cmd_set,
    cmd_write_key,
)

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn


PROG = "librechat-authelia"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{_values_cut(message)} (see {self.prog} --help)")


def _values_cut(message: str) -> str:
    """argparse's message with each value it quotes (or lists) cut like any outside value:
    `invalid choice: '<100,000 characters>'` stays one short line."""
    import re

    return re.sub(r"'[^']*'|\"[^\"]*\"|\S+", lambda m: shown(m[0]), message)


class _Help(argparse.RawDescriptionHelpFormatter):
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


def _example(*lines: str) -> dict:
    return {"epilog": "example:\n" + "\n".join(f"  {PROG} {line}" for line in lines),
            "formatter_class": _Help}


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Generate Authelia's OpenID Connect client for LibreChat and LibreChat's "
        ".env, from a saved profile. Without a command, opens the terminal app.",
        **_example("--profile home", "new home --app-url https://chat.home.lan "
                   "--auth-url https://auth.home.lan", "render authelia --profile home"),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--profile", metavar="NAME", help="profile to open in the app")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    new = commands.add_parser("new", help="create a profile with fresh secrets", **_example(
        "new home --app-url https://chat.home.lan --auth-url https://auth.home.lan"))
    new.add_argument("name", metavar="NAME", help="profile name: letters, digits, - _ .")
    new.add_argument("--app-url", required=True, metavar="URL", help="LibreChat's public URL")
    new.add_argument("--auth-url", required=True, metavar="URL", help="Authelia's URL")
    new.add_argument("--client-id", metavar="ID",
                     help="the client ID (default: 72 random characters)")
    new.add_argument("--client-name", metavar="N", default=facts.DEFAULT_CLIENT_NAME,
                     help="the client's name on Authelia's consent screen")
    new.add_argument("--policy", choices=facts.POLICIES, default=facts.DEFAULT_POLICY,
                     help="Authelia authorization policy")
    new.add_argument("--group", metavar="G", default="",
                     help="allow only members of this Authelia group")
    new.add_argument("--refresh-tokens", action="store_true",
                     help="allow refresh tokens (adds the offline_access scope)")
    new.add_argument("--authelia", choices=facts.SUPPORTED_AUTHELIA, default=facts.DEFAULT_AUTHELIA,
                     help="Authelia version")
    new.add_argument("--librechat", metavar="VERSION", default=facts.DEFAULT_LIBRECHAT,
                     help="LibreChat version, like 0.8.7 or v0.8.8-rc1")
    new.add_argument("--digest", metavar="ALGORITHM", choices=list(ALGORITHMS),
                     default=DEFAULT_ALGORITHM,
                     help="client secret digest: " + " | ".join(ALGORITHMS))
    new.add_argument("--button-label", metavar="TEXT", default=facts.DEFAULT_BUTTON_LABEL,
                     help="LibreChat's login button text")
    new.add_argument("--image-url", metavar="URL", default=facts.DEFAULT_IMAGE_URL,
                     help="LibreChat's login button image")
    new.add_argument("--force", action="store_true", help="replace an existing profile")
    add_provider_options(new)

    commands.add_parser("list", help="list saved profiles", **_example("list"))

    render = commands.add_parser("render", help="print a snippet", **_example(
        "render env --profile home > openid.env"))
    render.add_argument("what", choices=list(_RENDERERS), metavar="WHAT", nargs="?",
                        help="the snippet: " + " | ".join(_RENDERERS))
    render.add_argument("--profile", metavar="NAME", dest="sub_profile",
                        help="the profile (default: the last-used profile)")

    check = commands.add_parser("check", help="list findings; exit 1 if any error",
                                **_example("check --profile home"))
    check.add_argument("--profile", metavar="NAME", dest="sub_profile",
                       help="the profile (default: the last-used profile)")

    hash_ = commands.add_parser(
        "hash", help="digest of the secret on stdin (prompted for, without echo, on a "
        "terminal)", **_example("hash --algorithm argon2id < secret.txt"))
    hash_.add_argument("--algorithm", choices=list(ALGORITHMS), default=DEFAULT_ALGORITHM,
                       metavar="A", help=" | ".join(ALGORITHMS))

    verify = commands.add_parser(
        "verify", help="exit 0 if the digest matches the secret on stdin, 1 if not",
        description="Says 'match' or 'no match' on stderr. With --digest-stdin, the first\n"
        "line of standard input is the digest and the second the secret: use it for a\n"
        "$plaintext$ digest, which holds the secret itself and would show in the process\n"
        "list as an argument.",
        **_example("verify '$pbkdf2-sha512$310000$...' < secret.txt",
                   "verify --digest-stdin < digest-and-secret.txt"))
    verify.add_argument("digest", metavar="DIGEST", nargs="?",
                        help="the digest (or use --digest-stdin)")
    verify.add_argument("--digest-stdin", action="store_true",
                        help="read the digest from the first line of stdin, the secret from "
                        "the second")

    rand = commands.add_parser("rand", help="a random string", **_example(
        "rand --length 64 --charset alphanumeric"))
    rand.add_argument("--length", type=int, default=72, metavar="N", help="how many characters")
    rand.add_argument("--charset", choices=["rfc3986", "alphanumeric"], default="rfc3986",
                      help="rfc3986 is A-Z a-z 0-9 - . _ ~")

    from .tick import add_tick_parser

    add_tick_parser(commands, _example)

    add_set_command(commands, _example)
    add_write_key_command(commands, _example)
    from .files import add_parsers  # audit, import, apply: the user's own files

    add_parsers(commands, _example)
    from .doctor import add_parser as add_doctor_parser

    add_doctor_parser(commands, _example)
    return parser


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


_RENDERERS: dict[str, Callable] = {
    "authelia": _render_authelia,
    "authelia-entry": _render_entry,
    "env": _render_env,
    "compose": _render_compose,
    "checklist": _render_checklist,
    "provider": _render_provider,
}


def _store():
    from ..core.store import ProfileStore

    return ProfileStore()


def _profile_name(store, name: str | None) -> str:
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


def _cmd_new(args) -> int:
    from ..core import digest
    from ..core.checks import check_profile
    from ..core.profile import new_profile
    from ..core.store import validate_name
    from .provider import GENERATED_LATER, generate_key_if_needed, provider_values

    store = _store()
    validate_name(args.name)
    if store.exists(args.name) and not args.force:
        raise UsageError(f"profile {args.name!r} already exists: use --force to replace it")
    values = dict(
        app_url=args.app_url, auth_url=args.auth_url, client_name=args.client_name,
        policy=args.policy, group=args.group, refresh_tokens=args.refresh_tokens,
        authelia_version=args.authelia, librechat_version=args.librechat,
        digest_algorithm=args.digest, button_label=args.button_label, image_url=args.image_url,
    )
    if args.client_id is not None:
        values["client_id"] = args.client_id
    values.update(provider_values(args))
    # Check before hashing: a bad URL should not cost a 300 ms digest (or a key) first.
    profile = new_profile(hash_digest=False, generate_key=False, **values)
    findings = [f for f in check_profile(profile, verify_digest=False)
                if f.field not in GENERATED_LATER]
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise UsageError(f"{errors[0].field}: {errors[0].message}")
    profile, key_note = generate_key_if_needed(profile)
    profile = profile.with_changes(
        client_secret_digest=digest.hash(profile.client_secret, profile.digest_algorithm))
    from ..core.store import ProfileExists

    try:  # exclusive unless --force: of two `new` at once, exactly one creates
        path = store.save(args.name, profile, overwrite=args.force)
    except ProfileExists:
        raise UsageError(
            f"profile {args.name!r} already exists: use --force to replace it") from None
    store.set_last_used(args.name)
    print(f"created profile {args.name} ({path})", file=sys.stderr)
    if key_note:
        print(key_note, file=sys.stderr)
    for finding in findings:
        print(shown(str(finding), limit=None), file=sys.stderr)
    return EXIT_OK


def _cmd_list(args) -> int:
    store = _store()
    last = store.last_used()
    names = store.names()
    if not names:
        print(f"{PROG}: there are no profiles yet in {store.profiles_dir}: create one with "
              f"'{PROG} new NAME --app-url URL --auth-url URL'", file=sys.stderr)
    for name in names:
        print(f"{name}{'  (last used)' if name == last else ''}")
    return EXIT_OK


def _cmd_render(args) -> int:
    from ..core.errors import ProfileInvalid

    if args.what is None:
        raise UsageError(f"render what? one of: {', '.join(_RENDERERS)} "
                         f"(like '{PROG} render env')")
    store = _store()
    name = _profile_name(store, args.sub_profile)
    profile = store.load(name)
    try:
        text = _RENDERERS[args.what](profile)
    except ProfileInvalid as error:
        for finding in error.findings:
            print(f"{PROG}: {shown(str(finding), limit=None)}", file=sys.stderr)
        print(f"{PROG}: profile {name!r} has errors; fix them first (see '{PROG} check')",
              file=sys.stderr)
        return EXIT_FAILED
    sys.stdout.write(text)
    return EXIT_OK


def _cmd_check(args) -> int:
    from ..core.checks import check_profile, has_errors

    store = _store()
    name = _profile_name(store, args.sub_profile)
    findings = check_profile(store.load(name))
    for finding in findings:
        print(shown(str(finding), limit=None))
    permission_warnings = store.permission_warnings(name)
    for warning in permission_warnings:
        print(f"warning: {shown(warning, limit=None)}")
    if not findings and not permission_warnings:
        print(f"profile {name}: no problems found")
    return EXIT_FAILED if has_errors(findings) else EXIT_OK


def _cmd_hash(args) -> int:
    from ..core import digest
    from .io import read_secret

    print(digest.hash(read_secret(), args.algorithm))
    return EXIT_OK


def _cmd_verify(args) -> int:
    from ..core import digest
    from .io import read_digest_and_secret, read_secret

    if args.digest_stdin == (args.digest is not None):
        raise UsageError("give the digest as DIGEST or on stdin with --digest-stdin (one of "
                         "the two)")
    if args.digest_stdin:
        value, secret = read_digest_and_secret()
    else:
        value, secret = args.digest, read_secret()
    matches = digest.verify(secret, value)
    print("match" if matches else "no match", file=sys.stderr)
    return EXIT_OK if matches else EXIT_FAILED


def _cmd_rand(args) -> int:
    from ..core.secretgen import random_string

    print(random_string(args.length, args.charset))
    return EXIT_OK


def _cmd_tick(args) -> int:
    from .tick import check_step, tick

    check_step(args.step)  # an unknown id is the first thing to say
    store = _store()
    return tick(store, _profile_name(store, args.sub_profile), args.step, undo=args.undo)


_COMMANDS = {"new": _cmd_new, "list": _cmd_list, "render": _cmd_render, "check": _cmd_check,
             "hash": _cmd_hash, "verify": _cmd_verify, "rand": _cmd_rand, "tick": _cmd_tick}
_COMMANDS.update({"set": cmd_set, "write-key": cmd_write_key})


def _cmd_files(args) -> int:
    from .files import COMMANDS

    return COMMANDS[args.command](args)


_COMMANDS.update(audit=_cmd_files, apply=_cmd_files, **{"import": _cmd_files})


def _cmd_doctor(args) -> int:
    from .doctor import cmd_doctor

    return cmd_doctor(args)


_COMMANDS["doctor"] = _cmd_doctor


def _run_app(profile: str | None) -> int:
    from ..app.main import run
    from ..core.store import validate_name

    if profile is not None:
        validate_name(profile)
    return run(profile)


def _run_command(args) -> int:
    """Run a command with a stdout whose write errors are one line (exit 2), not a
    traceback: `> /dev/full` (ENOSPC at the final flush), `>&-` (no stdout at all)."""
    from .io import GuardedStdout

    real = sys.stdout
    sys.stdout = GuardedStdout(real)
    try:
        status = _COMMANDS[args.command](args)
        sys.stdout.flush()
        return status
    finally:
        sys.stdout = real


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _build_parser().parse_args(argv)
        if args.command is None:
            return _run_app(args.profile)
        return _run_command(args)
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
