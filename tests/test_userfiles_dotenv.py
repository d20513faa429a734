"""LibreChat's .env as Node dotenv reads it (FACTS.md: .env and Compose), and its editor."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, FAKE_CLIENT_SECRET
from tui.userfiles.dotenv import (
    HEADER,
    DotEnvEditError,
    DotEnvError,
    lines_of,
    load_env_values,
    parse_dotenv,
    read_dotenv,
    set_values,
)


def test_unquoted_value_ends_at_the_first_hash():
    # FACTS.md: "an unquoted value ends at the first `#`".
    env = parse_dotenv("SECRET=abc#def\nOTHER=x # a comment\nEMPTY=#gone\n")
    assert env.get("SECRET") == "abc"
    assert env.winner("SECRET").truncated
    assert env.get("OTHER") == "x"
    assert not env.winner("OTHER").truncated
    assert env.get("EMPTY") == ""
    assert env.winner("EMPTY").truncated


def test_single_quoted_values_are_literal_and_double_quotes_expand_newlines():
    # FACTS.md: "single-quoted values are literal".
    env = parse_dotenv("A='x#y\\n'\nB=\"x#y\\n\"\nC=`b#q`\n")
    assert env.get("A") == "x#y\\n"
    assert env.get("B") == "x#y\n"
    assert env.get("C") == "b#q"
    assert not any(e.truncated for e in env.entries)


def test_a_repeated_key_takes_the_last_value_with_line_numbers():
    # FACTS.md: "a repeated key takes the last value".
    env = parse_dotenv("# c\nKEY=first\n\nexport KEY=second\n", "x/.env")
    assert env.get("KEY") == "second"
    assert [e.line for e in env.all("KEY")] == [2, 4]
    assert env.winner("KEY").export
    assert list(env.duplicates()) == ["KEY"]
    assert env.where(4) == "x/.env:4"


def test_multiline_quoted_value_spans_lines_and_crlf_is_read():
    env = parse_dotenv('A="one\r\ntwo"\r\nB=2\r\n')
    assert env.get("A") == "one\ntwo"
    assert (env.winner("A").line, env.winner("A").end_line) == (1, 2)
    assert env.winner("B").line == 3


def test_colon_form_and_ignored_lines():
    env = parse_dotenv("A: 1\nnot an assignment\n  # indented comment\nB=2\n")
    assert env.values == {"A": "1", "B": "2"}
    assert env.ignored_lines == [2]


def test_env_example_reads_as_dotenv_would():
    env = read_dotenv(DATA / "librechat" / "env.example")
    assert env.get("OPENID_SCOPE") == "openid profile email"
    assert env.get("OPENID_CALLBACK_URL") == "/oauth/openid/callback"
    # "OPENID_JWKS_URL_CACHE_TIME= # 600000 ms ..." is empty, not truncated.
    assert env.get("OPENID_JWKS_URL_CACHE_TIME") == ""
    assert not env.winner("OPENID_JWKS_URL_CACHE_TIME").truncated
    assert env.winner("OPENID_CLIENT_ID").line == 792


def test_reading_api_for_other_modules(tmp_path):
    path = tmp_path / ".env"
    path.write_text("OPENID_ISSUER=https://auth.example.com\n")
    assert load_env_values(path) == {"OPENID_ISSUER": "https://auth.example.com"}
    path.write_bytes(b"A=1\nB=\xff\n")
    with pytest.raises(DotEnvError, match=r"\.env:2: not UTF-8"):
        read_dotenv(path)
    with pytest.raises(OSError):
        read_dotenv(tmp_path / "missing")


def test_repr_never_shows_a_value():
    env = parse_dotenv(f"OPENID_CLIENT_SECRET={FAKE_CLIENT_SECRET}\n")
    assert FAKE_CLIENT_SECRET not in repr(env.entries) + repr(env)


# Editing ---------------------------------------------------------------------------------


def test_set_in_place_keeps_every_other_line_byte_identical():
    text = "# top\nA=1\r\nexport  B=old # why\nC=3"
    result = set_values(text, {"B": "new"})
    assert lines_of(result) == ["# top\n", "A=1\r\n", "export B='new' # why\n", "C=3\n"]


def test_equal_value_is_left_alone_and_setting_twice_changes_nothing():
    text = "A=1\nB='two'\n"
    assert set_values(text, {"A": "1", "B": "two"}) == text
    once = set_values("X=1", {"A": "1", "X": "2"})
    assert set_values(once, {"A": "1", "X": "2"}) == once


def test_later_duplicates_are_commented_out_with_a_note():
    text = "KEY=a\nOTHER=1\nKEY=b\n"
    result = set_values(text, {"KEY": "c"})
    assert parse_dotenv(result).values == {"KEY": "c", "OTHER": "1"}
    assert result.splitlines()[1] == "OTHER=1"
    assert "# KEY=b" in result.splitlines()
    assert "dotenv would let this later line win" in result


def test_missing_keys_go_under_one_header_after_a_final_newline():
    result = set_values("A=1", {"B": "2", "C": "x y"})
    assert result == f"A=1\n\n{HEADER}\nB='2'\nC='x y'\n"
    assert set_values("", {"B": "2"}) == f"{HEADER}\nB='2'\n"


def test_truncated_value_is_rewritten_quoted():
    result = set_values("S=abc#def\n", {"S": "abc#def"})
    assert result == "S='abc#def'\n"
    assert parse_dotenv(result).get("S") == "abc#def"


def test_crlf_file_gets_crlf_lines():
    result = set_values("A=1\r\nB=2\r\n", {"C": "3"})
    assert result.endswith("C='3'\r\n") and "\n\n" not in result.replace("\r\n", "\n\n", 0)


# Any .env, any values: the editor's promises hold -------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_KEYS = st.sampled_from(["A", "B", "OPENID_SCOPE", "DOMAIN_SERVER", "x.y-z"])
_RAW = st.text(alphabet="abc #'\"=:$-_/", max_size=12)
_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}={v}", _KEYS, _RAW),
    st.builds(lambda k, v: f"export {k}='{v}'", _KEYS, st.text(alphabet="ab #\"", max_size=6)),
    st.builds(lambda k, v: f'{k}="{v}" # note', _KEYS, st.text(alphabet="ab #'", max_size=6)),
    st.sampled_from(["", "# comment", "  # indented", "not an assignment", "C: 1"]),
)
_VALUES = st.dictionaries(_KEYS, st.text(alphabet="ab #'\"=$-/", max_size=10), max_size=3)


def test_an_edit_dotenv_would_read_across_an_open_quote_is_refused():
    # Found by the property test below: line 3's open quote would swallow the rewritten B.
    with pytest.raises(DotEnvEditError, match="unclosed quote"):
        set_values('A="\nB="a" # note\nA="', {"B": ""})


def _is_subsequence(part, whole):
    iterator = iter(whole)
    return all(any(item == other for other in iterator) for item in part)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=12), st.sampled_from(["\n", "\r\n"]), st.booleans(), _VALUES)
def test_set_values_keeps_its_promises(lines, newline, final, values):
    from tui.core.envfile import env_value_problem

    values = {k: v for k, v in values.items() if env_value_problem(v) is None}
    text = newline.join(lines) + (newline if final and lines else "")
    try:
        result = set_values(text, values)
    except DotEnvEditError:
        # Refused only for an open quote: a value that spans lines or starts unclosed.
        assert any(e.end_line > e.line or (not e.quote and e.value[:1] in "'\"`")
                   for e in parse_dotenv(text).entries if e.value)
        return
    parsed = parse_dotenv(result)
    for key, value in values.items():
        assert parsed.get(key) == value
    assert set_values(result, values) == result  # idempotent
    before = parse_dotenv(text)
    touched = {n for e in before.entries if e.key in values
               for n in range(e.line, e.end_line + 1)}
    kept = [line for number, line in enumerate(lines_of(text), start=1)
            if number not in touched and line.endswith(("\n", "\r"))]
    assert _is_subsequence(kept, lines_of(result))
    for key, value in before.values.items():
        if key not in values:
            assert parsed.get(key) == value  # other keys read the same
    if result != text:
        assert result.endswith(("\n", "\r"))
