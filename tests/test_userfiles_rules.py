"""The audit's rules: each names the codes it adds, the tables keep the findings' order, and
docs/audit-codes.md's table is exactly the codes the rules (and the reading of the inputs)
add."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.test_userfiles_audit import AUTHELIA_SERVICE, CASES, client_with, env_with, run
from tui.userfiles.audit import CODES, READING_CODES, RULES, AuditRun
from tui.userfiles.rules.client import CLIENT_RULES
from tui.userfiles.rules.registry import by_code

DOCS = Path(__file__).resolve().parents[1] / "docs" / "audit-codes.md"


def documented_codes() -> list[str]:
    """The codes of the docs' table, in its order (the first column of each row)."""
    return re.findall(r"^\| `([a-z0-9-]+)` \|", DOCS.read_text(), flags=re.MULTILINE)


def test_the_docs_table_is_exactly_the_codes_the_rules_add():
    documented = documented_codes()
    assert len(documented) == len(set(documented)), "a code is in the table twice"
    from_rules = set(by_code(RULES))
    assert not set(documented) - from_rules - set(READING_CODES), \
        "documented, but no rule adds it (nor the reading of the inputs)"
    assert not from_rules - set(documented), "a rule adds it, but the docs do not list it"
    assert set(READING_CODES) <= set(documented)
    from tui.userfiles import file_checks, value_checks

    assert set(documented) == set(CODES) | set(file_checks.CODES) | set(value_checks.CODES)


def test_each_rule_has_a_docstring_naming_its_codes():
    for rule in RULES:
        assert rule.CODES, f"{rule.__name__} names no code"
        doc = " ".join((rule.__doc__ or "").split())
        # value-not-checkable (a value from a template) is said once per module instead.
        for code in set(rule.CODES) - {"value-not-checkable"}:
            assert code in doc, f"{rule.__name__}'s docstring does not name {code}"


@pytest.fixture
def added_by(monkeypatch):
    """(the innermost rule on the stack, or None, and the code) of every finding added."""
    rule_of = {rule.__code__: rule for rule in RULES}
    added = []
    original = AuditRun.add

    def add(self, code, *args, **kwargs):
        frame = sys._getframe(1)
        while frame is not None and frame.f_code not in rule_of:
            frame = frame.f_back
        added.append((rule_of[frame.f_code] if frame is not None else None, code))
        return original(self, code, *args, **kwargs)

    monkeypatch.setattr(AuditRun, "add", add)
    return added


# Every key the client rules read comes from a template: each rule reports it.
TEMPLATED_KEYS = ("client_secret", "token_endpoint_auth_method", "redirect_uris", "scopes",
                  "authorization_policy", "pkce_challenge_method", "audience")
FIXTURES = {**{code: kwargs for code, (kwargs, _) in CASES.items()},
            "a client of templates": dict(
                config=client_with(*((key, '{{ env "X" }}') for key in TEMPLATED_KEYS)),
                env=env_with(("OPENID_AUDIENCE", "https://api.example.com")))}


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_each_rule_adds_only_the_codes_it_names(tmp_path, added_by, fixture):
    run(tmp_path, **FIXTURES[fixture])
    assert added_by
    for rule, added in added_by:
        if rule is None:
            assert added in READING_CODES, f"{added} is added outside any rule"
        else:
            assert added in rule.CODES, f"{rule.__name__} adds {added}, which it does not name"


def test_a_client_key_from_a_template_is_reported_by_each_rule_reading_it(tmp_path, added_by):
    run(tmp_path, **FIXTURES["a client of templates"])
    reporters = [rule.__name__ for rule, code in added_by
                 if code == "value-not-checkable" and rule in CLIENT_RULES]
    assert reporters == ["check_client_secret", "check_auth_method", "check_redirect",
                         "check_admin_redirect", "check_scopes", "check_policy", "check_pkce",
                         "check_audience"]


def test_the_rule_tables_keep_the_order_of_the_findings(tmp_path):
    """One setup with a problem for many rules of each table: errors, then warnings, then
    infos, each in the order the rules run (as before the checks became tables)."""
    config = client_with(("token_endpoint_auth_method", None),
                         ("pkce_challenge_method", "'plain'"), ("public", "true"),
                         ("authorization_policy", "'family'"),
                         ("grant_types", "['authorization_code', 'refresh_token']"),
                         ("audience", "['other']"))
    env = env_with(("OPENID_BUTTON_LABEL", "Log#in"), ("NODE_EXTRA_CA_CERTS", "/ca.pem"),
                   ("OPENID_CALLBACK_URL", "/oauth/callback"),
                   ("OPENID_AUDIENCE", "https://api.example.com"),
                   ("OPENID_REQUIRED_ROLE", "admins"),
                   ("OPENID_REQUIRED_ROLE_PARAMETER_PATH", "groups"),
                   ("OPENID_ADMIN_ROLE", "admins"),
                   ("OPENID_SCOPE", '"openid profile email offline_access"'),
                   ("OPENID_USE_END_SESSION_ENDPOINT", "true"),
                   ("OPENID_TOKEN_ENDPOINT_AUTH_METHOD", "basic"),
                   ("OPENID_ISSUER", "http://auth.example.com"))
    env += 'OPENID_SCOPE="openid profile email offline_access"\n'
    compose = AUTHELIA_SERVICE + "  api:\n    environment:\n      ALLOW_SOCIAL_LOGIN: 'false'\n"
    findings = run(tmp_path, config=config, env=env, compose=compose, librechat="0.7.7")
    assert [f.code for f in findings] == [
        "env-value-truncated", "social-login-disabled", "callback-path-wrong",
        "env-auth-method-unknown", "role-token-kind-invalid", "public-client",
        "auth-method-mismatch", "redirect-uri-mismatch", "scope-not-allowed",
        "policy-undefined", "pkce-method-invalid", "audience-not-allowed",
        "groups-claim-missing", "issuer-mismatch", "template-filter-off",
        "env-duplicate-key", "extra-ca-in-dotenv", "end-session-unsupported",
        "admin-role-incomplete", "refresh-token-without-offline-access",
        "compose-overrides-env", "value-not-checkable", "value-not-checkable"]
