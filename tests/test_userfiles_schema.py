"""Authelia's own validation of identity_providers.oidc, from its JSON schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.userfiles_helpers import write_pair
from tui.userfiles.audit import audit
from tui.userfiles.file_checks import CODES
from tui.userfiles.schema import (
    DEPRECATED_CLIENT,
    DEPRECATED_PROVIDER,
    SCHEMA_FILE,
    problems,
    schema_version,
)
from tui.userfiles.sources import read_sources

ROOT = Path(__file__).resolve().parents[1]
P = ("identity_providers", "oidc")
C0 = (*P, "clients", 0)


def _maker():
    spec = importlib.util.spec_from_file_location("make_oidc_schema",
                                                  ROOT / "tests" / "make_oidc_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_schema_is_what_the_script_makes_from_the_vendored_schemas():
    source = DATA / "authelia"
    if not (source / "configuration.schema.v4.39.json").exists():
        pytest.skip("the vendored Authelia schemas are not in this checkout")
    assert SCHEMA_FILE.read_text() == _maker().text(source), \
        "run: python tests/make_oidc_schema.py"


def test_the_schema_ships_inside_the_package():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"]["wheel"]
    assert wheel["packages"] == ["tui"]  # every file under tui/ that git keeps
    assert SCHEMA_FILE.parent == ROOT / "tui" / "userfiles" and SCHEMA_FILE.is_file()
    assert not any(line.strip() and SCHEMA_FILE.match(line.strip()) for line in
                   (ROOT / ".gitignore").read_text().splitlines())
    assert "tui/userfiles/oidc_schema.json" in (ROOT / ".ci" / "run").read_text()


def test_the_deprecated_names_are_authelias():
    # internal/configuration/deprecation.go (authelia/authelia 23572030b404).
    assert DEPRECATED_CLIENT == {"id": "client_id", "secret": "client_secret",
                                 "description": "client_name",
                                 "sector_identifier": "sector_identifier_uri",
                                 "userinfo_signing_algorithm": "userinfo_signed_response_alg"}
    assert DEPRECATED_PROVIDER == {
        "access_token_lifespan": "lifespans.access_token",
        "authorize_code_lifespan": "lifespans.authorize_code",
        "id_token_lifespan": "lifespans.id_token",
        "refresh_token_lifespan": "lifespans.refresh_token",
        "issuer_private_key": "jwks", "issuer_certificate_chain": "jwks"}


@pytest.mark.parametrize(("version", "schema"), [("4.38", "4.38"), ("4.38.17", "4.38"),
                                                  ("4.39", "4.39"), ("4.40.1", "4.39"),
                                                  ("4.37.5", "4.38"), ("banana", "4.39"),
                                                  (None, "4.39")])
def test_the_schema_of_the_target_version(version, schema):
    assert schema_version(version) == schema


def test_unknown_keys_of_the_provider_a_client_and_a_policy():
    oidc = {"issuer": "https://auth.example.com", "hmac_secret": "x",
            "authorization_policies": {"p": {"default_policy": "deny",
                                             "rules": [{"policy": "two_factor",
                                                        "subject": "group:a", "group": "a"}]}},
            "clients": [{"client_id": "a", "policy": "two_factor"}]}
    assert problems(oidc) == [
        ("oidc-key-unknown", (*P, "issuer"), ""),
        ("oidc-key-unknown", (*P, "authorization_policies", "p", "rules", 0, "group"), ""),
        ("oidc-key-unknown", (*C0, "policy"), "")]


def test_keys_of_one_version_only():
    oidc = {"claims_policies": {"x": {"id_token": ["groups"]}},
            "clients": [{"client_id": "a", "claims_policy": "x"}]}
    assert problems(oidc, authelia="4.39") == []
    assert [p[1][-1] for p in problems(oidc, authelia="4.38")] == ["claims_policies",
                                                                    "claims_policy"]


def test_types_as_authelia_reads_them_weakly():
    fine = {"clients": [{"client_id": 3, "public": "true", "require_pkce": 1,
                         "redirect_uris": "https://chat.example.com/oauth/openid/callback",
                         "scopes": "openid", "pre_configured_consent_duration": "1 week",
                         "client_name": None}],
            "minimum_parameter_entropy": "8", "lifespans": {"access_token": 3600}}
    assert problems(fine) == []
    wrong = {"clients": [{"client_id": ["a"], "public": "yes", "scopes": {"openid": True},
                          "redirect_uris": {"a": "b"}}],
             "minimum_parameter_entropy": "eight", "cors": ["token"]}
    assert {(p[1][-1], p[2]) for p in problems(wrong)} == {
        ("minimum_parameter_entropy", "a whole number"), ("cors", "a mapping"),
        ("client_id", "text"), ("public", "true or false"), ("scopes", "a list"),
        ("redirect_uris", "text or a list")}


def test_templates_and_placeholders_are_not_checked_for_type():
    oidc = {"clients": [{"client_id": "a", "public": "${PUBLIC}",
                         "require_pkce": "LCATEMPLATE0001X"}],
            "issuer_private_key": "${OIDC_KEY}"}

    def skip(value):
        return isinstance(value, str) and ("LCATEMPLATE" in value or "${" in value)

    assert problems(oidc, skip=skip) == []


def test_a_key_that_is_not_pem():
    oidc = {"issuer_private_key": "file:///config/key.pem",
            "issuer_certificate_chain": "/config/chain.pem",
            "jwks": [{"key": "/config/key.pem", "certificate_chain": "chain.pem"}]}
    found = problems(oidc)
    not_pem = [p[1] for p in found if p[0] == "oidc-key-not-pem"]
    # The provider's jwks key is jwks-no-rs256's (not reported twice); the rest is here.
    assert sorted(not_pem, key=str) == sorted(
        [(*P, "jwks", 0, "certificate_chain"), (*P, "issuer_certificate_chain"),
         (*P, "issuer_private_key")], key=str)


CONFIG = """session:
  cookies:
    - domain: 'example.com'
      authelia_url: 'https://auth.example.com'
identity_providers:
  oidc:
    hmac_secret: {{ secret "/s/hmac" }}
    issuer_private_key: 'file:///config/key.pem'
    access_token_lifespan: '1h'
    clients:
      - id: 'fake-client-id'
        secret: '$plaintext$fake-secret'
        description: 'LibreChat'
        policy: 'two_factor'
        redirect_uris:
          - 'https://chat.example.com/oauth/openid/callback'
"""


def test_findings_name_the_line_and_the_new_name_once_per_line(tmp_path):
    config, env = write_pair(tmp_path, CONFIG, "OPENID_CLIENT_ID=fake-client-id\n")
    sources = read_sources([config], env)
    found = [f for f in audit(sources.config, sources.env, librechat="0.8.7",
                              verify=False).findings if f.code in CODES]
    lines = {(f.code, int(f.where.rpartition(":")[2])): f for f in found}
    assert set(lines) == {("oidc-key-not-pem", 8), ("oidc-key-deprecated", 9),
                          ("oidc-key-deprecated", 11), ("oidc-key-deprecated", 12),
                          ("oidc-key-deprecated", 13), ("oidc-key-unknown", 14)}
    assert "lifespans.access_token" in lines["oidc-key-deprecated", 9].fix
    assert lines["oidc-key-deprecated", 11].fix == "rename id to client_id"
    assert lines["oidc-key-unknown", 14].severity == "error"
    assert lines["oidc-key-deprecated", 12].severity == "warning"
    # issuer_private_key's deprecation is issuer-private-key-deprecated's, reported once.
    everything = audit(sources.config, sources.env, librechat="0.8.7", verify=False).findings
    assert [f.code for f in everything if f.where.endswith(":8")] == [
        "oidc-key-not-pem", "issuer-private-key-deprecated"]


def test_the_docs_list_every_file_check_code():
    docs = (ROOT / "docs" / "audit-codes.md").read_text()
    for code, (severity, _) in CODES.items():
        assert f"| `{code}` | {severity} |" in docs, code
