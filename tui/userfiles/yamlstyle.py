"""The way a value is written in the user's YAML: its quotes, where it ends on its line.

An edit (yamldoc.Editor) that changes one scalar writes the new value in the quotes the old
one had (`"two_factor"` -> `"one_factor"`, `'x'` -> `'y'`, plain stays plain when the new
value reads back the same), keeps the rest of the line (a comment after the value), and
a list item added to a list is quoted like the list's last item. Where a style cannot hold
the value (a line break, a character that must be escaped), the project's emitter writes it.
"""

from __future__ import annotations

import json
from collections import Counter

from ..core.yamlio import dump_yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

QUOTES = ("'", '"')
# What a value can start with that is not a scalar apply writes in place: an anchor, an
# alias, a tag, a block scalar, a flow collection.
NOT_A_SCALAR = ("&", "*", "!", "|", ">", "[", "{")


def style_at(line: str, column: int) -> str | None:
    """The quote style of the scalar that starts at `column`: ' or " or "" (plain); None
    for anything else (an anchor, alias, tag, block scalar or collection)."""
    first = line[column:column + 1]
    if first in QUOTES:
        return first
    if not first or first in NOT_A_SCALAR or first.isspace() or first == "#":
        return None
    return ""


def _quoted_end(line: str, start: int) -> int | None:
    quote, index = line[start], start + 1
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and line[index + 1:index + 2] == "'":
                index += 2  # '' is a quote inside single quotes
                continue
            return index + 1
        index += 1
    return None


def scalar_end(line: str, start: int, *, flow: bool = False) -> int | None:
    """One past the last character of the scalar starting at `start` on `line`; None when
    it does not end on this line (a quoted value that goes on). A plain scalar ends before
    a comment (` #`), and inside [...] before `,` or `]`."""
    if line[start:start + 1] in QUOTES:
        return _quoted_end(line, start)
    body = line.rstrip("\r\n")
    stop = len(body)
    for mark in (" #", "\t#", *((",", "]", "}") if flow else ())):
        found = body.find(mark, start)
        if found != -1:
            stop = min(stop, found)
    return start + len(body[start:stop].rstrip())


def _one_line(value: Any) -> str | None:
    """The emitter's text of a scalar, when it fits on one line."""
    lines = dump_yaml({"k": value}).splitlines()
    return lines[0][3:] if len(lines) == 1 else None


def _plain_reads_back(value: str) -> bool:
    """Whether `value` written plain reads back as the same text, in YAML 1.1 and 1.2."""
    import yaml
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not value or value != value.strip() or not value.isprintable() or "{{" in value:
        return False
    text = f"k: {value}\n"
    try:
        return (yaml.safe_load(text) == {"k": value}
                and YAML(typ="safe", pure=True).load(text) == {"k": value})
    except (yaml.YAMLError, YAMLError):
        return False


def styled(value: Any, style: str | None) -> str | None:
    """`value` as one line of YAML in this quote style when it can be, else as the emitter
    writes it (None: it needs more than one line). Numbers, booleans and null stay plain."""
    if isinstance(value, str) and value.isprintable():
        if style == '"':
            return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML's too
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        if style == "" and _plain_reads_back(value):
            return value
    return _one_line(value)


def same_items(current: Any, wanted: Any) -> bool:
    """Two lists with the same items, in any order."""
    if not isinstance(current, list) or not isinstance(wanted, list):
        return False
    return _multiset(current) == _multiset(wanted)


def _multiset(items: list) -> Counter:
    return Counter(json.dumps(item, sort_keys=True, default=str) for item in items)


def list_changes(current: list, wanted: list) -> tuple[list[int], list[Any]]:
    """(indexes of the items to remove, items to add) that make `current` hold the items of
    `wanted` in any order; the items both have stay where they are."""
    left = _multiset(wanted)
    remove = []
    for index, item in enumerate(current):
        key = json.dumps(item, sort_keys=True, default=str)
        if left[key] > 0:
            left[key] -= 1
        else:
            remove.append(index)
    have = _multiset(current)
    add = []
    for item in wanted:
        key = json.dumps(item, sort_keys=True, default=str)
        if have[key] > 0:
            have[key] -= 1
        else:
            add.append(item)
    return remove, add
