from __future__ import annotations

import pytest
from conftest import fake_profile

from tui.core.checks import check_profile, has_errors


def findings(**changes):
    return {(f.severity, f.field) for f in check_profile(fake_profile(**changes))}


def messages(**changes):
    return " | ".join(f.message for f in check_profile(fake_profile(**changes)))


def test_the_fake_profile_is_clean():
    assert check_profile(fake_profile()) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"app_url": "librechat.example.com"}, ("error", "app_url")),
        ({"app_url": "https://librechat.example.com?x=1"}, ("error", "app_url")),
        ({"app_url": "https://librechat.example.com/#top"}, ("error", "app_url")),
        ({"app_url": "http://librechat.example.com"}, ("error", "app_url")),
        ({"app_url": "http://localhost:3080"}, ("warning", "app_url")),
        ({"auth_url": "http://127.0.0.1:9091"}, ("error", "auth_url")),
        ({"auth_url": "http://127.0.0.1:9091", "librechat_version": "0.7.8"},
         ("warning", "auth_url")),
        ({"auth_url": "https://auth.example.com/.well-known/openid-configuration"},
         ("error", "auth_url")),
        ({"auth_url": "https://librechat.example.com"}, ("error", "auth_url")),
        ({"image_url": "ftp://x"}, ("error", "image_url")),
        ({"client_id": "a" * 101}, ("error", "client_id")),
        ({"client_id": "lib/rechat"}, ("error", "client_id")),
        ({"client_id": ""}, ("error", "client_id")),
        ({"client_secret": "short"}, ("warning", "client_secret")),
        ({"session_secret": ""}, ("error", "session_secret")),
        ({"client_secret_digest": "$plaintext$" + "s"}, ("warning", "client_secret_digest")),
        ({"client_secret_digest": ""}, ("error", "client_secret_digest")),
        ({"client_secret_digest": "not-a-digest"}, ("error", "client_secret_digest")),
        ({"authelia_version": "4.37"}, ("error", "authelia_version")),
        ({"authelia_version": "4.40"}, ("warning", "authelia_version")),
        ({"librechat_version": "latest"}, ("error", "librechat_version")),
        ({"scopes": ("profile", "email")}, ("error", "scopes")),
        ({"scopes": ("openid", "address")}, ("error", "scopes")),
        ({"policy": "three_factor"}, ("error", "policy")),
        ({"button_label": "a\nb"}, ("error", "button_label")),
        ({"digest_algorithm": "md5"}, ("error", "digest_algorithm")),
    ],
)
def test_each_rule(changes, expected):
    assert expected in findings(**changes)


def test_client_id_message_quotes_authelias_rule():
    assert "RFC 3986 unreserved characters" in messages(client_id="a b")
    assert "at most 100 characters" in messages(client_id="a" * 101)


def test_old_authelia_gets_an_upgrade_hint():
    assert "upgrade Authelia to 4.38 or newer" in messages(authelia_version="4.37.5")


def test_http_issuer_error_names_openid_client_6():
    assert "openid-client 6" in messages(auth_url="http://localhost:9091")


def test_secrets_must_be_distinct():
    profile = fake_profile()
    assert ("error", "session_secret") in findings(session_secret=profile.client_secret)


def test_stored_digest_must_verify_the_stored_secret():
    found = check_profile(fake_profile(client_secret="z" * 72))
    assert has_errors(found)
    assert any("not made from this client secret" in f.message for f in found)
    # the slow check can be skipped where the digest is not emitted
    assert not has_errors(check_profile(fake_profile(client_secret="z" * 72),
                                        verify_digest=False))


def test_plaintext_digest_that_matches_only_warns():
    profile = fake_profile()
    found = check_profile(profile.with_changes(
        client_secret_digest="$plaintext$" + profile.client_secret))
    assert [f.severity for f in found] == ["warning"]


def test_a_digest_over_the_cost_cap_is_an_error_without_verifying_it(monkeypatch):
    from passlib.context import CryptContext

    monkeypatch.setattr(CryptContext, "verify", lambda *a, **k: pytest.fail("hashed"))
    for value in ("$2b$31$" + "a" * 53,
                  "$6$rounds=999999999$saltsaltsaltsalt$" + "a" * 86,
                  "$pbkdf2-sha512$4294967295$ZmFrZXNhbHRmYWtlc2FsdA$" + "a" * 86):
        found = check_profile(fake_profile(client_secret_digest=value))
        assert [(f.severity, f.field) for f in found] == [("error", "client_secret_digest")]
        assert "over this tool's cap" in found[0].message


def test_a_client_secret_over_4096_characters_is_an_error_naming_the_limit():
    found = check_profile(fake_profile(client_secret="s" * 4097))
    assert ("error", "client_secret") in {(f.severity, f.field) for f in found}
    assert any("at most 4096" in f.message for f in found)
    assert not any("s" * 100 in f.message for f in found)
