"""apply and import with the provider settings (hmac_secret, jwks, claims)."""

from __future__ import annotations

import jsonschema

from tests.conftest import fake_provider_profile, masked
from tests.conftest import schema as authelia_schema
from tests.test_userfiles_apply import (
    assert_valid_for_both_schemas,
    audit_pair,
    changed_old_lines,
    with_placeholders,
)
from tests.test_userfiles_audit import CASES
from tests.userfiles_helpers import clean_config, clean_env, write_pair
from tui.userfiles.apply import apply_authelia, apply_compose, apply_env
from tui.userfiles.importer import import_profile
from tui.userfiles.sources import read_sources
from tui.userfiles.yamldoc import YamlDoc, plain

OIDC = ("identity_providers", "oidc")


def test_missing_essentials_are_added_from_the_profile():
    profile = fake_provider_profile()
    for code in ("hmac-secret-missing", "jwks-missing"):
        old = CASES[code][0]["config"]
        new, notes = apply_authelia(old, profile)
        assert notes == [] and changed_old_lines(old, new) == []
        oidc = YamlDoc(new).node(OIDC)
        assert oidc["hmac_secret"] and oidc["jwks"]
        assert_valid_for_both_schemas(new)
        assert apply_authelia(new, profile) == (new, [])
        env, _ = apply_env(clean_env(), profile)
        assert [f.code for f in audit_pair(new, env) if f.severity == "error"] == []


def test_essentials_already_there_are_left_alone():
    profile = fake_provider_profile()
    old = clean_config()  # hmac_secret and the key come from templates
    new, _ = apply_authelia(old, profile)
    assert new == old


def test_the_claims_policy_for_an_admin_group_is_added():
    profile = fake_provider_profile(admin_group="admins", authelia_version="4.39")
    new, notes = apply_authelia(clean_config(), profile)
    assert notes == []
    doc = YamlDoc(new)
    policies = plain(doc.node((*OIDC, "claims_policies")))
    client = next(c for c in doc.node((*OIDC, "clients")) if c["client_id"] == profile.client_id)
    assert "groups" in policies[client["claims_policy"]]["id_token"]
    data = with_placeholders(plain(doc.root))  # claims_policy exists from 4.39 only
    jsonschema.Draft202012Validator(authelia_schema("4.39")).validate(data)
    env, _ = apply_env(clean_env(), profile)
    findings = audit_pair(new, env)
    assert [f.code for f in findings if f.severity != "info"] == []
    assert apply_authelia(new, profile) == (new, [])


def test_import_carries_inline_essentials_and_leaves_templated_ones(tmp_path):
    profile = fake_provider_profile()
    bare = CASES["jwks-missing"][0]["config"].replace(
        '    hmac_secret: {{ secret "/config/secrets/oidc/hmac" | msquote }}\n', "")
    inline, _ = apply_authelia(bare, profile)  # hmac_secret and the key, written inline
    config_path, env_path = write_pair(tmp_path, inline, clean_env())
    sources = read_sources([config_path], env_path)
    imported, _ = import_profile(sources.config, sources.env, librechat="0.8.7")
    assert imported.provider == "new"
    assert masked(imported.signing_key) == masked(profile.signing_key)
    assert imported.signing_key_id == profile.signing_key_id
    assert imported.hmac_secret == profile.hmac_secret
    config_path.write_text(clean_config())  # both from templates
    sources = read_sources([config_path], env_path)
    imported, notes = import_profile(sources.config, sources.env, librechat="0.8.7")
    assert imported.provider == "existing" and imported.hmac_secret == ""
    assert any("hmac secret and key" in n for n in notes)


def test_compose_gets_the_ca_volume_and_hairpin():
    profile = fake_provider_profile(ca_file="/srv/ca.pem", hairpin=True)
    old = "services:\n  api:\n    image: librechat\n    extra_hosts:\n      - 'x:1.2.3.4'\n"
    new, notes = apply_compose(old, profile)
    assert notes == [] and changed_old_lines(old, new) == []
    api = plain(YamlDoc(new).node(("services", "api")))
    assert api["extra_hosts"] == ["x:1.2.3.4", "auth.example.com:host-gateway"]
    assert api["volumes"][0]["source"] == "/srv/ca.pem"
    assert "NODE_EXTRA_CA_CERTS" in api["environment"]
    assert apply_compose(new, profile) == (new, [])


def test_the_diff_shows_neither_the_hmac_secret_nor_the_key(tmp_path):
    from tui.userfiles.apply import plan_apply

    profile = fake_provider_profile()
    path = tmp_path / "configuration.yml"
    path.write_text(CASES["jwks-missing"][0]["config"].replace(
        '    hmac_secret: {{ secret "/config/secrets/oidc/hmac" | msquote }}\n', ""))
    plan = plan_apply("authelia", profile, path)
    assert "+    jwks:" in plan.diff and "+    hmac_secret: ********" in plan.diff
    assert profile.hmac_secret not in plan.diff
    for line in profile.signing_key.splitlines()[1:-1]:
        assert line not in plan.diff


def test_a_key_template_in_a_file_indented_otherwise_gets_a_note():
    profile = fake_provider_profile(key_path="/config/secrets/oidc/jwks/rsa.2048.key")
    old = "identity_providers:\n    oidc:\n        clients: []\n"
    new, notes = apply_authelia(old, profile)
    assert '{{ secret "/config/secrets/oidc/jwks/rsa.2048.key" | mindent 10' in new
    assert any("mindent 14" in n for n in notes)
    docs_style = "identity_providers:\n  oidc:\n    clients: []\n"
    new, notes = apply_authelia(docs_style, profile)
    assert not any("mindent" in n for n in notes)
    assert "        key: {{ secret" in new
