"""The diff `apply` shows (CLI and app alike): every secret hidden, by rule, in every line.

A diff shows unchanged context lines as well as changed ones, and a user's file holds more
secrets than the profile's, written in more ways than `KEY=value`. So masking works on the
whole file, not line by line, and hides:

- the value of every key whose name contains SECRET, PASSWORD, PASS, TOKEN, KEY, CREDENTIAL
  or PRIVATE (any case, anywhere in the name: `LDAP_BIND_CREDENTIALS`, `client_secret`,
  `passphrase`), whether the key starts a line (`.env`, YAML, `- KEY=value`) or sits in a
  YAML flow collection (`{client_secret: abc, password: x}`, `[TOKEN=abc]`);
- such a value over several lines (a YAML block or folded scalar `key: |`, a plain or quoted
  scalar that goes on on the next lines, a quoted `.env` value with line breaks, a nested
  block under the key): shown as ONE line, `key: (28 lines, masked)`;
- the password part of every URL's user info (`mongodb://user:****@host`; a user info
  without a password, which is often a token, is hidden whole);
- every PEM block, from its BEGIN line to its END line, whatever key holds it;
- every occurrence of one of the profile's own secrets, wherever it appears.

Values that are words of a public vocabulary (`client_secret_post`, `true`, a template
`{{ ... }}`, a Compose `${VAR}`) stay readable: they are the same in every installation.
The diff is for reading, not for `patch`: its hunk headers give the file's real line
numbers, and a masked multi-line value is one line in it.
"""

from __future__ import annotations

import bisect
import difflib
import re

from ..core.shown import shown, shown_path
from .dotenv import lines_of

MASK = "********"

#: A key whose value is hidden: the rule, not a list of names.
SENSITIVE_KEY = re.compile(r"(?i)secret|password|pass|token|key|credential|private")

# Values that are the same everywhere, so showing them tells nothing (an auth method's
# name contains "secret" or "private" but is not one).
_PUBLIC_VALUES = frozenset({
    "", "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt",
    "none", "true", "false", "yes", "no", "on", "off", "null", "~"})
# A template or a bare Compose variable; `${VAR:-default}` is not one: its default may be a
# secret.
_REFERENCE = re.compile(r"^(?:\{\{.*\}\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})$")

# KEY=value, KEY: value, export KEY=value, - KEY=value, - key: value, "key": value
_ASSIGNMENT = re.compile(
    r"^(?P<lead>[ \t\ufeff]*(?:#+[ \t]*)?(?:export[ \t]+)?(?:-[ \t]+)*['\"]?)"
    r"(?P<key>[A-Za-z0-9_.-]+)(?P<sep>['\"]?[ \t]*(?:=|:(?=[ \t]|$))[ \t]*)(?P<value>.*)$")
# A key inside a flow collection: after `{`, `[` or `,`.
_FLOW_ASSIGNMENT = re.compile(
    r"(?P<lead>[{\[,][ \t]*['\"]?)(?P<key>[A-Za-z0-9_.-]+)(?P<sep>['\"]?[ \t]*(?:=|:)[ \t]*)"
    r"(?P<value>'(?:[^']|'')*'|\"(?:\\.|[^\"\\])*\"|[^,}\]\r\n]*)")
# scheme://user:password@host — the password may hold an unescaped @ (the last @ ends it).
_URL_USERINFO = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^\s/?#@:'\"`]*)"
    r"(?P<password>:[^\s/?#'\"`]*)?@(?=[^\s/?#'\"`@]*(?:[\s/?#'\"`]|$))")
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*-----")
_PEM_ONE_LINE = re.compile(r"-----BEGIN [A-Z0-9 ]*-----.*?(?:-----END [A-Z0-9 ]*-----|$)")
_BLOCK_INDICATOR = re.compile(r"^[|>][0-9+-]*[ \t]*(?:#.*)?$")
_BASE64_BODY = re.compile(r"^[ \t]*[A-Za-z0-9+/=]{16,}[ \t]*$")
_BASE64_LINE = re.compile(r"^\s*[A-Za-z0-9+/=]{32,}\s*$")
_NODE_PROPERTIES = re.compile(r"^(?:[&!][^ \t]*[ \t]*)*(?:#.*)?$")  # an anchor, a tag, or nothing


def is_sensitive_key(key: str) -> bool:
    return bool(SENSITIVE_KEY.search(key))


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
        return value[1:-1]
    return value


def _is_public(value: str) -> bool:
    bare = _unquoted(value.split(" #")[0]).strip()
    return bare.lower() in _PUBLIC_VALUES or bool(_REFERENCE.match(bare))


class Masker:
    """Masks one file's lines; `secrets` are the profile's own values, hidden anywhere."""

    def __init__(self, secrets: list[str] | tuple[str, ...]) -> None:
        values = {s for s in secrets if s}
        # Long values are hidden inside any text; a short one only as a whole value (hiding
        # every "abc" in a file would hide words, not secrets).
        self.long = sorted((s for s in values if len(s) >= 8), key=len, reverse=True)
        self.short = {s for s in values if len(s) < 8}

    def _hides(self, key: str, value: str) -> bool:
        if _unquoted(value) in self.short:
            return True
        return is_sensitive_key(key) and not _is_public(value)

    def line(self, text: str) -> str:
        """One line with every secret it shows replaced by ********."""
        for secret in self.long:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _PEM_ONE_LINE.sub(MASK, text)
        text = _URL_USERINFO.sub(_mask_userinfo, text)
        match = _ASSIGNMENT.match(text)
        if match and match.group("value").strip() and self._hides(match.group("key"),
                                                                   match.group("value")):
            return f"{match.group('lead')}{match.group('key')}{match.group('sep')}{MASK}"
        text = _FLOW_ASSIGNMENT.sub(self._mask_flow, text)
        if _BASE64_LINE.match(text):
            text = re.sub(r"[A-Za-z0-9+/=]{32,}", MASK, text)
        return text

    def _mask_flow(self, match: re.Match) -> str:
        value = match.group("value")
        if value.strip() and self._hides(match.group("key"), value):
            return f"{match.group('lead')}{match.group('key')}{match.group('sep')}{MASK}"
        return match.group(0)

    def units(self, text: str, *, yaml: bool) -> list[tuple[int, int, str, str]]:
        """The file as (first line, line count, raw text, shown text) units: one line each,
        except a masked multi-line value, which is one unit shown on one line."""
        raw = lines_of(text)
        bodies = [line.rstrip("\r\n") for line in raw]
        spans = _Spans(bodies, yaml)
        out: list[tuple[int, int, str, str]] = []
        index = 0
        while index < len(bodies):
            collapsed = self._collapsed(spans, index)
            if collapsed is None:
                out.append((index, 1, raw[index], self.line(bodies[index])))
                index += 1
                continue
            count, shown_text = collapsed
            out.append((index, count, "".join(raw[index:index + count]), shown_text))
            index += count
        return out

    def _collapsed(self, spans: _Spans, index: int) -> tuple[int, str] | None:
        """(lines, shown text) when a masked value starts on line `index` and goes on."""
        body = spans.bodies[index]
        match = _ASSIGNMENT.match(body)
        if match:
            value = match.group("value")
            sensitive = is_sensitive_key(match.group("key")) and (
                not value.strip() or not _is_public(value)) or _unquoted(value) in self.short
            extra, block = spans.value_lines(index, match, sensitive=sensitive)
            if extra:
                value_text = "\n".join([match.group("value"),
                                        *spans.bodies[index + 1:index + 1 + extra]])
                if (sensitive or _PEM_BEGIN.search(value_text)
                        or any(secret in value_text for secret in self.long)):
                    lines = extra if block or not match.group("value").strip() else extra + 1
                    head = f"{match.group('lead')}{match.group('key')}{match.group('sep')}"
                    return extra + 1, f"{self.line(head.rstrip())} ({lines} lines, masked)"
        begin = _PEM_BEGIN.search(body)
        if begin and not _PEM_END.search(body, begin.end()):
            extra = spans.pem_lines(index)
            if extra:
                prefix = self.line(body[: begin.start()])
                gap = " " if prefix.strip() and not prefix.endswith((" ", "\t")) else ""
                return extra + 1, f"{prefix}{gap}({extra + 1} lines, masked)"
        return None


def _mask_userinfo(match: re.Match) -> str:
    if match.group("password") is not None:
        return f"{match.group('scheme')}{match.group('user')}:{MASK}@"
    if not match.group("user"):
        return match.group(0)
    return f"{match.group('scheme')}{MASK}@"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Spans:
    """Where a value that starts on a line ends, for one file (each question answered in
    time proportional to the value, or by bisecting precomputed positions: linear overall)."""

    def __init__(self, bodies: list[str], yaml: bool) -> None:
        self.bodies = bodies
        self.yaml = yaml
        # Indentation of each line; -1 for a blank one (it belongs to whatever surrounds it).
        self.indents = [_indent(line) if line.strip() else -1 for line in bodies] \
            if yaml else []
        self._ends: list[int] | None = None
        self._quotes: dict[str, list[int]] = {}

    def value_lines(self, index: int, match: re.Match, *,
                    sensitive: bool) -> tuple[int, bool]:
        """(how many lines after `index` belong to the value, whether it is a block scalar).

        A quoted value runs to its closing quote; in YAML a block scalar (`|`, `>`) runs
        while lines are deeper than the key. For a sensitive key, so do a plain scalar's
        continuation lines and a nested block (`key:` then deeper lines), hidden whole.
        Other lines are looked at one by one, so nothing here is needed to keep them safe.
        """
        extra = self._quoted(index, match)
        if not self.yaml:
            return extra, False
        column = len(match.group("lead"))
        stripped = match.group("value").strip()
        block = bool(_BLOCK_INDICATOR.match(stripped))
        if not block and not sensitive:
            return extra, False
        empty = not block and bool(_NODE_PROPERTIES.match(stripped))
        own_list_possible = empty and not match.group("lead").strip()
        indents = self.indents
        end = index
        for number in range(index + 1, len(indents)):
            indent = indents[number]
            if indent < 0:
                continue  # blank lines belong to the value only when more of it follows
            # `key:` then `- item` at the key's own column is the key's list (YAML allows it).
            if indent > column or (own_list_possible and indent == column
                                   and self.bodies[number].lstrip().startswith("- ")):
                end = number
            else:
                break
        return max(extra, end - index), block

    def _quoted(self, index: int, match: re.Match) -> int:
        """Lines after `index` that a quote opened in the value and not closed there spans."""
        value = match.group("value").lstrip()
        quote = value[:1]
        if quote not in ("'", '"', "`") or (self.yaml and quote == "`"):
            return 0
        if _closes(value[1:], quote):
            return 0
        lines = self._quote_lines(quote)
        for number in lines[bisect.bisect_right(lines, index):]:
            if _closes(self.bodies[number], quote):
                return number - index
        return 0

    def _quote_lines(self, quote: str) -> list[int]:
        if quote not in self._quotes:
            self._quotes[quote] = [n for n, line in enumerate(self.bodies) if quote in line]
        return self._quotes[quote]

    def pem_lines(self, index: int) -> int:
        """Lines after a BEGIN line up to its END line; without an END, the base64 body."""
        if self._ends is None:
            self._ends = [n for n, line in enumerate(self.bodies) if _PEM_END.search(line)]
        at = bisect.bisect_right(self._ends, index)
        if at < len(self._ends):
            return self._ends[at] - index
        extra = 0
        while index + extra + 1 < len(self.bodies) and \
                _BASE64_BODY.match(self.bodies[index + extra + 1]):
            extra += 1
        return extra


def _closes(text: str, quote: str) -> bool:
    """Whether `text` (the rest of a quoted value, or a later line) holds the closing quote."""
    position = 0
    while True:
        position = text.find(quote, position)
        if position < 0:
            return False
        if quote == '"' and _escaped(text, position):
            position += 1
            continue
        if quote == "'" and text[position + 1: position + 2] == "'":  # YAML's '' escape
            position += 2
            continue
        return True


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def masked_diff(old: str | None, new: str, path: str, secrets: list[str], *,
                yaml: bool) -> str:
    """A unified diff of `old` -> `new` with every secret masked (module doc), each line
    shown safely (controls escaped, long lines cut)."""
    masker = Masker(secrets)
    before = masker.units(old or "", yaml=yaml)
    after = masker.units(new, yaml=yaml)
    # autojunk as in difflib.unified_diff: without it, thousands of equal lines (`cert: |`)
    # make the matcher quadratic.
    matcher = difflib.SequenceMatcher(None, [u[2] for u in before], [u[2] for u in after])
    name = shown_path(path)
    out = [f"--- {name}\n", f"+++ {name}\n"]
    for group in matcher.get_grouped_opcodes(2):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(before, first[1], last[2])} "
                   f"+{_range(after, first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += _lines(" ", before, i1, i2)
                continue
            if tag in ("replace", "delete"):
                out += _lines("-", before, i1, i2)
            if tag in ("replace", "insert"):
                out += _lines("+", after, j1, j2)
    return "".join(out) if len(out) > 2 else ""


def _range(units: list, start: int, stop: int) -> str:
    """difflib's unified range, in the file's real lines."""
    lines = sum(u[1] for u in units[start:stop])
    if start < len(units):
        first = units[start][0] + 1
    else:
        first = (units[-1][0] + units[-1][1] + 1) if units else 1
    if lines == 1:
        return f"{first}"
    if lines == 0:
        return f"{first - 1},0"
    return f"{first},{lines}"


def _lines(mark: str, units: list, start: int, stop: int) -> list[str]:
    out = []
    for position in range(start, stop):
        _, _, raw, text = units[position]
        out.append(f"{mark}{shown(text)}\n")
        if position == len(units) - 1 and not raw.endswith(("\n", "\r")):
            out.append("\\ No newline at end of file\n")
    return out
