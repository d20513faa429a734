"""Each fact from FACTS.md that decides what we emit, pinned."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import DATA, SHARED_REFERENCE, fake_profile, under_ci

from tui.core import facts
from tui.core.authelia import client_entry
from tui.core.librechat import env_values
from tui.core.versions import Version, VersionError

# The reference copies in tests/data (schemas, digest vectors, LibreChat's .env.example) and
# their SHA-256, in `sha256sum` format: `cd tests/data && sha256sum -c REFERENCE.sha256`.
# Updating a copy means updating its line here, on purpose.
CHECKSUMS = DATA / "REFERENCE.sha256"


def reference_checksums() -> dict[str, str]:
    rows = (line.split(maxsplit=1) for line in CHECKSUMS.read_text().splitlines() if line)
    return {name.strip(): digest for digest, name in rows}


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reference_copies_match_their_vendored_checksums():
    checksums = reference_checksums()
    assert set(checksums) == {"authelia/configuration.schema.v4.38.json",
                              "authelia/configuration.schema.v4.39.json",
                              "authelia/digest-vectors.tsv", "librechat/env.example"}
    for relative, digest in checksums.items():
        assert sha256_of(DATA / relative) == digest, f"tests/data/{relative} changed"


def test_the_shared_reference_still_matches_the_vendored_checksums():
    if not SHARED_REFERENCE.is_dir():
        if under_ci():
            pytest.fail(f"CI is set and {SHARED_REFERENCE} is missing: clone beside shared/",
                        pytrace=False)
        pytest.skip("../shared/reference is not beside this checkout (CI has it)")
    for relative, digest in reference_checksums().items():
        assert sha256_of(SHARED_REFERENCE / relative) == digest, (
            f"../shared/reference/{relative} changed: copy it to tests/data and update "
            "tests/data/REFERENCE.sha256")


def test_callback_is_domain_server_plus_fixed_route_not_the_guides_authelia_url():
    p = fake_profile(app_url="https://chat.example.org/")
    env = env_values(p)
    assert env["OPENID_CALLBACK_URL"] == "/oauth/openid/callback"
    assert env["DOMAIN_SERVER"] == "https://chat.example.org"
    assert env["DOMAIN_CLIENT"] == "https://chat.example.org"
    assert client_entry(p)["redirect_uris"] == [
        env["DOMAIN_SERVER"] + env["OPENID_CALLBACK_URL"]
    ]
    assert "api/oidc/authorization" not in env["OPENID_CALLBACK_URL"]


@pytest.mark.parametrize(
    ("librechat", "method"),
    [("0.7.0", "client_secret_basic"), ("v0.7.8", "client_secret_basic"),
     ("0.7.9", "client_secret_post"), ("0.8.7", "client_secret_post"),
     ("v0.8.8-rc1", "client_secret_post")],
)
def test_token_endpoint_auth_method_follows_openid_client_version(librechat, method):
    assert client_entry(fake_profile(librechat_version=librechat))[
        "token_endpoint_auth_method"] == method


@pytest.mark.parametrize("librechat", ["0.7.8", "0.8.7"])
def test_pkce_s256_required_for_every_supported_librechat(librechat):
    entry = client_entry(fake_profile(librechat_version=librechat))
    assert entry["require_pkce"] is True
    assert entry["pkce_challenge_method"] == "S256"


def test_fixed_client_settings():
    entry = client_entry(fake_profile())
    assert entry["response_types"] == ["code"]
    assert entry["grant_types"] == ["authorization_code"]
    assert entry["access_token_signed_response_alg"] == "none"
    assert entry["userinfo_signed_response_alg"] == "none"
    assert entry["public"] is False


def test_refresh_token_only_with_offline_access():
    plain = client_entry(fake_profile())
    assert "refresh_token" not in plain["grant_types"]
    assert "offline_access" not in plain["scopes"]
    refresh = client_entry(fake_profile(refresh_tokens=True))
    assert refresh["grant_types"] == ["authorization_code", "refresh_token"]
    assert "offline_access" in refresh["scopes"]
    assert env_values(fake_profile(refresh_tokens=True))["OPENID_SCOPE"].split()[-1] == (
        "offline_access")


def test_env_writes_the_plaintext_secret_never_the_digest():
    p = fake_profile()
    env = env_values(p)
    assert env["OPENID_CLIENT_SECRET"] == p.client_secret
    assert p.client_secret_digest not in env.values()
    assert client_entry(p)["client_secret"] == p.client_secret_digest


def test_every_env_key_we_write_is_in_librechats_env_example():
    example = (DATA / "librechat" / "env.example").read_text()
    keys = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    written = set(env_values(fake_profile()))
    # The one exception: no release's .env.example (nor code, to v0.8.8-rc1) has the auth
    # method variable; a development build reads it, and the line makes every build agree.
    assert written - {"OPENID_TOKEN_ENDPOINT_AUTH_METHOD"} <= keys, written - keys
    assert "OPENID_TOKEN_ENDPOINT_AUTH_METHOD" not in keys
    assert written == {
        "DOMAIN_CLIENT", "DOMAIN_SERVER", "ALLOW_SOCIAL_LOGIN", "OPENID_BUTTON_LABEL",
        "OPENID_ISSUER", "OPENID_CLIENT_ID", "OPENID_CLIENT_SECRET", "OPENID_SESSION_SECRET",
        "OPENID_CALLBACK_URL", "OPENID_SCOPE", "OPENID_IMAGE_URL",
        "OPENID_TOKEN_ENDPOINT_AUTH_METHOD", "OPENID_NAME_CLAIM",
    }
    assert env_values(fake_profile())["ALLOW_SOCIAL_LOGIN"] == "true"


def test_scope_contains_openid_and_issuer_is_authelias_root():
    env = env_values(fake_profile(auth_url="https://auth.example.org/"))
    assert env["OPENID_SCOPE"].split()[0] == "openid"
    assert env["OPENID_ISSUER"] == "https://auth.example.org"


def test_rfc3986_charset_and_client_id_limit():
    assert facts.RFC3986_UNRESERVED == (
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    assert facts.CLIENT_ID_MAX_LENGTH == 100


def test_supported_versions():
    assert facts.SUPPORTED_AUTHELIA == ("4.38", "4.39")
    assert facts.DEFAULT_AUTHELIA == "4.39"
    assert facts.DEFAULT_LIBRECHAT == "0.8.7"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.8.7", (0, 8, 7)), ("v0.7.9", (0, 7, 9)), ("4.39", (4, 39, 0)), ("4.39.20", (4, 39, 20))],
)
def test_version_parsing(text, expected):
    assert Version.parse(text)[:3] == expected


def test_prerelease_sorts_before_release():
    assert Version.parse("0.8.8-rc1") < Version.parse("0.8.8")
    assert Version.parse("0.8.8-rc1") > Version.parse("0.8.7")
    assert str(Version.parse("v0.8.8-rc1")) == "0.8.8-rc1"


@pytest.mark.parametrize("text", ["", "latest", "0", "1.x", "0.8.7;rm"])
def test_bad_versions_are_refused_with_a_hint(text):
    with pytest.raises(VersionError, match="write it like"):
        Version.parse(text)


# LibreChat's releases, read at their tags (api/strategies/openidStrategy.js): the name
# claim from v0.7.6, the admin panel's openidAdmin strategy from v0.8.3, openid-client 6
# from v0.7.9; OPENID_REQUIRED_ROLE_TOKEN_KIND takes userinfo from v0.8.6.
def test_librechat_release_facts():
    assert facts.LIBRECHAT_NAME_CLAIM == Version.parse("0.7.6")
    assert facts.LIBRECHAT_ADMIN_PANEL == Version.parse("0.8.3")
    assert facts.LIBRECHAT_OPENID_CLIENT_6 == Version.parse("0.7.9")
    assert facts.ADMIN_CALLBACK_PATH == "/api/admin/oauth/openid/callback"
    assert facts.TOKEN_ENDPOINT_AUTH_METHODS == (
        "client_secret_basic", "client_secret_post", "none")
    assert facts.role_token_kinds("OPENID_REQUIRED_ROLE", Version.parse("0.8.5")) == (
        "access", "id")
    assert facts.role_token_kinds("OPENID_REQUIRED_ROLE", Version.parse("0.8.6")) == (
        "access", "id", "userinfo")
    assert facts.role_token_kinds("OPENID_ADMIN_ROLE", Version.parse("0.8.1")) == (
        "access", "id", "userinfo")


@pytest.mark.parametrize(("librechat", "method", "name"), [
    ("0.7.5", None, None), ("0.7.6", None, "name"), ("0.7.8", None, "name"),
    ("0.7.9", "client_secret_post", "name"), ("0.8.7", "client_secret_post", "name"),
    ("0.8.8-rc1", "client_secret_post", "name")])
def test_env_auth_method_and_name_claim_by_version(librechat, method, name):
    env = env_values(fake_profile(librechat_version=librechat))
    assert env.get("OPENID_TOKEN_ENDPOINT_AUTH_METHOD") == method
    assert env.get("OPENID_NAME_CLAIM") == name


def test_admin_panel_adds_its_redirect_uri_only_when_asked():
    assert client_entry(fake_profile())["redirect_uris"] == [
        "https://librechat.example.com/oauth/openid/callback"]
    assert client_entry(fake_profile(admin_panel=True))["redirect_uris"] == [
        "https://librechat.example.com/oauth/openid/callback",
        "https://librechat.example.com/api/admin/oauth/openid/callback"]
