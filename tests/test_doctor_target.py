"""What the doctor checks, from a profile or from LibreChat's .env variables."""

from __future__ import annotations

import pytest
from conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, fake_profile

from tui.doctor import TargetError, target_from_env, target_from_profile

ENV = {
    "DOMAIN_SERVER": "https://chat.example.com",
    "OPENID_ISSUER": "https://auth.example.com/.well-known/openid-configuration",
    "OPENID_CLIENT_ID": FAKE_CLIENT_ID,
    "OPENID_CLIENT_SECRET": FAKE_CLIENT_SECRET,
    "OPENID_CALLBACK_URL": "/oauth/openid/callback",
    "OPENID_SCOPE": "openid profile email",
}


def test_from_a_profile():
    target = target_from_profile(fake_profile(librechat_version="0.7.8", refresh_tokens=True))
    assert target.issuer == "https://auth.example.com"
    assert target.redirect_uri == "https://librechat.example.com/oauth/openid/callback"
    assert target.scopes == ("openid", "profile", "email", "offline_access")
    assert target.auth_method == "client_secret_basic"  # openid-client 5


def test_from_env_as_librechat_reads_it():
    target = target_from_env(ENV)
    # The discovery suffix is dropped: discovery's issuer must equal the rest.
    assert target.issuer == "https://auth.example.com"
    assert target.discovery_url == ENV["OPENID_ISSUER"]
    assert target.redirect_uri == "https://chat.example.com/oauth/openid/callback"
    assert target.auth_method == "client_secret_post"  # every LibreChat since 0.7.9
    assert target.client_secret == FAKE_CLIENT_SECRET


def test_env_without_domain_server_gets_librechats_default():
    values = {k: v for k, v in ENV.items() if k != "DOMAIN_SERVER"}
    target = target_from_env(values)
    assert target.app_url == "http://localhost:3080"
    assert target.redirect_uri == "http://localhost:3080/oauth/openid/callback"


def test_env_auth_method_variable_and_profile_fill_in():
    target = target_from_env({**ENV, "OPENID_TOKEN_ENDPOINT_AUTH_METHOD": "client_secret_basic"})
    assert target.auth_method == "client_secret_basic"
    base = fake_profile(librechat_version="0.7.8", app_url="https://chat.example.org")
    target = target_from_env({"OPENID_ISSUER": "https://auth.example.org"}, base=base)
    assert target.app_url == "https://chat.example.org"
    assert target.client_id == FAKE_CLIENT_ID and target.auth_method == "client_secret_basic"


@pytest.mark.parametrize("values, message", [
    ({"DOMAIN_SERVER": "https://chat.example.com"}, "sets no OPENID_ISSUER"),
    ({**ENV, "OPENID_ISSUER": "auth.example.com"}, "must be an absolute http(s) URL"),
    ({**ENV, "DOMAIN_SERVER": "https://chat.example.com:99999"}, "is not a valid URL"),
])
def test_unusable_env_is_bad_input(values, message):
    with pytest.raises(TargetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        target_from_env(values)


def test_a_bad_ca_file_is_bad_input(tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("no certificate here\n")
    with pytest.raises(TargetError, match="not a PEM certificate file"):
        target_from_profile(fake_profile(), str(bogus))
    with pytest.raises(TargetError, match="No such file"):
        target_from_env(ENV, ca_file=str(tmp_path / "missing.pem"))
