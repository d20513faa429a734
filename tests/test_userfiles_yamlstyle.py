"""How a value is written in the user's YAML: its quotes, where it ends on its line."""

from __future__ import annotations

import pytest

from tui.userfiles.yamldoc import Editor, YamlDoc, plain
from tui.userfiles.yamlstyle import list_changes, same_items, scalar_end, style_at, styled


@pytest.mark.parametrize(("line", "start", "end"), [
    ('k: "a \\" b"  # c', 3, 11),  # an escaped quote inside double quotes
    ("k: 'it''s' # c", 3, 10),  # '' inside single quotes
    ("k: plain text  # c", 3, 13),  # a plain value ends before its comment
    ("k: a#b", 3, 6),  # a # inside a plain value is not a comment
    ('k: "goes on', 3, None),  # a quoted value that goes on to the next line
])
def test_a_scalar_ends_where_yaml_ends_it(line, start, end):
    assert scalar_end(line, start) == end


def test_in_a_flow_list_a_plain_item_ends_at_the_comma():
    line = "k: [a, 'b', \"c\"]"
    assert [scalar_end(line, i, flow=True) for i in (4, 7, 12)] == [5, 10, 15]


@pytest.mark.parametrize(("value", "style", "text"), [
    ("one_factor", '"', '"one_factor"'),
    ("it's", "'", "'it''s'"),
    ('say "hi"', '"', '"say \\"hi\\""'),
    ("two_factor", "", "two_factor"),
    ("yes", "", "'yes'"),  # a boolean in YAML 1.1: quoted
    ("a: b", "", "'a: b'"),  # not a plain scalar
    ("01", "", "'01'"),
    (True, '"', "true"),  # a boolean stays a boolean
    ("a\nb", "'", None),  # needs more than one line: the emitter writes it elsewhere
])
def test_a_value_keeps_the_quotes_when_they_can_hold_it(value, style, text):
    assert styled(value, style) == text
    if text is not None:
        assert plain(YamlDoc(f"k: {text}\n").root)["k"] == value


def test_style_at_reads_the_first_character():
    assert [style_at("k: x", 3), style_at("k: 'x'", 3), style_at('k: "x"', 3),
            style_at("k: *a", 3), style_at("k: &a x", 3), style_at("k: |", 3)] == [
        "", "'", '"', None, None, None]


def test_list_changes_keep_the_common_items_in_place():
    assert same_items(["a", "b"], ["b", "a"]) and not same_items(["a"], ["a", "a"])
    assert list_changes(["x", "a", "b"], ["b", "a", "c"]) == ([0], ["c"])
    assert list_changes(["a", "a"], ["a"]) == ([1], [])


def test_an_item_added_to_a_list_is_quoted_like_the_last_item():
    doc = YamlDoc('k:\n    - "a"\n    - b\nl:\n    - "a"\n')
    editor = Editor(doc)
    editor.append_item(doc.root["k"], "c d")
    editor.append_item(doc.root["l"], "e")
    assert editor.result() == 'k:\n    - "a"\n    - b\n    - c d\nl:\n    - "a"\n    - "e"\n'
