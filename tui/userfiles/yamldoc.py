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

from ..core.inputerror import InputError
from ..core.shown import shown, shown_path
from ..core.yamlio import dump_yaml
from .dotenv import lines_of, newline_of
from .yamlstyle import list_changes, same_items, scalar_end, style_at, styled

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"LCATEMPLATE[0-9]+X")
MISSING = object()

#: Collections nested deeper than this are refused (Authelia's configuration needs ~8).
MAX_DEPTH = 100
#: Values that aliases (*name) may add to a document once expanded. A "billion laughs"
#: document of 1 KB expands to 10**9 values; real files add at most a few hundred.
MAX_ALIAS_VALUES = 100_000


class YamlDocError(InputError):
    """The file does not parse; .line is 1-based (or None) and the message has no value."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"{shown_path(path)}:{line}" if line else shown_path(path)
        super().__init__(f"{where}: not valid YAML: {problem}")


class YamlEditError(InputError):
    """An edit this module will not make safely (the message says what to do by hand)."""


def _safe_problem(error: Exception) -> str:
    """ruamel's problem text, without the values it sometimes quotes (they may be secrets)."""
    problem = getattr(error, "problem", None) or getattr(error, "context", None) \
        or "the parser stopped here"
    duplicate = re.match(r'found duplicate key "(.*?)" with value', problem)
    if duplicate:
        return f"the key {shown(duplicate.group(1))!r} appears twice in one mapping"
    if problem.startswith(("maximum depth of data structure exceeded",
                           "exceeded maximum nesting depth")):  # ruamel.yaml, libyaml
        return f"collections nested more than {MAX_DEPTH} levels deep"
    return shown(problem)


def _describe(error: Exception, text: str) -> tuple[int | None, str]:
    """(1-based line or None, the problem in words with its column) for a load error."""
    from ruamel.yaml.reader import ReaderError

    if isinstance(error, ReaderError) and isinstance(error.position, int):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = error.character
        name = shown(chr(character)) if isinstance(character, int) else "a character"
        return line, (f"the control character {name} (column {column}) is not allowed in "
                      "YAML, even quoted: write it as an escape (\\x..) in double quotes")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return None, _safe_problem(error)
    return mark.line + 1, f"{_safe_problem(error)} (column {mark.column + 1})"


def _unreadable_value(node: Any, error: Exception) -> str:
    """Why a scalar could not be made into a value, in words, without the value."""
    value = getattr(node, "value", None)
    kind = str(getattr(node, "tag", "") or "").rpartition(":")[2] or "value"
    if isinstance(value, str) and "digits" in str(error) and kind == "int":
        import sys

        most = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
        return (f"a number of {len(value)} digits, longer than the {most} this program "
                "reads: quote it if it is text")
    return f"this {kind} cannot be read ({type(error).__name__})"


_LOADER_CLASSES: list = []


def _loader_classes() -> tuple[type, type]:
    """ruamel.yaml's round-trip scanner and constructor, made safe for any input.

    The scanner refuses flow collections ([ {) nested past MAX_DEPTH as soon as it meets
    them (its look-ahead makes deep nesting quadratic); the constructor names the place
    of a value Python cannot build (a 100,000-digit integer, February 30th).
    """
    if _LOADER_CLASSES:
        return _LOADER_CLASSES[0], _LOADER_CLASSES[1]
    from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scanner import RoundTripScanner, ScannerError

    class Scanner(RoundTripScanner):
        def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:  # noqa: N803
            if len(self.flow_context) >= MAX_DEPTH:
                raise ScannerError(None, None, f"collections nested more than {MAX_DEPTH} "
                                   "levels deep", self.reader.get_mark())
            super().fetch_flow_collection_start(TokenClass, to_push)

    class Constructor(RoundTripConstructor):
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except YAMLError:
                raise
            except (ValueError, OverflowError, TypeError) as error:
                raise ConstructorError(None, None, _unreadable_value(node, error),
                                       node.start_mark) from None

    _LOADER_CLASSES[:] = [Scanner, Constructor, _event_parser_class(), _composer_class()]
    return Scanner, Constructor


def _composer_class() -> type:
    """ruamel.yaml's composer, with its parser and resolver looked up once, not per event
    (the lookups were a fifth of a large file's load)."""
    from ruamel.yaml.composer import Composer as RuamelComposer

    class Composer(RuamelComposer):
        parser: Any = None  # plain attributes in place of the properties
        resolver: Any = None

        def __init__(self, loader: Any = None) -> None:
            super().__init__(loader)
            self.parser = loader.parser
            self.resolver = loader.resolver

    return Composer


def _event_parser_class() -> type | None:
    """A parser for ruamel.yaml's composer that reads libyaml's events (PyYAML's C parser).

    ruamel.yaml's own scanner and parser are pure Python and comment-aware: about 80% of
    a load, ~4 s for a configuration of 200,000 keys on a quiet machine. Reading needs no
    comments (edits keep the original lines), so libyaml parses, and ruamel.yaml's composer
    and round-trip constructor still build the same tree, with the same line numbers and
    the same YAML 1.2 rules. None when PyYAML was built without libyaml.
    """
    try:
        from yaml import events as c_events
        from yaml._yaml import CParser
    except ImportError:
        return None
    from ruamel.yaml.error import MarkedYAMLError

    convert = _event_converters(c_events)
    starts = (c_events.MappingStartEvent, c_events.SequenceStartEvent)
    ends = (c_events.MappingEndEvent, c_events.SequenceEndEvent)

    class EventParser(_EventParserBase):
        def peek_event(self) -> Any:
            if self._next is None:
                if self._parser is None:
                    self._parser = CParser(self.loader.lca_text)
                event = self._parser.get_event()
                if event is None:
                    return None
                if isinstance(event, starts):
                    self._depth += 1
                    if self._depth > MAX_DEPTH:
                        raise MarkedYAMLError(problem=f"collections nested more than "
                                              f"{MAX_DEPTH} levels deep",
                                              problem_mark=event.start_mark)
                elif isinstance(event, ends):
                    self._depth -= 1
                self._next = convert[type(event)](event)
            return self._next

    return EventParser


class _EventParserBase:
    """What ruamel.yaml's composer calls on a parser, over `peek_event` (the subclass's)."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self._parser: Any = None
        self._next: Any = None
        self._depth = 0

    def peek_event(self) -> Any:
        raise NotImplementedError

    def get_event(self) -> Any:
        event = self.peek_event()
        self._next = None
        return event

    def check_event(self, *choices: Any) -> bool:
        event = self.peek_event()
        return event is not None and (not choices or isinstance(event, choices))

    def dispose(self) -> None:
        if self._parser is not None:
            self._parser.dispose()


def _event_converters(c_events: Any) -> dict[type, Any]:
    """libyaml's event class -> a function making ruamel.yaml's event from one of them."""
    from ruamel.yaml import events
    from ruamel.yaml.tag import Tag

    def tag(event: Any) -> Any:
        return Tag(suffix=event.tag) if event.tag else None

    def collection(kind: type) -> Any:
        return lambda e: kind(e.anchor, tag(e), e.implicit, e.start_mark, e.end_mark,
                              flow_style=e.flow_style)

    return {
        c_events.ScalarEvent: lambda e: events.ScalarEvent(
            e.anchor, tag(e), e.implicit, e.value, e.start_mark, e.end_mark, style=e.style),
        c_events.MappingStartEvent: collection(events.MappingStartEvent),
        c_events.SequenceStartEvent: collection(events.SequenceStartEvent),
        c_events.MappingEndEvent: lambda e: events.MappingEndEvent(e.start_mark, e.end_mark),
        c_events.SequenceEndEvent: lambda e: events.SequenceEndEvent(e.start_mark, e.end_mark),
        c_events.AliasEvent: lambda e: events.AliasEvent(e.anchor, e.start_mark, e.end_mark),
        c_events.StreamStartEvent: lambda e: events.StreamStartEvent(e.start_mark, e.end_mark),
        c_events.StreamEndEvent: lambda e: events.StreamEndEvent(e.start_mark, e.end_mark),
        c_events.DocumentStartEvent: lambda e: events.DocumentStartEvent(
            e.start_mark, e.end_mark, explicit=e.explicit, version=e.version, tags=e.tags),
        c_events.DocumentEndEvent: lambda e: events.DocumentEndEvent(
            e.start_mark, e.end_mark, explicit=e.explicit),
    }


def _yaml(text: str):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.max_depth = MAX_DEPTH  # ruamel.yaml 0.19: the composer's own depth limit
    yaml.Scanner, yaml.Constructor = _loader_classes()
    yaml.Composer = _LOADER_CLASSES[3]
    if _LOADER_CLASSES[2] is not None:
        yaml.Parser = _LOADER_CLASSES[2]
        yaml.lca_text = text
    return yaml


def _line(container: Any, key: Any) -> int | None:
    """1-based line of the value at `key` (a key or an index) in `container`."""
    lc = getattr(container, "lc", None)
    if lc is None:
        return None
    try:
        position = lc.item(key) if isinstance(container, list) else lc.value(key)
        return position[0] + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return lc.line + 1 if getattr(lc, "line", None) is not None else None


def _items(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, (dict, list, tuple)):
                yield key, key
            yield key, value
    else:
        yield from enumerate(node)


_CONTAINERS = (dict, list, tuple)


def check_aliases(root: Any) -> tuple[int | None, str] | None:
    """(line, problem) when aliases make `root` expand past MAX_ALIAS_VALUES values or hold
    themselves; None when the document is fine.

    ruamel.yaml builds an alias as the same Python object as its anchor, so the document
    is a graph: each collection is visited once, its expanded size kept, and every further
    visit (an alias, a merge key) adds that size to what the aliases expand to. Linear in
    the file, however far the aliases would expand.
    """
    if not isinstance(root, _CONTAINERS):
        return None
    walk = _AliasWalk(root)
    while walk.stack:
        problem = walk.advance()
        if problem is not None:
            return problem
    return None


class _AliasWalk:
    """check_aliases's walk, depth first without recursion."""

    def __init__(self, root: Any) -> None:
        self.sizes: dict[int, int] = {}  # id -> expanded size of a collection already visited
        self.active: set[int] = {id(root)}
        self.added = 0
        self.stack: list[list] = [[root, _items(root), 1]]  # node, its items, size so far

    def advance(self) -> tuple[int | None, str] | None:
        """Count the top collection's items up to one to visit first (pushed), or all of
        them (popped, its size kept); a problem when the aliases go too far."""
        frame = self.stack[-1]
        node, items = frame[0], frame[1]
        for key, child in items:
            if not isinstance(child, _CONTAINERS) or isinstance(child, str):
                frame[2] += 1
                continue
            known = self.sizes.get(id(child))
            if known is not None:
                frame[2] += known
                self.added += known
                if self.added > MAX_ALIAS_VALUES:
                    return _line(node, key), (
                        f"aliases (*name) expand the document to more than "
                        f"{MAX_ALIAS_VALUES:,} values by here (a \"billion laughs\" "
                        "document): not read")
                continue
            if id(child) in self.active:
                return _line(node, key), ("an alias (*name) here refers to a collection "
                                          "that holds it: the document never ends")
            self.active.add(id(child))
            self.stack.append([child, _items(child), 1])
            return None
        self.stack.pop()
        self.active.discard(id(node))
        self.sizes[id(node)] = frame[2]
        if self.stack:
            self.stack[-1][2] += frame[2]
        return None


class YamlDoc:
    """One file: its original text and lines, the parsed tree, and its templates."""

    def __init__(self, text: str, path: str | Path = "<text>") -> None:
        self.path = str(path)
        self.text = text
        self.templates: dict[str, str] = {}  # token -> original template text
        self.template_lines: dict[int, list[str]] = {}  # 1-based line -> templates on it
        self.parse_text = self._swap_templates(text)
        try:
            self.root = _yaml(self.parse_text).load(self.parse_text)
        except RecursionError:  # MAX_DEPTH keeps the parser well within Python's stack
            raise YamlDocError(self.path, None, "collections nested too deeply for this "
                               f"program (more than {MAX_DEPTH} levels)") from None
        except Exception as error:  # ruamel raises several unrelated classes
            line, problem = _describe(error, self.parse_text)
            raise YamlDocError(self.path, line, problem) from None
        found = check_aliases(self.root)
        if found is not None:
            raise YamlDocError(self.path, *found)

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


def plain(value: Any, _memo: dict | None = None) -> Any:
    """Any value read by ruamel.yaml as plain Python data: str, int, bool, float, None, list
    and dict only.

    ruamel's round-trip types stay behind: commented containers, scalar strings (an
    anchored or quoted "two_factor"), anchored booleans (ScalarBoolean is an int: `&p
    true` must stay True, not 1), anchored numbers, custom-tagged scalars (their text),
    sets (their members, as a list), dates and timestamps (their ISO text). Merge keys
    (`<<: *base`) are already expanded by ruamel. A collection that aliases share is
    converted once (`_memo`), so the work stays linear in the file.
    """
    from collections.abc import Set

    memo: dict = {} if _memo is None else _memo
    if isinstance(value, (dict, list, Set)):
        known = memo.get(id(value))
        if known is not None:
            return known
    if isinstance(value, dict):
        return _plain_dict(value, memo)
    if isinstance(value, (list, Set)):
        items: list = []
        memo[id(value)] = items
        items.extend(plain(v, memo) for v in value)
        return items
    if isinstance(value, tuple):
        return [plain(v, memo) for v in value]
    return _plain_scalar(value)


def _plain_dict(value: dict, memo: dict) -> dict:
    from collections.abc import Set

    out: dict = {}
    memo[id(value)] = out
    for k, v in value.items():
        key = str(k) if isinstance(k, (list, dict, tuple, Set)) else plain(k, memo)
        out[key] = plain(v, memo)
    return out


def _plain_scalar(value: Any) -> Any:
    import datetime

    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if value is None:
        return None
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    inner = getattr(value, "value", None)  # TaggedScalar: `!custom text`
    if isinstance(inner, str):
        return str(inner)
    return str(value)


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

    def set_key(self, mapping: Any, key: str, value: Any, unordered: bool = False) -> bool:
        """Give `key` this value in `mapping`; False (nothing to do) when it already has it
        (`unordered`: a list with the same items in another order has it).

        A mapping value is merged key by key when both are block mappings, so the keys
        this edit does not name keep their lines; an unordered list loses and gains only
        the items that differ; a scalar keeps its quotes and what follows it on its line.
        """
        if self._flow(mapping):
            line = mapping.lc.line + 1 if hasattr(mapping, "lc") else "?"
            raise YamlEditError(f"{self.doc.path}:{line}: a one-line {{...}} mapping: change "
                                f"{key} by hand")
        own = hasattr(mapping, "lc") and key in mapping.lc.data
        if key in mapping:  # its own, or from a merge key (<<: *base)
            current = plain(mapping[key])
            if current == value or (unordered and same_items(current, value)):
                return False
        if not own:
            self._append_to_mapping(mapping, {key: value})
            return True
        return self._change_key(mapping, key, value, unordered)

    def _change_key(self, mapping: Any, key: str, value: Any, unordered: bool) -> bool:
        current = mapping[key]
        if (isinstance(value, dict) and isinstance(current, dict) and current
                and not self._flow(current)):
            changed = False
            for k, v in value.items():
                changed |= self.set_key(current, k, v)
            return changed
        if unordered and self._edit_list(mapping, key, value):
            return True
        if not self._replace_scalar(mapping, key, value):
            self.replace_key(mapping, key, value)
        return True

    # In place: one scalar, the items of a list ------------------------------------------

    def _house_quote(self) -> str:
        """The quote most values of the file are written in (for a value that had none)."""
        double = sum(self.doc.text.count(f"{mark} \"") for mark in (":", "-"))
        single = sum(self.doc.text.count(f"{mark} '") for mark in (":", "-"))
        return '"' if double > single else "'"

    def _on_template_line(self, line: int) -> bool:
        return line + 1 in self.doc.template_lines  # 0-based line; positions move there

    def _replace_scalar(self, mapping: Any, key: str, value: Any) -> bool:
        """The scalar value of a one-line key rewritten in place, in its quotes, the rest of
        the line kept; an alias (*name) is replaced by the value. False: not such a key."""
        if isinstance(value, (dict, list)) or isinstance(mapping[key], (dict, list)):
            return False
        start, end, _ = self._key_span(mapping, key)
        if end != start + 1 or self._on_template_line(start):
            return False
        text = self.lines[start]
        line, column = mapping.lc.value(key)
        if line != start:  # an alias: its position is its anchor's
            after = text.find(":", mapping.lc.key(key)[1]) + 1
            column = len(text) - len(text[after:].lstrip(" "))
            if text[column:column + 1] != "*":
                return False
            stop, style = len(text[:column] + text[column:].split()[0]), self._house_quote()
        else:
            style = style_at(text, column)
            stop = scalar_end(text, column) if style is not None else None
        new = styled(value, style)
        if stop is None or new is None:
            return False
        self._edits.append((start, end, [text[:column] + new + text[stop:]]))
        return True

    def _edit_list(self, mapping: Any, key: str, wanted: Any) -> bool:
        """The items of the list at `key` that `wanted` lacks removed, its missing ones
        added, the others left as written. False when the list cannot be edited so (a
        template, an anchor, an empty list)."""
        current = mapping[key]
        if (not isinstance(current, list) or not current or not isinstance(wanted, list)
                or not wanted or self.doc.is_templated(current) or _anchors(current)):
            return False
        if self._flow(current):
            return self._edit_flow_list(mapping, key, wanted)
        remove, add = list_changes(plain(current), wanted)
        for index in remove:
            self.remove_item(current, index)
        for item in add:
            self.append_item(current, item)
        return True

    def _edit_flow_list(self, mapping: Any, key: str, wanted: list) -> bool:
        """A one-line [...] list rewritten on its line: the items kept as written, the new
        ones quoted like the last item."""
        seq = mapping[key]
        line, column = mapping.lc.value(key)
        text = self.lines[line]
        if (self._on_template_line(line) or text[column:column + 1] != "["
                or any(seq.lc.item(i)[0] != line for i in range(len(seq)))):
            return False
        raw = []
        for index in range(len(seq)):
            item_column = seq.lc.item(index)[1]
            end = scalar_end(text, item_column, flow=True)
            if end is None or style_at(text, item_column) is None:
                return False
            raw.append(text[item_column:end])
        close = text.find("]", seq.lc.item(len(seq) - 1)[1] + len(raw[-1]))
        remove, add = list_changes(plain(seq), wanted)
        style = style_at(text, seq.lc.item(len(seq) - 1)[1])
        items = [r for i, r in enumerate(raw) if i not in remove] + [
            styled(item, style) for item in add]
        if close == -1 or None in items:
            return False
        pad = " " if text[column + 1:column + 2] == " " else ""
        inner = ", ".join(str(item) for item in items)
        self._edits.append((line, line + 1,
                            [f"{text[:column]}[{pad}{inner}{pad}]{text[close + 1:]}"]))
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
        self._edits.append((end, end, self._emit_keys(data, column)))

    def _emit_keys(self, data: dict, column: int) -> list[str]:
        """New keys: a text value in the quotes most of the file uses, others emitted."""
        [(key, value)] = data.items() if len(data) == 1 else [(None, None)]
        one = (styled(value, self._house_quote())
               if isinstance(value, str) and _PLAIN_KEY.fullmatch(str(key)) else None)
        if one is None:
            return self._emit(data, column)
        return [f"{' ' * column}{key}: {one}{self.nl}"]

    def append_item(self, seq: Any, value: Any) -> None:
        """Add an item after the last one; text is quoted like the last item."""
        if not seq or self._flow(seq):
            raise YamlEditError(f"{self.doc.path}: cannot add to an empty or one-line list")
        start, dash = self._item_start(seq, len(seq) - 1)
        end = self._span_end(start, dash)
        line, column = seq.lc.item(len(seq) - 1)
        style = None if self._on_template_line(line) else style_at(self.lines[line], column)
        one = styled(value, style) if isinstance(value, str) and style is not None else None
        lines = ([" " * dash + "- " + one + self.nl] if one is not None
                 else self._emit([value], dash))
        self._edits.append((end, end, lines))

    def remove_item(self, seq: Any, index: int) -> None:
        """Remove list item `index` whole (a comment after it stays)."""
        start, dash = self._item_start(seq, index)
        self._check_replaceable(seq[index], start)
        self._edits.append((start, self._span_end(start, dash), []))

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
