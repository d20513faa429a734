"""`librechat-authelia doctor`: check the running Authelia and LibreChat from outside.

Text: one line per check as it completes (a spinner on stderr when it is a terminal), then
the causes and fixes. JSON: {"findings": [{code, severity, message, fix}, ...]} at the end.
Exit 0 no errors, 1 errors, 2 bad input.
"""

from __future__ import annotations

import sys

# json and threading are imported where used: registering the parser must not slow the
# other commands' start-up.
from .common import EXIT_FAILED, EXIT_OK, UsageError, example, open_store, profile_name

MAX_TIMEOUT_S = 300.0
_MARKS = {"error": "✗", "warning": "!", "info": "i", "ok": "✓"}
_ASCII_MARKS = {"error": "x", "warning": "!", "info": "i", "ok": "+"}


def add_parsers(commands) -> None:
    doctor = commands.add_parser(
        "doctor", help="check the running Authelia and LibreChat; exit 1 if any error",
        description="Asks the running Authelia and LibreChat, from outside and without a\n"
        "browser login, the questions that decide a login, and names the cause and the fix.\n"
        "The client secret goes only to Authelia's token endpoint, in one request.",
        **example("doctor --ca-file /etc/ssl/private-ca.pem",
                  "doctor --env /opt/librechat/.env --format json"))
    doctor.add_argument("--profile", metavar="NAME", dest="sub_profile",
                        help="default: the last-used profile")
    doctor.add_argument("--env", metavar="PATH",
                        help="take URLs and credentials from LibreChat's .env instead")
    doctor.add_argument("--ca-file", metavar="PATH",
                        help="a CA certificate (PEM) that Authelia's certificate chains to")
    doctor.add_argument("--timeout", metavar="SECONDS", type=float, default=None,
                        help="per request (default: 5); the whole run ends within "
                        "2 x SECONDS + 1")
    doctor.add_argument("--no-token-probe", action="store_true",
                        help="send no token request (the secret and auth method go unchecked)")
    doctor.add_argument("--format", choices=["text", "json"], default="text",
                        help="text: a line per check, then causes and fixes")
    doctor.set_defaults(func=cmd_doctor)


def _bad(message: str):
    return UsageError(message)


def _target(args):
    """The profile (named, or the last-used) with the .env LibreChat uses: --env, else the
    profile's remembered one; --env alone checks that .env without a profile."""
    from ..core.shown import shown_path
    from ..doctor import TargetError, target_for_profile, target_from_env
    from ..doctor.target import read_env_values

    ca_file = args.ca_file or ""
    try:
        if args.env is not None and not args.sub_profile:
            values = read_env_values(args.env, f"--env {shown_path(args.env)}")
            return target_from_env(values, ca_file=ca_file, env_file=args.env)
        store = open_store()
        profile = store.load(profile_name(store, args.sub_profile))
        if args.env is not None:
            values = read_env_values(args.env, f"--env {shown_path(args.env)}")
            return target_from_env(values, base=profile, env_file=args.env,
                                   ca_file=ca_file or getattr(profile, "ca_file", "") or "")
        return target_for_profile(profile, ca_file)
    except TargetError as error:
        raise _bad(str(error)) from None


class _Spinner:
    """A progress line on stderr, only when stderr is a terminal; cleared for each line."""

    FRAMES = "|/-\\"

    def __init__(self, stream) -> None:
        import threading

        self.stream = stream
        self.enabled = stream.isatty()
        self.lock = threading.Lock()
        self.done = 0
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._spin, daemon=True)

    def __enter__(self):
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        if self.enabled:
            self.thread.join(timeout=1)
            self.clear()

    def clear(self) -> None:
        if self.enabled:
            with self.lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def _spin(self) -> None:
        frame = 0
        while not self.stop_event.wait(0.1):
            with self.lock:
                self.stream.write(f"\r{self.FRAMES[frame % 4]} checking ... "
                                  f"({self.done} results)")
                self.stream.flush()
            frame += 1


def _marks(stream) -> dict[str, str]:
    """The check marks, or ASCII ones where the output encoding has no ✓ (a Latin-1 locale)."""
    try:
        "✓✗".encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return _ASCII_MARKS
    return _MARKS


def format_line(finding, marks=_MARKS) -> str:
    return f"{marks.get(finding.severity, '?')} {finding.severity:<7} {finding.code}: " \
           f"{finding.message}"


def format_fixes(findings) -> list[str]:
    """Errors' and warnings' fixes under "Causes and fixes" (errors first), then the fixes
    of info findings under "Notes" (LibreChat's .env not checked, a CA LibreChat needs)."""
    from ..doctor import fixes_in_order

    ordered = fixes_in_order(findings)
    lines = []
    for title, wanted in (("Causes and fixes:", ("error", "warning")), ("Notes:", ("info",))):
        chosen = [f for f in ordered if f.severity in wanted]
        if chosen:
            lines += ["", title, *(f"- {f.code} ({f.severity}): {f.fix}" for f in chosen)]
    return lines


def cmd_doctor(args) -> int:
    from ..core.words import plural
    from ..doctor import DEFAULT_TIMEOUT_S, has_errors, run

    timeout = DEFAULT_TIMEOUT_S if args.timeout is None else args.timeout
    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise _bad(f"--timeout must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds")
    target = _target(args)
    if args.format == "json":
        import json

        findings = run(target, timeout=timeout, token_probe=not args.no_token_probe)
        print(json.dumps({"findings": [f.as_dict() for f in findings]}, indent=2))
        return EXIT_FAILED if has_errors(findings) else EXIT_OK

    marks = _marks(sys.stdout)
    with _Spinner(sys.stderr) as spinner:
        def show(finding) -> None:
            spinner.clear()
            spinner.done += 1
            print(format_line(finding, marks), flush=True)

        findings = run(target, timeout=timeout, token_probe=not args.no_token_probe,
                       on_finding=show)
    for line in format_fixes(findings):
        print(line)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    print(f"\n{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    return EXIT_FAILED if has_errors(findings) else EXIT_OK
