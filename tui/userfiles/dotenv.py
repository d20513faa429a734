"""LibreChat's .env read with Node dotenv's rules, and a line editor that keeps the rest.

Reading (`read_dotenv`, `parse_dotenv`) follows dotenv 16's `parse()` (lib/main.js), the
loader LibreChat calls: the same line pattern, so the same surprises —

- an unquoted value ends at the first `#` (`SECRET=abc#def` gives `abc`);
- single- and backtick-quoted values are literal, double-quoted ones turn \\n and \\r into
  line breaks; a quoted value may run over several lines;
- a repeated key takes the LAST value;
- a line that is not `KEY=value` (or `KEY: value`) is silently ignored.

Every assignment keeps its line numbers, so findings can say `.env:12`.

Editing (`set_values`) works on lines: it replaces only the lines of the first assignment of
a key whose value differs, comments out later duplicates with a note, appends missing keys
under one header comment, and leaves every other line byte-identical.
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

from ..core.envfile import quote_env_value
from ..core.inputerror import InputError

# dotenv 16's LINE, with JavaScript's ASCII \w spelled out and a leading byte-order mark
# counted as the white space it is to JavaScript's \s.
_LINE = re.compile(
    r"(?:^|^)[\s\ufeff]*(?P<export>export\s+)?(?P<key>[A-Za-z0-9_.-]+)"
    r"(?P<sep>\s*=\s*?|:\s+?)"
    r"(?P<value>\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?"
    r"\s*(?:#.*)?(?:$|$)",
    re.MULTILINE,
)
_NEWLINE = re.compile(r"\r\n|\r|\n")

HEADER = "# LibreChat login through Authelia (written by librechat-authelia)"


class DotEnvError(InputError):
    """The file cannot be read as text; the message names the file and the line."""


class DotEnvEditError(InputError):
    """An edit dotenv would read differently from what was meant (an unclosed quote)."""


class Entry(namedtuple("Entry", "key value line end_line quote truncated export")):
    """One assignment. line/end_line are 1-based; quote is ', \", ` or ''.

    truncated is True when an unquoted value was cut at a `#` that was meant as part of
    it (no space before the `#`), so dotenv reads less than the line shows.
    """

    __slots__ = ()

    def __repr__(self) -> str:  # values may be secrets
        return f"Entry(key={self.key!r}, line={self.line})"


class DotEnv:
    """A parsed .env: every assignment in order, and the values dotenv ends up with."""

    def __init__(self, text: str, path: str | Path | None = None) -> None:
        self.text = text
        self.path = Path(path) if path is not None else None
        self.entries: list[Entry] = []
        self.ignored_lines: list[int] = []
        self._by_key: dict[str, list[Entry]] = {}  # key -> its assignments, in order
        self._parse()

    def __repr__(self) -> str:
        return f"DotEnv(path={str(self.path)!r}, entries={len(self.entries)})"

    @property
    def values(self) -> dict[str, str]:
        """Key -> value as LibreChat sees it (the last assignment of a key wins)."""
        return {e.key: e.value for e in self.entries}

    def get(self, key: str, default: str | None = None) -> str | None:
        winner = self.winner(key)
        return winner.value if winner else default

    def __contains__(self, key: str) -> bool:
        return key in self._by_key

    def all(self, key: str) -> list[Entry]:
        return list(self._by_key.get(key, ()))

    def winner(self, key: str) -> Entry | None:
        """The assignment dotenv keeps: the last one."""
        found = self._by_key.get(key)
        return found[-1] if found else None

    def duplicates(self) -> dict[str, list[Entry]]:
        return {k: list(v) for k, v in self._by_key.items() if len(v) > 1}

    def where(self, line: int) -> str:
        return f"{self.path}:{line}" if self.path is not None else f"line {line}"

    def _parse(self) -> None:
        # dotenv normalises line ends first; \r\n -> \n keeps line numbers, a lone \r
        # (old Mac files) ends a line too, as in `lines_of`.
        text = _NEWLINE.sub("\n", self.text)
        starts = [0] + [m.end() for m in re.finditer("\n", text)]

        def line_of(pos: int) -> int:
            import bisect

            return bisect.bisect_right(starts, pos)

        covered: set[int] = set()
        for match in _LINE.finditer(text):
            raw = match.group("value")
            value = (raw or "").strip()
            quote = value[0] if value[:1] in ("'", '"', "`") else ""
            if quote and len(value) >= 2 and value[-1] == quote:
                value = value[1:-1]
            else:
                quote = ""
            if quote == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r")
            end = match.end("value") if raw is not None else match.end("sep")
            truncated = (not quote and end < len(text) and text[end] == "#"
                         and not text[end - 1].isspace())
            line = line_of(match.start("key"))
            end_line = line_of(max(end - 1, match.start("key")))
            covered.update(range(line, end_line + 1))
            entry = Entry(match.group("key"), value, line, end_line, quote, truncated,
                          bool(match.group("export")))
            self.entries.append(entry)
            self._by_key.setdefault(entry.key, []).append(entry)
        for number, content in enumerate(text.split("\n"), start=1):
            stripped = content.strip().lstrip("\ufeff")
            if stripped and not stripped.startswith("#") and number not in covered:
                self.ignored_lines.append(number)


def parse_dotenv(text: str, path: str | Path | None = None) -> DotEnv:
    return DotEnv(text, path)


def decode(data: bytes, path: str | Path) -> str:
    """UTF-8 text of a .env, or DotEnvError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DotEnvError(f"{path}:{line}: not UTF-8 text (byte {data[error.start]:#04x})") \
            from None


def read_dotenv(path: str | Path, *, limit: int | None = None) -> DotEnv:
    """Read and parse a .env of at most `limit` bytes (default: guard.ENV_LIMIT, 1 MB).

    OSError when it cannot be opened, is not a regular file (a FIFO or device is never
    opened) or is larger than the cap (guard.read_user_file); DotEnvError when not text.
    """
    from .guard import ENV_LIMIT, read_user_file

    data = read_user_file(path, limit=ENV_LIMIT if limit is None else limit)
    return DotEnv(decode(data, path), path)


def load_env_values(path: str | Path) -> dict[str, str]:
    """The simplest use: the variables LibreChat would get from this .env."""
    return read_dotenv(path).values


# Editing ---------------------------------------------------------------------------------


def lines_of(text: str) -> list[str]:
    """The lines of `text`, each with its own line end (the last may have none)."""
    out, pos = [], 0
    for match in _NEWLINE.finditer(text):
        out.append(text[pos:match.end()])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def newline_of(text: str) -> str:
    """The file's usual line end: \\r\\n when most lines use it, \\r for an old Mac file
    (lone CRs only), else \\n."""
    crlf = text.count("\r\n")
    if crlf and crlf * 2 >= text.count("\n"):
        return "\r\n"
    return "\r" if not crlf and "\r" in text and "\n" not in text else "\n"


def _trailing_comment(line: str, entry: Entry) -> str:
    """A ` # comment` after a single-line value, kept when the value is rewritten."""
    body = line.rstrip("\r\n")
    if entry.truncated or entry.line != entry.end_line:
        return ""
    match = _LINE.match(_NEWLINE.sub("\n", body))
    if not match:
        return ""
    end = match.end("value") if match.group("value") is not None else match.end("sep")
    raw = match.group("value") or ""
    rest = raw[len(raw.rstrip()):] + body[end:]  # the value group takes the spaces too
    stripped = rest.lstrip()
    if stripped.startswith("#") and rest != stripped:
        return rest
    return ""


def set_values(text: str, values: dict[str, str], *, header: str = HEADER,
               tool: str = "librechat-authelia") -> str:
    """`text` with each key of `values` set, touching only the lines that must change.

    - the first assignment of a key is rewritten in place when its value differs (its
      `export`, indentation and trailing comment kept);
    - later assignments of the same key are commented out with a note above them (dotenv
      would let the last one win);
    - keys not in the file are appended under one `header` comment;
    - the result ends with a line end whenever anything changed.
    Values are quoted by core.envfile, which refuses what .env cannot hold.
    """
    env = DotEnv(text)
    lines = lines_of(text)
    nl = newline_of(text)
    replace: dict[int, list[str]] = {}  # first line (1-based) -> new lines for its span
    drop: set[int] = set()  # continuation lines of rewritten multi-line values
    missing: list[str] = []
    for key, value in values.items():
        found = env.all(key)
        if not found:
            missing.append(f"{key}={quote_env_value(value)}")
            continue
        first, later = found[0], found[1:]
        if first.value != value or first.truncated:
            replace[first.line] = [_rewritten(lines, first, key, value)]
            drop.update(range(first.line + 1, first.end_line + 1))
        for dup in later:
            replace[dup.line] = _commented_out(lines, dup, key, nl, tool)
            drop.update(range(dup.line + 1, dup.end_line + 1))
    if not replace and not missing:
        return text
    result = _joined(lines, replace, drop, nl)
    if missing:
        if result.strip():
            result += nl
        result += header + nl + nl.join(missing) + nl
    _check_edit(env, result, values)
    return result


def _rewritten(lines: list[str], first: Entry, key: str, value: str) -> str:
    """The first assignment of `key` with `value`: its `export`, indentation, trailing
    comment and line end kept."""
    original = lines[first.line - 1]
    indent = original[: len(original) - len(original.lstrip(" \t\ufeff"))]
    prefix = indent + ("export " if first.export else "")
    end = lines[first.end_line - 1]
    ending = end[len(end.rstrip("\r\n")):] or ""
    return (f"{prefix}{key}={quote_env_value(value)}"
            f"{_trailing_comment(original, first)}{ending}")


def _commented_out(lines: list[str], dup: Entry, key: str, nl: str, tool: str) -> list[str]:
    """A later assignment of `key`, commented out under a note saying why."""
    span = lines[dup.line - 1: dup.end_line]
    ending = span[-1][len(span[-1].rstrip("\r\n")):] or nl
    note = (f"# {tool}: {key} is set above; dotenv would let this later line win"
            f"{ending}")
    commented = [f"# {s}" if s.strip() else s for s in span]
    if not commented[-1].endswith(("\n", "\r")):
        commented[-1] += ending
    return [note, *commented]


def _joined(lines: list[str], replace: dict[int, list[str]], drop: set[int], nl: str) -> str:
    """The lines with the replaced spans in place, ending with a line end."""
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        if number in replace:
            out.extend(replace[number])
        elif number not in drop:
            out.append(line)
    result = "".join(out)
    if result and not result.endswith(("\n", "\r")):
        result += nl
    return result


def _check_edit(before: DotEnv, result: str, values: dict[str, str]) -> None:
    """Refuse a result dotenv reads otherwise than meant.

    A quote left open on an earlier line can make dotenv read across the lines that were
    rewritten or appended; then nothing is written and the user is told where to look.
    """
    after = DotEnv(result).values
    expected = {**before.values, **values}
    wrong = [k for k, v in expected.items() if after.get(k) != v]
    if not wrong and set(after) <= set(expected):
        return
    spans = [e for e in before.entries
             if e.end_line > e.line or (not e.quote and e.value[:1] in ("'", '"', "`"))]
    near = f" (see line {spans[0].line}, {spans[0].key})" if spans else ""
    raise DotEnvEditError(f"dotenv would read the edited file differently{near}: a value with "
                          "an unclosed quote runs over several lines; fix it by hand first")
