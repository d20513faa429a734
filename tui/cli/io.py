"""Standard streams for the CLI: secrets from stdin or a no-echo prompt, and a stdout whose
failures (a full disk, a closed descriptor) become one line on stderr instead of a traceback.
"""

from __future__ import annotations

import os
import sys

from ..core.inputerror import InputError

PROMPT = "type the secret, then Enter: "


class StdinError(InputError):
    """Bad standard input: one line on stderr, exit status 2."""


class OutputError(InputError):
    """Standard output cannot be written: one line on stderr, exit status 2."""


def _strip_newline(text: str) -> str:
    text = text[:-1] if text.endswith("\n") else text
    return text[:-1] if text.endswith("\r") else text


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise StdinError(f"{what} on standard input is not valid UTF-8") from None


def _read_stdin_bytes() -> bytes:
    stdin = sys.stdin
    if stdin is None:
        raise StdinError("standard input is closed: pipe the secret in")
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return buffer.read()
    return stdin.read().encode("utf-8", "surrogateescape")


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def read_secret() -> str:
    """The secret: typed at a no-echo prompt on a terminal, else all of standard input
    less one final newline."""
    if _stdin_is_terminal():
        import getpass

        try:
            secret = getpass.getpass(PROMPT)
        except EOFError:
            secret = ""
    else:
        secret = _strip_newline(_decode(_read_stdin_bytes(), "the secret"))
    if not secret:
        raise StdinError("no secret on standard input (pipe it in; secrets are never taken "
                         "from the command line)")
    return secret


def read_digest_and_secret() -> tuple[str, str]:
    """`verify --digest-stdin`: the digest on the first line of stdin, the secret on the
    second (the rest, less one final newline). On a terminal both are prompted for, the
    secret without echo."""
    if _stdin_is_terminal():
        import getpass

        try:
            digest = input("digest: ")
            secret = getpass.getpass(PROMPT)
        except EOFError:
            digest = secret = ""
    else:
        text = _decode(_read_stdin_bytes(), "the input")
        digest, newline, rest = text.partition("\n")
        digest = digest.removesuffix("\r")
        if not newline:
            raise StdinError("--digest-stdin reads two lines: the digest, then the secret")
        secret = _strip_newline(rest)
    if not digest:
        raise StdinError("no digest on the first line of standard input")
    if not secret:
        raise StdinError("no secret on the second line of standard input")
    return digest, secret


class GuardedStdout:
    """Wraps sys.stdout so a failed write raises OutputError (one line, exit 2).

    `> /dev/full` fails with ENOSPC, usually only at the final flush; `>&-` leaves Python
    with no sys.stdout at all, where print() would silently write nothing.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def _fail(self, error: OSError | None) -> OutputError:
        discard_stdout()
        if error is None:
            return OutputError("cannot write to standard output: it is closed")
        reason = error.strerror or str(error)
        return OutputError(f"cannot write to standard output: {reason}")

    def write(self, text: str) -> int:
        if self._stream is None:
            raise self._fail(None)
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            # a terminal that is not UTF-8 and a host name in another script: say it anyway
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            return self.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._fail(error) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._fail(error) from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the interpreter's last flush of what could
    not be written does not print a second error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
