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
    from ..doctor import target_from_env, target_from_profile

    ca_file = args.ca_file or ""
    profile = None
    if args.env is None or args.sub_profile:
        store = open_store()
        profile = store.load(profile_name(store, args.sub_profile))
        ca_file = ca_file or getattr(profile, "ca_file", "") or ""
    if args.env is None:
        return target_from_profile(profile, ca_file)
    return target_from_env(_env_values(args.env), base=profile, ca_file=ca_file)


#: The largest .env read (LibreChat's .env.example is about 30 KB).
MAX_ENV_BYTES = 1024 * 1024


def _env_values(path: str) -> dict[str, str]:
    """The variables of a .env, read through the guard for the user's files: a regular file
    (a FIFO or device is never opened), at most MAX_ENV_BYTES; one line (exit 2) otherwise."""
    from ..core.files import FileTooLarge, NotRegularFile, read_regular_file
    from ..core.shown import shown, shown_path
    from ..userfiles.dotenv import DotEnv, decode

    where = f"--env {shown_path(path)}"
    try:
        data = read_regular_file(path, limit=MAX_ENV_BYTES)
    except NotRegularFile as error:
        raise _bad(f"{where}: is {error.kind}, not a regular file (not read)") from None
    except FileTooLarge:
        raise _bad(f"{where}: larger than {MAX_ENV_BYTES // (1024 * 1024)} MB, not a "
                   "LibreChat .env") from None
    except OSError as error:
        raise _bad(f"{where}: {shown(error.strerror or error)}") from None
    return DotEnv(decode(data, shown_path(path)), path).values


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
    wanted = [f for f in findings if f.severity in ("error", "warning") and f.fix]
    if not wanted:
        return []
    lines = ["", "Causes and fixes:"]
    for severity in ("error", "warning"):
        for finding in wanted:
            if finding.severity == severity:
                lines.append(f"- {finding.code} ({severity}): {finding.fix}")
    return lines


def cmd_doctor(args) -> int:
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
    print(f"\n{errors} error(s), {warnings} warning(s)")
    return EXIT_FAILED if has_errors(findings) else EXIT_OK
