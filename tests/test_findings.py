"""One Finding type: its text and JSON forms for check, audit and doctor, and the core's codes."""

from __future__ import annotations

import re

import pytest
from conftest import fake_profile

from tui.core import checks, provider_checks
from tui.core.checks import check_profile
from tui.core.findings import Finding, findings_for, has_errors

OWN_URLS = {"app_url": "https://chat.home.lan", "auth_url": "https://auth.home.lan"}


def test_a_profile_finding_reads_as_before_with_its_field():
    finding = Finding("app-url-invalid", "error", "LibreChat's URL is empty", field="app_url")
    assert str(finding) == "error: app_url: LibreChat's URL is empty"


def test_an_audit_finding_reads_as_before_with_where_and_fix():
    finding = Finding("issuer-mismatch", "error", "they differ", "set OPENID_ISSUER",
                      where=".env:3")
    assert str(finding) == "error: issuer-mismatch .env:3: they differ\n    fix: set OPENID_ISSUER"
    assert finding.as_dict(("code", "severity", "where", "message", "fix")) == {
        "code": "issuer-mismatch", "severity": "error", "where": ".env:3",
        "message": "they differ", "fix": "set OPENID_ISSUER"}


def test_a_doctor_finding_has_exactly_four_json_keys():
    finding = Finding("tls-ok", "ok", "fine", "")
    assert str(finding) == "ok: tls-ok: fine"
    assert finding.as_dict() == {"code": "tls-ok", "severity": "ok", "message": "fine",
                                 "fix": ""}


def test_has_errors_and_findings_for():
    warning = Finding("app-url-example", "warning", "example", field="app_url")
    error = Finding("client-id-empty", "error", "empty", field="client_id")
    assert has_errors([warning, error]) and not has_errors([warning])
    assert findings_for([warning, error], "client_id") == [error]


def test_the_profile_checks_have_no_finding_form_of_their_own():
    """No three-argument (severity, field, message) form beside the one Finding."""
    assert getattr(checks, "Finding", Finding) is Finding


def test_the_audit_and_doctor_use_the_one_finding_type():
    from tui.doctor import Finding as DoctorFinding
    from tui.userfiles import audit

    assert DoctorFinding is Finding and audit.Finding is Finding


# The core's codes -------------------------------------------------------------------------

CORE_CODES = {**checks.CODES, **provider_checks.CODES}

# Profiles that between them set off most of the core's rules.
BROKEN = [
    {"app_url": "", "auth_url": "http://auth.home.lan", "client_id": "", "client_secret": "",
     "session_secret": "", "client_secret_digest": "", "policy": "nobody", "scopes": ("x",),
     "authelia_version": "4.30", "librechat_version": "zero"},
    {"app_url": "http://chat.home.lan", "auth_url": "https://auth.home.lan/.well-known/"
     "openid-configuration", "client_id": "a b", "client_secret": "short",
     "session_secret": "short", "digest_algorithm": "md5", "button_label": " ",
     "image_url": "http://chat.home.lan/x.png", "authelia_version": "4.99",
     "librechat_version": "0.7.0", "admin_panel": True},
    {**OWN_URLS, "client_id": "x" * 200, "session_secret": "same", "client_secret": "same",
     "client_name": "{{ name }}", "group": "a\nb"},
    {"app_url": "https://chat.example.com", "auth_url": "https://chat.example.com",
     "librechat_version": "9.0.0"},
    {**OWN_URLS, "provider": "new", "hmac_secret": "", "signing_key": "not a key",
     "signing_key_id": "", "key_bits": 1000, "key_path": "relative", "admin_group": "admins",
     "librechat_version": "0.7.0", "consent": "never", "consent_duration": "forever",
     "ca_file": "relative.pem", "hairpin": True},
    {"app_url": "https://chat.home.lan", "auth_url": "https://10.0.0.2", "provider": "other",
     "hairpin": True, "consent_duration": "1 week"},
]


@pytest.mark.parametrize("changes", BROKEN)
def test_every_core_finding_has_a_listed_code_and_its_field(changes):
    found = check_profile(fake_profile(**changes))
    assert found
    for finding in found:
        assert finding.code in CORE_CODES, finding
        assert finding.field == (CORE_CODES[finding.code] or finding.field), finding


def test_the_broken_profiles_reach_most_codes():
    reached = {f.code for changes in BROKEN for f in check_profile(fake_profile(**changes))}
    assert {"app-url-invalid", "auth-url-not-https", "auth-url-discovery-path",
            "auth-url-same-as-app-url", "client-id-characters", "client-secret-short",
            "session-secret-same-as-client-secret", "digest-algorithm-unknown", "policy-unknown",
            "scope-unknown", "authelia-version-unsupported", "librechat-version-invalid",
            "admin-panel-unsupported", "value-template-braces", "value-bad-characters",
            "hmac-secret-empty", "signing-key-not-pem", "key-bits-invalid",
            "key-path-invalid", "admin-group-unsupported", "consent-unknown",
            "consent-duration-invalid", "ca-file-invalid", "hairpin-ip-address",
            "provider-unknown", "consent-duration-unused", "app-url-example"} <= reached


def test_core_codes_are_kebab_case_and_clash_with_no_audit_or_doctor_code():
    from tui.doctor import CODES as DOCTOR_CODES
    from tui.userfiles.audit import CODES as AUDIT_CODES

    assert not set(checks.CODES) & set(provider_checks.CODES)
    for code in CORE_CODES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert code not in AUDIT_CODES and code not in DOCTOR_CODES, code


def test_every_code_a_rule_names_is_in_the_table():
    """A rule that names an unlisted code fails at once (a KeyError), so the table is whole."""
    import inspect

    for module in (checks, provider_checks):
        source = inspect.getsource(module)
        named = set(re.findall(r'_found\(\s*"([a-z0-9-]+)"', source))
        assert named and named <= set(module.CODES), named - set(module.CODES)
