from __future__ import annotations

import pytest
from conftest import fake_profile

from tui.core.checks import check_profile, has_errors

# The conftest's fake profile keeps the example URLs, which now get a warning of their own;
# these tests start from a profile with a deployment's own URLs.
OWN_URLS = {"app_url": "https://chat.home.lan", "auth_url": "https://auth.home.lan"}


def own_profile(**changes):
    return fake_profile(**{**OWN_URLS, **changes})


def findings(**changes):
    return {(f.severity, f.field) for f in check_profile(own_profile(**changes))}


def messages(**changes):
    return " | ".join(f.message for f in check_profile(own_profile(**changes)))


def test_a_profile_with_its_own_urls_is_clean():
    assert check_profile(own_profile()) == []


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
        ({"auth_url": "https://chat.home.lan"}, ("error", "auth_url")),
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
    profile = own_profile()
    found = check_profile(profile.with_changes(
        client_secret_digest="$plaintext$" + profile.client_secret))
    assert [f.severity for f in found] == ["warning"]


def test_a_digest_over_the_cost_cap_is_an_error_without_verifying_it(monkeypatch):
    from passlib.context import CryptContext

    monkeypatch.setattr(CryptContext, "verify", lambda *a, **k: pytest.fail("hashed"))
    for value in ("$2b$31$" + "a" * 53,
                  "$6$rounds=999999999$saltsaltsaltsalt$" + "a" * 86,
                  "$pbkdf2-sha512$4294967295$ZmFrZXNhbHRmYWtlc2FsdA$" + "a" * 86):
        found = check_profile(own_profile(client_secret_digest=value))
        assert [(f.severity, f.field) for f in found] == [("error", "client_secret_digest")]
        assert "over this tool's cap" in found[0].message


def test_a_client_secret_over_4096_characters_is_an_error_naming_the_limit():
    found = check_profile(fake_profile(client_secret="s" * 4097))
    assert ("error", "client_secret") in {(f.severity, f.field) for f in found}
    assert any("at most 4096" in f.message for f in found)
    assert not any("s" * 100 in f.message for f in found)


# Values that cannot go anywhere: every field, one error each.

STRING_FIELDS = ["app_url", "auth_url", "client_id", "client_name", "client_secret",
                 "session_secret", "client_secret_digest", "digest_algorithm", "policy",
                 "group", "button_label", "image_url", "authelia_version", "librechat_version"]
BAD_CHARACTERS = {
    "lone surrogate": "\udcff",  # what surrogateescape makes of the byte 0xff in argv
    "NEL": "\x85", "line separator": "\u2028", "paragraph separator": "\u2029",
    "newline": "\n", "vertical tab": "\x0b",
}


@pytest.mark.parametrize("field", STRING_FIELDS)
@pytest.mark.parametrize("char", list(BAD_CHARACTERS.values()), ids=list(BAD_CHARACTERS))
def test_a_character_no_value_may_hold_is_one_error_in_every_field(field, char):
    value = getattr(own_profile(), field)
    # in the middle of the value, so neither strip() nor a URL check can drop it
    value = value[:3] + char + value[3:] if value else "a" + char + "b"
    found = [f for f in check_profile(own_profile(**{field: value})) if f.field == field]
    assert [f.severity for f in found] == ["error"], found
    expected = "not valid UTF-8" if char == "\udcff" else f"U+{ord(char):04X}"
    assert expected in found[0].message


@pytest.mark.parametrize("field", ["scopes", "checklist"])
def test_list_fields_are_checked_too(field):
    found = check_profile(own_profile(**{field: ("openid", "a\u2028b")}))
    assert ("error", field) in {(f.severity, f.field) for f in found}


def test_a_backslash_in_an_http_image_url_is_an_error_beside_the_warning():
    found = check_profile(own_profile(image_url="http://img.example.com/a\\b.png"))
    kinds = [(f.severity, f.field) for f in found]
    assert ("error", "image_url") in kinds and ("warning", "image_url") in kinds
    assert any("backslash" in f.message for f in found)


def test_a_url_env_problem_is_an_error_for_every_url_field():
    for field in ("app_url", "auth_url", "image_url"):
        url = getattr(own_profile(), field) + "/a\\b"
        assert ("error", field) in findings(**{field: url}), field


@pytest.mark.parametrize(
    ("field", "value"),
    [("client_name", "Libre{{ env \"X\" }}Chat"), ("group", "family}}"),
     ("app_url", "https://chat.home.lan/{{x}}"), ("client_secret_digest", "$plaintext${{x}}")],
)
def test_authelia_template_syntax_is_refused_where_configuration_yml_gets_the_value(
        field, value):
    found = [f for f in check_profile(own_profile(**{field: value})) if f.field == field]
    assert any(f.severity == "error" and "template" in f.message for f in found), found


def test_template_syntax_is_fine_where_only_env_gets_the_value():
    assert not has_errors(check_profile(own_profile(button_label="Log in {{ here }}")))


# Messages name the right example.

def test_an_empty_url_suggests_an_example_of_its_own_kind():
    assert "like https://chat.example.com" in messages(app_url="")
    assert "like https://auth.example.com" in messages(auth_url="")


def test_a_bad_version_gives_examples_of_its_own_product():
    librechat = messages(librechat_version="latest")
    assert "not a LibreChat version" in librechat
    assert "0.8.7" in librechat and "v0.8.8-rc1" in librechat and "4.39" not in librechat
    authelia = messages(authelia_version="newest")
    assert "not an Authelia version" in authelia
    assert "4.39" in authelia and "v4.39.20" in authelia and "0.8" not in authelia


def test_client_id_is_spelled_one_way_in_every_message():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "tui"
    sources = [*(root / "core").glob("*.py"), *root.glob("cli*.py")]
    for source in sources:
        for spelling in re.findall(r"client[ -]id\b", source.read_text(), re.IGNORECASE):
            assert spelling in ("client ID", "Client ID", "client-id"), (source, spelling)


# Example domains and international host names.

@pytest.mark.parametrize("field", ["app_url", "auth_url"])
@pytest.mark.parametrize("url", ["https://librechat.example.com", "https://auth.example.com",
                                 "https://example.org", "https://sso.home.example.net",
                                 "https://chat.example"])
def test_an_example_domain_is_a_warning(field, url):
    other = {"app_url": "https://x.home.lan", "auth_url": "https://y.home.lan"}
    found = check_profile(own_profile(**{**other, field: url}))
    assert [(f.severity, f.field, f.message) for f in found] == [
        ("warning", field, "still the example value: enter your own URL")]


def test_example_url_helper():
    from tui.core.hosts import is_example_url

    assert is_example_url("https://librechat.example.com")
    assert is_example_url("https://EXAMPLE.COM/")
    assert not is_example_url("https://myexample.com")
    assert not is_example_url("https://example.com.evil.lan")
    assert not is_example_url("not a url")


def test_a_non_ascii_host_is_written_in_idna_form_once_in_the_core():
    from tui.core.hosts import unicode_host
    from tui.core.profile import Profile, normalise_url

    assert normalise_url("https://chät.home.lan/") == "https://xn--cht-rla.home.lan"
    assert normalise_url("https://Straße.home.lan") == "https://xn--strae-oqa.home.lan"  # UTS 46
    assert normalise_url("https://user@chät.home.lan:8443") == (
        "https://user@xn--cht-rla.home.lan:8443")
    profile = Profile(app_url="https://chät.home.lan", image_url="https://bïld.lan/a.png")
    assert profile.app_url == "https://xn--cht-rla.home.lan"
    assert profile.redirect_uri == "https://xn--cht-rla.home.lan/oauth/openid/callback"
    assert profile.image_url == "https://xn--bld-zma.lan/a.png"
    assert unicode_host(profile.app_url) == "chät.home.lan"
    assert unicode_host("https://chat.home.lan") is None
    found = check_profile(own_profile(app_url="https://chät.home.lan"))
    assert [(f.severity, f.field) for f in found] == [("info", "app_url")]
    assert "chät.home.lan is written as xn--cht-rla.home.lan" in found[0].message


def test_a_host_with_no_idna_form_is_an_error_finding_not_an_exception():
    for url in ("https://a\u200db.home.lan", "https://\u0663a.lan", "https://xn--a.lan"):
        found = check_profile(own_profile(app_url=url))
        errors = [f for f in found if f.field == "app_url" and f.severity == "error"]
        assert errors and "IDNA" in errors[0].message, (url, found)


def test_a_mixed_script_look_alike_host_is_a_warning():
    # "аpple.com" with a Cyrillic а (U+0430)
    found = check_profile(own_profile(auth_url="https://\u0430pple.com"))
    warnings = [f for f in found if f.severity == "warning" and f.field == "auth_url"]
    assert warnings and "mixes Cyrillic and Latin letters" in warnings[0].message
    # one script per label is not a look-alike by itself
    assert not any(f.severity == "warning" for f in check_profile(
        own_profile(auth_url="https://\u0447\u0430\u0442.home.lan")))


@pytest.mark.parametrize("field", ["app_url", "auth_url"])
@pytest.mark.parametrize("url", ["https://chat.home.lanhttps://chat.home.lan",
                                 "https://auth.home.lan/https://auth.example.com",
                                 "https://chat.home.lan://x", "https://chat.home.lan:"])
def test_urls_run_together_are_errors(field, url):
    findings = check_profile(fake_profile(**{field: url}), verify_digest=False)
    assert any(f.severity == "error" and f.field == field for f in findings), findings


def test_a_digest_made_with_another_algorithm_than_chosen_is_warned_about():
    findings = [f for f in check_profile(fake_profile(digest_algorithm="bcrypt"),
                                         verify_digest=False) if f.field.startswith("digest")]
    assert [(f.severity, f.field) for f in findings] == [("warning", "digest_algorithm")]
    assert "pbkdf2-sha512" in findings[0].message


@pytest.mark.parametrize("algorithm", ["pbkdf2-sha512", "argon2id", "scrypt", "bcrypt",
                                       "sha512crypt", "pbkdf2-sha1", "pbkdf2-sha224"])
def test_algorithm_of_knows_every_format_we_make(algorithm):
    from tui.core import digest

    params = {"argon2id": {"memory": 64, "iterations": 1, "parallelism": 1},
              "scrypt": {"ln": 4}, "bcrypt": {"cost": 4}, "sha512crypt": {"iterations": 1000},
              }.get(algorithm, {"iterations": 1000})
    assert digest.algorithm_of(digest.hash("s3cret", algorithm, **params)) == algorithm
