"""`import`: a profile from an existing setup, saying what it could not carry."""

from __future__ import annotations

from tests.conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, fake_profile
from tests.test_userfiles_audit import client_with, env_with
from tests.userfiles_helpers import COMPOSE, CONFIG, ENV, clean_env, write_pair
from tui.cli import main
from tui.core.checks import check_profile
from tui.core.findings import has_errors
from tui.core.store import ProfileStore
from tui.userfiles.apply import apply_authelia, apply_env
from tui.userfiles.importer import import_profile
from tui.userfiles.sources import read_sources


def imported(tmp_path, config=None, env=None, compose=None, librechat=None):
    config_path, env_path = write_pair(tmp_path, config or CONFIG.read_text(), env or clean_env())
    sources = read_sources([config_path], env_path, compose)
    return import_profile(sources.config, sources.env, sources.compose, librechat=librechat)


def test_import_of_the_clean_pair_is_the_profile_that_made_it(tmp_path):
    profile, notes = imported(tmp_path, compose=COMPOSE)
    assert profile.client_id == FAKE_CLIENT_ID
    assert profile.client_secret == FAKE_CLIENT_SECRET
    assert profile.session_secret == FAKE_SESSION_SECRET
    assert profile.app_url == "https://librechat.example.com"
    assert profile.auth_url == "https://auth.example.com"
    assert profile.librechat_version == "0.8.7"  # from the image tag
    assert profile.digest_algorithm == "pbkdf2-sha512"
    assert not has_errors(check_profile(profile))
    # Applying the imported profile back changes nothing in either file.
    assert apply_authelia(CONFIG.read_text(), profile) == (CONFIG.read_text(), [])
    assert apply_env(ENV.read_text(), profile)[0] == ENV.read_text()
    assert any("Authelia's version" in n for n in notes)
    assert not any("LibreChat's version" in n for n in notes)


def test_a_one_group_policy_becomes_the_profiles_group(tmp_path):
    config = client_with(("authorization_policy", "'admins_only'"))
    profile, notes = imported(tmp_path, config=config)
    assert (profile.group, profile.policy) == ("admins", "two_factor")
    assert any("'admins_only'" in n and "librechat_admins" in n for n in notes)


def test_what_cannot_be_carried_is_named(tmp_path):
    config = client_with(("client_secret", '{{ secret "/s/librechat.digest" }}'))
    env = env_with(("OPENID_SESSION_SECRET", None), ("OPENID_SCOPE", '"openid email foo"'))
    profile, notes = imported(tmp_path, config=config, env=env)
    assert profile.session_secret == "" and profile.client_secret_digest == ""
    assert profile.digest_template == '{{ secret "/s/librechat.digest" }}'
    text = "\n".join(notes)
    assert "digest comes from a template" in text
    assert "OPENID_SESSION_SECRET is not set" in text
    assert "foo" in text and profile.scopes == ("openid", "email")
    assert "LibreChat's version" in text


def test_cli_import_saves_and_refuses_to_overwrite(tmp_path, capsys):
    args = ["import", "home", "--authelia-config", str(CONFIG), "--env", str(ENV),
            "--librechat", "0.8.7"]
    assert main(args) == 0
    assert ProfileStore().load("home") == fake_profile().with_changes(
        button_label="Log in with Authelia", image_url="",
        authelia_config_paths=[str(CONFIG.resolve())], env_path=str(ENV.resolve()))
    err = capsys.readouterr().err
    assert "imported profile home" in err
    for secret in (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET):
        assert secret not in err
    assert main(args) == 2
    assert main([*args, "--force"]) == 0


def test_the_app_can_audit_the_files_a_profile_remembers(tmp_path):
    import pytest

    from tui.userfiles.authelia_config import ConfigInputError
    from tui.userfiles.sources import audit_profile_files

    with pytest.raises(ConfigInputError, match="no files to check"):
        audit_profile_files(fake_profile())
    profile = fake_profile(authelia_config_paths=[str(CONFIG)], env_path=str(ENV),
                           compose_path=str(COMPOSE))
    result = audit_profile_files(profile)
    assert result.verifications == 1
    assert [f.code for f in result.findings] == ["value-not-checkable"] * 2


def test_the_notes_come_in_the_order_of_the_import_steps(tmp_path):
    config = client_with(("authorization_policy", "'family'"),
                         ("client_secret", "'{{ secret \"/s\" }}'"))
    env = env_with(("DOMAIN_SERVER", None), ("DOMAIN_CLIENT", None),
                   ("OPENID_ISSUER", "https://[x"), ("OPENID_SESSION_SECRET", None),
                   ("OPENID_SCOPE", '"openid groups made-up"'), ("OPENID_ADMIN_ROLE", "admins"))
    _, notes = imported(tmp_path, config=config, env=env)
    assert [note.replace(str(tmp_path), "DIR") for note in notes] == [
        "LibreChat's URL https://librechat.example.com comes from the client's redirect URI "
        "(DIR/configuration.yml:275), as DOMAIN_SERVER is not set; render env writes "
        "DOMAIN_SERVER and DOMAIN_CLIENT",
        "Authelia's URL comes from session.cookies authelia_url (DIR/configuration.yml:56), as "
        "OPENID_ISSUER (DIR/.env:792) is not a valid URL (Invalid IPv6 URL); render env writes "
        "OPENID_ISSUER",
        "the session secret (OPENID_SESSION_SECRET is not set); run: librechat-authelia set "
        "--profile NAME --new session-secret",
        "the scopes made-up (not Authelia scopes: a profile cannot hold them)",
        "LibreChat's version is assumed to be 0.8.7 (the import's --librechat gives it); to set "
        "it, run: librechat-authelia set --profile NAME --librechat VERSION",
        "Authelia's version (not in its configuration: the profile assumes 4.39); if yours is "
        "another (4.38 or 4.39), run: librechat-authelia set --profile NAME --authelia 4.38",
        "the client secret's digest comes from a template, '{{ secret \"/s\" }}' "
        "(DIR/configuration.yml:269): the profile keeps it as it is (render writes it, apply "
        "leaves that line alone); to have the profile make the digest instead, run: "
        "librechat-authelia set --profile NAME --digest pbkdf2-sha512",
        "the custom authorization policy 'family' (DIR/configuration.yml:271: only one-group "
        "policies are carried; the profile uses two_factor); to allow only one group, run: "
        "librechat-authelia set --profile NAME --group GROUP",
        "the provider's hmac secret and key stay Authelia's (the hmac secret comes from a "
        "template; the key comes from a template): the profile writes no provider section",
        "the admin group (OPENID_ADMIN_ROLE is carried only when read from the groups claim, "
        "OPENID_ADMIN_ROLE_PARAMETER_PATH=groups); run: librechat-authelia set --profile NAME "
        "--admin-group GROUP"]
