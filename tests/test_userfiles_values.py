"""Placeholders, literal parts of templates, the profile's checks on the files, and no
secret in any finding (value_checks.py, placeholders.py, login_rules.py)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import DATA
from tests.test_userfiles_corpus import CASES, Case, _audit
from tui.core.digest import NotADigest, identify
from tui.userfiles.librechat_env_names import NAMES
from tui.userfiles.login_rules import typo_of
from tui.userfiles.masking import is_sensitive_key
from tui.userfiles.placeholders import has_expression, looks_like_placeholder
from tui.userfiles.value_checks import CODES

DOCS = DATA.parents[1] / "docs" / "audit-codes.md"


def test_the_docs_document_every_new_code():
    docs = DOCS.read_text()
    for code, (severity, _) in CODES.items():
        assert f"| `{code}` | {severity} |" in docs, code


def test_the_shipped_names_are_those_of_librechats_env_example():
    text = (DATA / "librechat" / "env.example").read_text()
    assert NAMES == set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))


@pytest.mark.parametrize("value", ["${DOMAIN}", "https://${AUTH_DOMAIN:-auth.x}",
                                   "$${DIGEST}$", "https://$DOMAIN/cb", "{{ .Values.x }}"])
def test_expressions_are_not_values(value):
    assert has_expression(value)


@pytest.mark.parametrize("value", ["$pbkdf2-sha512$1000$abc$def", "$uperS3cret$",
                                   "$2b$12$abc", "{{< hint >}}", "plain"])
def test_digests_secrets_and_shortcodes_are_not_expressions(value):
    assert not has_expression(value)


@pytest.mark.parametrize("value", ["[YourClientID]", "https://<tenant-id>/x",
                                   "your-client-secret", "insecure_secret", "changeme",
                                   "xxxxx", "insecure_session_secret"])
def test_guide_placeholders_are_recognised(value):
    assert looks_like_placeholder(value)


@pytest.mark.parametrize("value", ["fake-client-id-xxxxxxxxxxxxxxxx", "https://auth.example.net",
                                   "Log in with Authelia", "7f3kQ9zrandom"])
def test_real_values_are_not_placeholders(value):
    assert not looks_like_placeholder(value)


def test_typos_of_librechat_variables_are_named_and_unrelated_names_are_not():
    assert typo_of("SOCIAL_LOGIN_ENABLED") == "ALLOW_SOCIAL_LOGIN"
    assert typo_of("OPENID_SESSION_SECERT") == "OPENID_SESSION_SECRET"
    for name in ("POSTGRES_PASSWORD", "TZ", "AUTHELIA_DOMAIN", "ALLOW_SOCIAL_LOGIN",
                 "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"):
        assert typo_of(name) is None, name


def test_a_plaintext_secret_starting_with_a_dollar_is_never_quoted_by_the_digest_check():
    with pytest.raises(NotADigest) as caught:
        identify("$uperS3cret$")
    assert "uperS3cret" not in str(caught.value)


MARKER = "Mq7MarkerZ"
_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?P<key>[A-Za-z_][\w.-]*)\s*[:=]\s*)(?P<value>\S.*)$")


def _marked(text: str, form: str) -> str:
    out = []
    for line in text.splitlines():
        match = _LINE.match(line)
        # *_METHOD / *_KIND / *_PATH name a setting from a fixed list, not a secret.
        if match and is_sensitive_key(match.group("key")) and "{{" not in line \
                and not match.group("key").upper().endswith(("_METHOD", "_KIND", "_PATH")) \
                and match.group("value").strip() not in ("|", ">", "|-", ">-"):
            sep = "=" if "=" in match.group("lead") and ":" not in match.group("lead") else ":"
            value = form.format(MARKER)
            line = match.group("lead") + (value if sep == "=" else f"'{value}'")
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("form", ["${}$", "{}", "{}0123456789abcdefghijklmnopqrstuv"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_secret_value_ever_appears_in_a_finding(case, form, tmp_path, monkeypatch):
    import tests.test_userfiles_corpus as corpus

    for path in corpus.CORPUS.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_text(_marked(path.read_text(), form))
    monkeypatch.setattr(corpus, "CORPUS", tmp_path)
    findings = _audit(Case(case.config, case.codes, env=case.env, compose=case.compose,
                           librechat=case.librechat))
    for finding in findings:
        for text in (finding.message, finding.fix, finding.where or ""):
            assert MARKER.lower() not in text.lower(), finding
    shutil.rmtree(tmp_path)
