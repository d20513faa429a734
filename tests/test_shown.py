"""The one rule for outside strings: controls escaped visibly, long values cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.core.shown import LIMIT, is_clean, shown, shown_path

OSC52 = "\x1b]52;c;aGVsbG8=\x07"


def test_osc52_csi_c1_and_bidi_are_escaped_visibly():
    assert shown(f"a{OSC52}b") == "a\\x1b]52;c;aGVsbG8=\\x07b"
    assert shown("\x1b[2J") == "\\x1b[2J"
    assert shown("x\x9b31m\x9d0;t\x9c") == "x\\x9b31m\\x9d0;t\\x9c"
    assert shown("\u202eevil\u2066") == "\\u202eevil\\u2066"
    assert shown("one\ntwo\rthree\x7f") == "one\\x0atwo\\x0dthree\\x7f"


def test_tab_and_ordinary_unicode_stay():
    assert shown("a\tb é ✓ 名") == "a\tb é ✓ 名"


def test_long_values_are_cut_with_a_marker():
    out = shown("x" * (LIMIT + 50))
    assert out == "x" * LIMIT + "… (50 more characters)"
    assert shown("y" * LIMIT) == "y" * LIMIT


def test_paths_are_escaped_but_never_cut():
    long = "/tmp/" + "d" * 500 + "\nx"
    assert shown_path(long) == "/tmp/" + "d" * 500 + "\\x0ax"
    assert shown_path(b"/tmp/\xff\x1b") == "/tmp/\\xff\\x1b"


@given(st.text())
def test_shown_is_idempotent_and_clean(text):
    once = shown(text, limit=None)
    assert shown(once, limit=None) == once
    assert is_clean(once)
    assert "\x1b" not in once and "\n" not in once and "\x9b" not in once
