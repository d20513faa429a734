from __future__ import annotations

import itertools

import jsonschema
import pytest
import yaml
from conftest import FAKE_DIGEST, fake_profile, schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core import digest
from tui.core.authelia import client_config, render_client_block, render_client_entry
from tui.core.checks import ProfileInvalid

CHEAP_DIGESTS = {
    name: digest.hash(fake_profile().client_secret, name, **params)
    for name, params in {
        "pbkdf2-sha512": {"iterations": 1000}, "pbkdf2-sha256": {"iterations": 1000},
        "argon2id": {"iterations": 1, "memory": 1024, "parallelism": 1},
        "scrypt": {"ln": 4}, "bcrypt": {"cost": 4}, "sha512crypt": {"iterations": 1000},
    }.items()
}

VARIANTS = [
    dict(policy=policy, group=group, refresh_tokens=refresh, librechat_version=librechat,
         authelia_version=authelia)
    for policy, group, refresh, librechat, authelia in itertools.product(
        ["one_factor", "two_factor"], ["", "family"], [False, True], ["0.7.8", "0.8.7"],
        ["4.38", "4.39"])
]


def _validate(document: dict, version: str) -> None:
    jsonschema.Draft202012Validator(schema(version)).validate(document)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(map(str, v.values())))
@pytest.mark.parametrize("version", ["4.38", "4.39"])
def test_every_variant_validates_against_both_schemas(variant, version):
    profile = fake_profile(**variant)
    document = yaml.safe_load(render_client_block(profile))
    assert document == client_config(profile)
    _validate(document, version)
    entry = yaml.safe_load(render_client_entry(profile))
    _validate({"identity_providers": {"oidc": {"clients": entry}}}, version)


@pytest.mark.parametrize("algorithm", list(CHEAP_DIGESTS))
@pytest.mark.parametrize("version", ["4.38", "4.39"])
def test_every_digest_format_validates(algorithm, version):
    profile = fake_profile(client_secret_digest=CHEAP_DIGESTS[algorithm])
    _validate(yaml.safe_load(render_client_block(profile)), version)


def test_schema_check_is_real_a_wrong_key_fails():
    document = client_config(fake_profile())
    document["identity_providers"]["oidc"]["clients"][0]["id"] = "librechat"  # pre-4.38 key
    with pytest.raises(jsonschema.ValidationError):
        _validate(document, "4.39")


def test_block_looks_like_authelias_docs():
    text = render_client_block(fake_profile())
    assert text.startswith("identity_providers:\n  oidc:\n    clients:\n      - client_id: '")
    assert ("        redirect_uris:\n"
            "          - 'https://librechat.example.com/oauth/openid/callback'\n") in text
    assert "        pkce_challenge_method: 'S256'\n" in text
    assert "        public: false\n" in text
    keys = list(yaml.safe_load(text)["identity_providers"]["oidc"]["clients"][0])
    assert keys == [
        "client_id", "client_name", "client_secret", "public", "authorization_policy",
        "require_pkce", "pkce_challenge_method", "redirect_uris", "scopes", "response_types",
        "grant_types", "access_token_signed_response_alg", "userinfo_signed_response_alg",
        "token_endpoint_auth_method",
    ]


def test_group_restriction_adds_a_deny_by_default_policy():
    document = client_config(fake_profile(group="chat users", policy="one_factor"))
    oidc = document["identity_providers"]["oidc"]
    name = oidc["clients"][0]["authorization_policy"]
    assert oidc["authorization_policies"] == {
        name: {"default_policy": "deny",
               "rules": [{"policy": "one_factor", "subject": "group:chat users"}]}
    }
    assert name not in ("one_factor", "two_factor", "deny")


def test_entry_form_with_group_says_the_policy_is_needed():
    text = render_client_entry(fake_profile(group="family"))
    assert text.startswith("# This client uses the authorization policy librechat_family")
    assert yaml.safe_load(text)[0]["authorization_policy"] == "librechat_family"


def test_entry_form_is_a_single_list_item():
    entry = yaml.safe_load(render_client_entry(fake_profile()))
    assert isinstance(entry, list) and len(entry) == 1
    assert entry[0]["client_secret"] == FAKE_DIGEST


def test_renderer_refuses_a_profile_with_errors():
    with pytest.raises(ProfileInvalid, match="client_id"):
        render_client_block(fake_profile(client_id="has space"))


def test_renderer_refuses_a_digest_of_another_secret():
    with pytest.raises(ProfileInvalid, match="not made from this client secret"):
        render_client_block(fake_profile(client_secret="another-" + "z" * 64))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(name=st.text(), group=st.text())
def test_any_client_name_and_group_round_trip_or_are_refused(name, group):
    profile = fake_profile(client_name=name, group=group)
    try:
        text = render_client_block(profile)
    except ProfileInvalid as error:
        assert {f.field for f in error.findings} <= {"client_name", "group"}
        return
    document = yaml.safe_load(text)
    assert document == client_config(profile)
    client = document["identity_providers"]["oidc"]["clients"][0]
    assert client["client_name"] == name
    assert len(client) == 14  # nothing injected
    _validate(document, "4.39")


def test_caller_that_verified_the_digest_can_skip_the_slow_check():
    mismatched = fake_profile(client_secret="another-" + "z" * 64)
    # Only the digest check is skipped; every other error still refuses.
    assert "client_id" in render_client_block(mismatched, digest_verified=True)
    with pytest.raises(ProfileInvalid, match="client_id"):
        render_client_entry(mismatched.with_changes(client_id="a b"), digest_verified=True)
