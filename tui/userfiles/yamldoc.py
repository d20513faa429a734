"""A YAML file read with ruamel.yaml's round-trip loader, and edited key by key.

Authelia's docs put unquoted Go template expressions in configuration.yml, e.g.
`key: {{ secret "/config/secrets/oidc/jwks/rsa.2048.key" | mindent 10 "|" | msquote }}`.
Authelia expands them before parsing, so such a line is not YAML. This module is the one
place that handles them: each `{{ ... }}` is swapped for a placeholder token of the same
line before parsing (a line holding nothing but a template becomes a comment), and every
value holding a token is known to come from a template.

Editing never re-emits the whole file: ruamel.yaml gives each key's and item's position,
the edit replaces or inserts only the lines of the keys whose value changes, with text
from the project's YAML emitter (core.yamlio), and every other line — comments, anchors,
quoting, templates — stays byte-identical. The result is parsed again and compared with
the intended data before anyone writes it.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.yamlio import dump_yaml
from .dotenv import lines_of, newline_of

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_TOKEN = re.compile(r"LCATEMPLATE[0-9]{4}X")
MISSING = object()


class YamlDocError(ValueError):
    """The file does not parse; .line is 1-based (or None) and the message has no value."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: not valid YAML: {problem}")


class YamlEditError(ValueError):
    """An edit this module will not make safely (the message says what to do by hand)."""


def _safe_problem(error: Exception) -> str:
    """ruamel's problem text, without the values it sometimes quotes (they may be secrets)."""
    problem = getattr(error, "problem", None) or "not valid YAML"
    duplicate = re.match(r'found duplicate key "(.*?)" with value', problem)
    if duplicate:
        return f"the key {duplicate.group(1)!r} appears twice in one mapping"
    return problem


def _yaml():
    from ruamel.yaml import YAML

    return YAML(typ="rt")


class YamlDoc:
    """One file: its original text and lines, the parsed tree, and its templates."""

    def __init__(self, text: str, path: str | Path = "<text>") -> None:
        self.path = str(path)
        self.text = text
        self.templates: dict[str, str] = {}  # token -> original template text
        self.template_lines: dict[int, list[str]] = {}  # 1-based line -> templates on it
        self.parse_text = self._swap_templates(text)
        try:
            self.root = _yaml().load(self.parse_text)
        except Exception as error:  # ruamel raises several unrelated classes
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise YamlDocError(self.path, line, _safe_problem(error)) from None

    def __repr__(self) -> str:
        return f"YamlDoc({self.path!r})"

    def _swap_templates(self, text: str) -> str:
        out = []
        for number, line in enumerate(lines_of(text), start=1):
            found = _TEMPLATE.findall(line)
            if not found:
                out.append(line)
                continue
            self.template_lines[number] = found
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            if _TEMPLATE.sub("", body).strip() == "":
                # A line that is only template logic ({{- if ... }}) is a comment to YAML.
                indent = body[: len(body) - len(body.lstrip())]
                token = self._token(body.strip())
                out.append(f"{indent}# {token}{ending}")
                continue
            out.append(_TEMPLATE.sub(lambda m: self._token(m.group(0)), body) + ending)
        return "".join(out)

    def _token(self, template: str) -> str:
        token = f"LCATEMPLATE{len(self.templates):04d}X"
        self.templates[token] = template
        return token

    def restore(self, text: str) -> str:
        """Put the original templates back in place of their tokens."""
        return _TOKEN.sub(lambda m: self.templates.get(m.group(0), m.group(0)), text)

    # Reading ---------------------------------------------------------------------------

    def node(self, path: tuple) -> Any:
        """The value at `path` (keys and list indexes), or MISSING."""
        node = self.root
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return MISSING
        return node

    def line_of(self, path: tuple) -> int | None:
        """1-based line of the key (or list item) at `path`, when the file defines it."""
        if not path:
            return 1
        parent = self.node(path[:-1])
        last = path[-1]
        lc = getattr(parent, "lc", None)
        if lc is None:
            return None
        try:
            if isinstance(last, int):
                return lc.item(last)[0] + 1
            if last in lc.data:
                return lc.key(last)[0] + 1
        except (KeyError, IndexError, TypeError):
            return None
        return None

    def is_templated(self, value: Any) -> bool:
        """Whether a value (or anything inside it) comes from a template."""
        if isinstance(value, str):
            return bool(_TOKEN.search(value))
        if isinstance(value, dict):
            return any(self.is_templated(v) for v in value.values())
        if isinstance(value, list):
            return any(self.is_templated(v) for v in value)
        return False


def is_template_token(value: Any) -> bool:
    return isinstance(value, str) and bool(_TOKEN.search(value))


def plain(value: Any) -> Any:
    """ruamel's commented containers and scalar strings as plain Python data."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _anchors(value: Any) -> list[str]:
    found = []
    anchor = getattr(getattr(value, "anchor", None), "value", None)
    if anchor:
        found.append(anchor)
    if isinstance(value, dict):
        for v in value.values():
            found += _anchors(v)
    elif isinstance(value, list):
        for v in value:
            found += _anchors(v)
    return found


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


class Editor:
    """Edits on one YamlDoc, applied to its original lines in one go by `result()`.

    Each edit names a mapping or a sequence of the parsed tree; positions come from
    ruamel.yaml. Keys and items are replaced or appended whole; nothing else moves.
    """

    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.lines = lines_of(doc.text)
        self.nl = newline_of(doc.text)
        self._edits: list[tuple[int, int, list[str]]] = []  # [start, end) 0-based, new lines

    # Positions -------------------------------------------------------------------------

    def _span_end(self, start: int, column: int) -> int:
        """One past the last line that belongs to a node starting on line `start`.

        A node runs while lines are indented deeper than `column`; comments and blank
        lines after its last line belong to what follows.
        """
        end = start + 1
        for index in range(start + 1, len(self.lines)):
            line = self.lines[index]
            if not _is_content(line):
                continue
            if _indent_of(line) > column:
                end = index + 1
            else:
                break
        return end

    def _key_span(self, mapping: Any, key: str) -> tuple[int, int, int]:
        line, column = mapping.lc.key(key)
        return line, self._span_end(line, column), column

    def _item_start(self, seq: Any, index: int) -> tuple[int, int]:
        """(line, dash column) of item `index`; the dash may sit alone on an earlier line."""
        line, column = seq.lc.item(index)
        text = self.lines[line]
        before = text[:column].rstrip()
        if before.endswith("-"):
            return line, len(before) - 1
        for back in range(line - 1, -1, -1):
            stripped = self.lines[back].strip()
            if stripped == "-":
                return back, _indent_of(self.lines[back])
            if _is_content(self.lines[back]):
                break
        raise YamlEditError(f"{self.doc.path}:{line + 1}: cannot find this list item's '-'")

    def _emit(self, data: Any, column: int) -> list[str]:
        text = self.doc.restore(dump_yaml(data))
        pad = " " * column
        return [pad + line + self.nl for line in text.splitlines()]

    def _check_replaceable(self, value: Any, line: int) -> None:
        if self.doc.is_templated(value):
            raise YamlEditError(f"{self.doc.path}:{line + 1}: the value comes from a template; "
                                "left for you to change by hand")
        anchors = _anchors(value)
        if anchors:
            raise YamlEditError(f"{self.doc.path}:{line + 1}: defines the anchor "
                                f"&{anchors[0]}, which other entries may use: change it by hand")

    def _flow(self, node: Any) -> bool:
        fa = getattr(node, "fa", None)
        return bool(fa is not None and fa.flow_style())

    # Edits -----------------------------------------------------------------------------

    def set_key(self, mapping: Any, key: str, value: Any) -> bool:
        """Give `key` this value in `mapping`; False (nothing to do) when it already has it.

        A mapping value is merged key by key when both are block mappings, so the keys
        this edit does not name keep their lines.
        """
        if self._flow(mapping):
            line = mapping.lc.line + 1 if hasattr(mapping, "lc") else "?"
            raise YamlEditError(f"{self.doc.path}:{line}: a one-line {{...}} mapping: change "
                                f"{key} by hand")
        own = hasattr(mapping, "lc") and key in mapping.lc.data
        if own:
            current = mapping[key]
            if plain(current) == value:
                return False
            if (isinstance(value, dict) and isinstance(current, dict) and current
                    and not self._flow(current)):
                changed = False
                for k, v in value.items():
                    changed |= self.set_key(current, k, v)
                return changed
            self.replace_key(mapping, key, value)
            return True
        self._append_to_mapping(mapping, {key: value})
        return True

    def _append_to_mapping(self, mapping: Any, data: dict) -> None:
        keys = list(mapping.lc.data) if hasattr(mapping, "lc") else []
        if not keys or self._flow(mapping):
            raise YamlEditError(f"{self.doc.path}: cannot add {', '.join(data)} to an empty "
                                "or one-line mapping: add it by hand")
        last_line, column = 0, 0
        end = 0
        for key in keys:
            start, stop, col = self._key_span(mapping, key)
            if stop > end:
                end, last_line, column = stop, start, col
        del last_line
        self._edits.append((end, end, self._emit(data, column)))

    def append_item(self, seq: Any, value: Any) -> None:
        if not seq or self._flow(seq):
            raise YamlEditError(f"{self.doc.path}: cannot add to an empty or one-line list")
        start, dash = self._item_start(seq, len(seq) - 1)
        end = self._span_end(start, dash)
        self._edits.append((end, end, self._emit([value], dash)))

    def set_item(self, seq: Any, index: int, value: Any) -> None:
        """Replace list item `index` whole."""
        start, dash = self._item_start(seq, index)
        self._check_replaceable(seq[index], start)
        self._edits.append((start, self._span_end(start, dash), self._emit([value], dash)))

    def append_document(self, data: dict) -> None:
        """Add top-level keys at the end of the file."""
        lines = self._emit(data, 0)
        end = len(self.lines)
        if self.lines and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += self.nl
        # A document end marker (...) stays last.
        for index in range(len(self.lines) - 1, -1, -1):
            stripped = self.lines[index].strip()
            if stripped == "...":
                end = index
            elif stripped:
                break
        self._edits.append((end, end, lines))

    def replace_key(self, mapping: Any, key: str, value: Any) -> None:
        """Replace a key's whole value (no key-by-key merge)."""
        start, end, column = self._key_span(mapping, key)
        self._check_replaceable(mapping[key], start)
        lines = self._emit({key: value}, column)
        # The first key of a list item shares its line with the item's dash: keep "- ".
        lines[0] = self.lines[start][:column] + lines[0][column:]
        self._edits.append((start, end, lines))

    def result(self) -> str:
        # Insertions at the same line: the deeper one (an item of an inner list) goes first,
        # then the keys of the mapping around it.
        edits = sorted(self._edits,
                       key=lambda e: (e[0], e[1], -_indent_of(e[2][0]) if e[2] else 0))
        for (_, e1, _), (s2, _, _) in zip(edits, edits[1:], strict=False):
            if s2 < e1:  # one edit per key: a bug here, never the user's input
                raise YamlEditError(f"{self.doc.path}:{s2 + 1}: two edits overlap")
        lines = list(self.lines)
        for start, end, new in reversed(edits):
            lines[start:end] = new
        return "".join(lines)
