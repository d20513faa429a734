"""The `audit`, `import` and `apply` commands: the user's own files (tui/userfiles)."""

from __future__ import annotations

import sys

from ..core.shown import shown, shown_lines, shown_path
from ..core.words import with_name
from .common import EXIT_FAILED, EXIT_OK, UsageError, example, open_store

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse


def add_parsers(commands) -> None:
    """Register the three commands on the CLI's subparsers."""
    audit = commands.add_parser(
        "audit", help="check an existing configuration.yml and .env against each other; "
        "exit 1 if any error",
        **example("audit --authelia-config /srv/authelia/configuration.yml "
                  "--env /srv/librechat/.env",
                  "audit --authelia-config /srv/authelia/config/ --env .env "
                  "--compose docker-compose.override.yml --format json"))
    _source_arguments(audit)
    audit.add_argument("--format", choices=["text", "json"], default="text",
                       help="text | json")
    audit.set_defaults(func=cmd_audit)

    import_ = commands.add_parser(
        "import", help="a new profile from an existing setup",
        **example("import home --authelia-config /srv/authelia/configuration.yml "
                  "--env /srv/librechat/.env --librechat 0.8.7"))
    import_.add_argument("name", metavar="NAME")
    _source_arguments(import_)
    import_.add_argument("--force", action="store_true", help="replace an existing profile")
    import_.set_defaults(func=cmd_import)

    apply = commands.add_parser(
        "apply", help="write a profile into configuration.yml, .env or a compose override",
        **example("apply env --profile home --file /srv/librechat/.env --dry-run",
                  "apply authelia --profile home --file /srv/authelia/configuration.yml"))
    apply.add_argument("target", choices=["authelia", "env", "compose"], metavar="WHAT",
                       help="authelia | env | compose")
    apply.add_argument("--profile", metavar="NAME", dest="sub_profile", required=True,
                       help="the profile to write")
    apply.add_argument("--file", metavar="PATH", required=True, help="the file to change")
    apply.add_argument("--env", metavar="PATH",
                       help="authelia: LibreChat's .env, whose OPENID_CLIENT_ID names the "
                       "client to update (default: the profile's remembered .env)")
    apply.add_argument("--dry-run", action="store_true",
                       help="print the change only; exit 1 when the file would change")
    apply.add_argument("--yes", action="store_true", help="write without asking")
    apply.set_defaults(func=cmd_apply)


def _source_arguments(parser) -> None:
    parser.add_argument("--authelia-config", metavar="PATH", action="append", required=True,
                        help="configuration file or directory (repeatable, in Authelia's "
                        "order)")
    parser.add_argument("--env", metavar="PATH", required=True, help="LibreChat's .env")
    parser.add_argument("--compose", metavar="PATH",
                        help="a compose file: the environment of LibreChat's service (found "
                        "by its image) overrides .env")
    parser.add_argument("--librechat", metavar="VERSION",
                        help="LibreChat's version (default: from the compose image tag)")


def read_sources(args: argparse.Namespace):
    """(config, env, compose) from the command line; bad paths raise SourceError."""
    from ..userfiles.sources import read_sources as read

    return read(args.authelia_config, args.env, args.compose)


def cmd_audit(args: argparse.Namespace) -> int:
    from ..userfiles.audit import audit, has_errors, render_json, render_text

    sources = read_sources(args)
    result = audit(sources.config, sources.env, sources.compose, librechat=args.librechat,
                   extra=sources.findings)
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(result.findings))
    return EXIT_FAILED if has_errors(result.findings) else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..core.store import validate_name
    from ..userfiles.importer import import_profile

    store = open_store()
    validate_name(args.name)
    if store.exists(args.name) and not args.force:
        raise UsageError(f"profile {args.name!r} already exists: use --force to replace it")
    sources = read_sources(args)
    paths = {"authelia_config_paths": [str(Path(p).expanduser().resolve())
                                       for p in args.authelia_config],
             "env_path": str(Path(args.env).expanduser().resolve()),
             "compose_path": str(Path(args.compose).expanduser().resolve())
             if args.compose else ""}
    profile, notes = import_profile(sources.config, sources.env, sources.compose,
                                    librechat=args.librechat, paths=paths, name=args.name)
    path = store.save(args.name, profile)
    store.set_last_used(args.name)
    print(f"imported profile {args.name} ({shown_path(path)})", file=sys.stderr)
    for note in notes:
        print(f"{note.prefix}: {shown(note, limit=None)}", file=sys.stderr)
    if any(not note.carried for note in notes):
        print("complete it with the commands above, or in the app", file=sys.stderr)
    return EXIT_OK


def cmd_apply(args: argparse.Namespace) -> int:
    from ..userfiles.apply import plan_apply, write_plan

    store = open_store()
    profile = store.load(args.sub_profile)
    if args.env is not None and args.target != "authelia":
        raise UsageError("--env is for apply authelia (the .env that names LibreChat's "
                         "client); apply env takes the .env as --file")
    plan = plan_apply(args.target, profile, args.file, env=args.env)
    if not plan.changed:
        _print_notes(plan.notes, args.sub_profile)
        left = " (except what the notes say)" if plan.notes else ""
        print(f"{shown_path(plan.path)}: already matches profile {args.sub_profile}{left}",
              file=sys.stderr)
        if not args.dry_run:
            _take_profile_changes(store, args.sub_profile, profile, plan)
        return EXIT_OK
    sys.stdout.write(shown_lines(plan.diff))
    _print_notes(plan.notes, args.sub_profile)
    if args.dry_run:
        return EXIT_FAILED
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise UsageError("not writing without --yes: there is no terminal to ask on")
        sys.stderr.write(f"Write these changes to {shown_path(plan.path)}? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            print("nothing written", file=sys.stderr)
            return EXIT_FAILED
    backup = write_plan(plan)
    where = f"; backup: {shown_path(backup)}" if backup else ""
    print(f"wrote {shown_path(plan.path)}{where}", file=sys.stderr)
    _take_profile_changes(store, args.sub_profile, profile, plan)
    return EXIT_OK


def _print_notes(notes: list[str], name: str) -> None:
    """Apply's notes on stderr, its commands naming the profile; a warning as a warning."""
    from ..userfiles.adopt import WARNING

    for note in notes:
        text = shown(with_name(note, name), limit=None)
        print(text if note.startswith(WARNING) else f"note: {text}", file=sys.stderr)


def _take_profile_changes(store, name: str, profile, plan) -> None:
    """The profile follows the file where apply adopted its client: its client_id, and a
    client_secret's digest from a template with the .env's client secret (never shown)."""
    changes = plan.profile_changes
    if not changes:
        return
    store.save(name, profile.with_changes(**changes))
    where = shown_path(plan.path)
    if "client_id" in changes:
        print(f"profile {name}: client_id is now '{shown(changes['client_id'])}' (the "
              f"client already in {where}); apply env writes it to .env", file=sys.stderr)
    if changes.get("digest_template"):
        print(f"profile {name}: the client secret's digest now comes from "
              f"{shown(changes['digest_template'])}, as in {where} (apply leaves that line "
              "alone)", file=sys.stderr)
    if "client_secret" in changes:
        print(f"profile {name}: the client secret is now the .env's OPENID_CLIENT_SECRET, "
              "which that digest was made from; apply env keeps it", file=sys.stderr)
