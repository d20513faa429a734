"""Counts in words: "1 error, 0 warnings", never "error(s)"; no "-0 s" for a clock."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import fake_profile

from tui.core.words import plural

PACKAGE = Path(__file__).resolve().parents[1] / "tui"


@pytest.mark.parametrize("count, word, many, expected", [
    (0, "error", None, "0 errors"), (1, "error", None, "1 error"),
    (2, "warning", None, "2 warnings"), (1, "info", "info", "1 info"),
    (3, "info", "info", "3 info"), (1, "character", None, "1 character"),
])
def test_plural(count, word, many, expected):
    assert plural(count, word, many) == expected


def _strings(tree):
    """Every string literal and f-string part that is not a docstring."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_outside_the_app_says_s_in_brackets():
    # "http(s)" is a scheme, not a plural.
    pattern = re.compile(r"[A-Za-z]\(s\)")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "app" in path.relative_to(PACKAGE).parts:
            continue
        for line, text in _strings(ast.parse(path.read_text())):
            if pattern.search(text.replace("http(s)", "")):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text!r}")
    assert not found, found


def test_the_doctor_counts_in_words(capsys, monkeypatch):
    from tui.cli import doctor as cli_doctor
    from tui.doctor import Finding

    findings = [Finding("tls-ok", "ok", "fine", ""),
                Finding("token-secret-rejected", "error", "refused", "hash it again")]

    def run(target, *, on_finding=None, **options):
        for finding in findings:
            on_finding(finding)
        return findings

    monkeypatch.setattr(cli_doctor, "_target", lambda args: None)
    monkeypatch.setattr("tui.doctor.run", run)
    from tui.cli import main

    assert main(["doctor"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 error, 0 warnings"


@pytest.mark.parametrize("offset", [-0.4, -0.01, 0.0, 0.3])
def test_a_clock_within_half_a_second_is_0_s_never_minus_0(offset):
    from email.utils import formatdate

    from tui.doctor.answers import classify_clock

    now = 1_700_000_000.0
    finding = classify_clock(formatdate(now, usegmt=True), now - offset)
    assert finding.code == "clock-ok"
    assert finding.message.endswith("(0 s)") and "-0" not in finding.message


def test_a_clock_a_second_off_keeps_its_sign():
    from email.utils import formatdate

    from tui.doctor.answers import classify_clock

    now = 1_700_000_000.0
    assert classify_clock(formatdate(now, usegmt=True), now + 2).message.endswith("(-2 s)")
    assert classify_clock(formatdate(now, usegmt=True), now - 2).message.endswith("(+2 s)")


def test_one_character_is_singular():
    from tui.core.checks import check_profile

    messages = [f.message for f in check_profile(fake_profile(session_secret="x"),
                                                 verify_digest=False)]
    assert any("has 1 character;" in m for m in messages), messages


def test_the_audit_summary_counts_in_words():
    from tui.userfiles.audit import Finding, render_text

    one = Finding("env-duplicate-key", "error", "a.env:1", "twice", "keep one")
    assert render_text([one]).splitlines()[-1] == "1 error, 0 warnings, 0 info"
