"""The CLI's provider options, `set`, `render provider` and `write-key`."""

from __future__ import annotations

import io
import os
import stat

import pytest
import yaml
from conftest import FAKE_HMAC_SECRET, fake_profile, fake_provider_profile, masked
from dotenv import dotenv_values
from test_cli import assert_usage_error, run

from tui.core.keys import read_signing_key
from tui.core.store import ProfileStore

KEY_PATH = "/config/secrets/oidc/jwks/rsa.2048.key"
URLS = ["--app-url", "https://chat.home.lan", "--auth-url", "https://sso.home.lan"]


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory) -> str:
    import trustme

    path = tmp_path_factory.mktemp("ca") / "home-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def no_secret_in(profile, *texts: str) -> None:
    for text in texts:
        for secret in (profile.client_secret, profile.session_secret, profile.hmac_secret):
            assert not secret or secret not in text
        assert "PRIVATE KEY" not in text


def test_new_with_every_option_then_render_each_snippet(ca_file):
    result = run("new", "home", *URLS, "--key-path", KEY_PATH, "--admin-group", "chat-admins",
                 "--consent", "pre-configured", "--consent-duration", "2 weeks", "--ca-file",
                 ca_file, "--hairpin", "--authelia", "4.39")
    assert result.returncode == 0, result.stderr
    profile = ProfileStore().load("home")
    assert (profile.provider, profile.key_bits, profile.key_path, profile.admin_group,
            profile.consent, profile.consent_duration, profile.ca_file, profile.hairpin) == (
        "new", 2048, KEY_PATH, "chat-admins", "pre-configured", "2 weeks", ca_file, True)
    assert read_signing_key(profile.signing_key).bits == 2048
    assert len(profile.hmac_secret) == 64 and profile.hmac_secret.isalnum()
    assert profile.signing_key_id in result.stderr
    no_secret_in(profile, result.stdout, result.stderr)

    provider = run("render", "provider")
    assert provider.returncode == 0, provider.stderr
    assert provider.stdout.startswith("identity_providers:\n  oidc:\n    hmac_secret: ")
    assert f'key: {{{{ secret "{KEY_PATH}" | mindent 10 "|" | msquote }}}}' in provider.stdout
    assert "clients" not in provider.stdout

    block = run("render", "authelia").stdout
    assert "    jwks:\n" in block and "    claims_policies:\n" in block
    entry = yaml.safe_load(run("render", "authelia-entry").stdout)
    assert entry[0]["claims_policy"] == "librechat_groups_in_id_token"
    assert entry[0]["consent_mode"] == "pre-configured"
    assert entry[0]["pre_configured_consent_duration"] == "2 weeks"

    env = dotenv_values(stream=io.StringIO(run("render", "env").stdout), interpolate=False)
    assert env["OPENID_ADMIN_ROLE"] == "chat-admins"
    assert "NODE_EXTRA_CA_CERTS" not in env
    api = yaml.safe_load(run("render", "compose").stdout)["services"]["api"]
    assert api["environment"]["NODE_EXTRA_CA_CERTS"] == "/app/certs/authelia-ca.pem"
    assert api["volumes"][0]["source"] == ca_file
    assert api["extra_hosts"] == ["sso.home.lan:host-gateway"]
    checklist = run("render", "checklist").stdout
    assert "X_AUTHELIA_CONFIG_FILTERS=template" in checklist
    assert "docker compose exec api node -e" in checklist


def test_new_with_an_existing_provider_has_no_key_and_render_provider_says_why():
    assert run("new", "home", *URLS, "--provider", "existing").returncode == 0
    profile = ProfileStore().load("home")
    assert profile.provider == "existing" and not profile.signing_key
    assert "hmac_secret" not in run("render", "authelia").stdout
    assert_usage_error(run("render", "provider"), "existing provider")


def test_a_consent_duration_alone_means_pre_configured():
    assert run("new", "home", *URLS, "--consent-duration", "3 days").returncode == 0
    assert ProfileStore().load("home").consent == "pre-configured"


@pytest.mark.parametrize(("extra", "fragment"), [
    (["--key-bits", "1024"], "invalid choice: 1024"),
    (["--key-bits", "big"], "invalid int value"),
    (["--consent-duration", "1 fortnight"], "not an Authelia duration"),
    (["--consent-duration", "0s"], "not an Authelia duration"),
    (["--consent", "explicit", "--consent-duration", "1 week"], "only with --consent pre-"),
    (["--consent", "sometimes"], "invalid choice"),
    (["--admin-group", "admins", "--librechat", "0.8.0"], "OPENID_ADMIN_ROLE arrived in"),
    (["--ca-file", "/does/not/exist.pem"], "does not exist"),
    (["--ca-file", "/etc/hostname"], "not a PEM certificate"),
    (["--ca-file", "/etc"], "is a directory"),
    (["--key-path", "secrets/rsa.key"], "--key-path must be an absolute path"),
    (["--provider", "maybe"], "invalid choice"),
])
def test_bad_provider_input_is_one_line_exit_2_and_nothing_written(extra, fragment):
    assert_usage_error(run("new", "home", *URLS, *extra), fragment)
    assert ProfileStore().names() == []


def _saved(profile=None) -> tuple[ProfileStore, bytes]:
    store = ProfileStore()
    store.save("home", profile or fake_provider_profile())
    store.set_last_used("home")
    return store, store.path("home").read_bytes()


def test_set_changes_fields_and_keeps_the_secrets_and_key(ca_file):
    store, _ = _saved()
    before = store.load("home")
    result = run("set", "--app-url", "https://new.home.lan", "--admin-group", "admins",
                 "--ca-file", ca_file, "--hairpin", "--consent", "implicit")
    assert result.returncode == 0, result.stderr
    after = store.load("home")
    assert after.app_url == "https://new.home.lan" and after.admin_group == "admins"
    assert after.ca_file == ca_file and after.hairpin and after.consent == "implicit"
    for field in ("client_id", "client_secret", "client_secret_digest", "session_secret",
                  "hmac_secret", "signing_key", "signing_key_id"):
        assert masked(getattr(after, field)) == masked(getattr(before, field)), field
    assert "updated profile home: app_url, admin_group, consent, ca_file, hairpin" in (
        result.stderr)
    no_secret_in(after, result.stdout, result.stderr)
    assert run("set", "--no-hairpin").returncode == 0
    assert not store.load("home").hairpin


def test_set_switching_consent_away_from_pre_configured_drops_the_duration():
    store, _ = _saved(fake_provider_profile(consent="pre-configured", consent_duration="1 week"))
    assert run("set", "--consent", "explicit").returncode == 0
    assert (store.load("home").consent, store.load("home").consent_duration) == ("explicit", "")


@pytest.mark.parametrize(("extra", "fragment"), [
    (["--key-bits", "1024"], "invalid choice"),
    (["--consent-duration", "soon"], "not an Authelia duration"),
    (["--admin-group", "g", "--librechat", "0.7.8"], "OPENID_ADMIN_ROLE arrived in"),
    (["--ca-file", "/nope.pem"], "does not exist"),
    (["--key-path", "relative"], "absolute"),
    (["--app-url", "ftp://x"], "app_url"),
    ([], "nothing to change"),
])
def test_set_refuses_bad_input_and_leaves_the_file_alone(extra, fragment):
    store, raw = _saved()
    assert_usage_error(run("set", *extra), fragment)
    assert store.path("home").read_bytes() == raw


def test_set_provider_new_on_an_existing_profile_generates_the_key():
    store, _ = _saved(fake_profile())
    result = run("set", "--provider", "new")
    assert result.returncode == 0, result.stderr
    profile = store.load("home")
    assert read_signing_key(profile.signing_key).bits == 2048 and len(profile.hmac_secret) == 64
    assert profile.client_secret == fake_profile().client_secret


def test_set_key_bits_makes_a_key_of_that_size_and_says_so():
    store, _ = _saved()
    result = run("set", "--key-bits", "3072")
    assert result.returncode == 0, result.stderr
    profile = store.load("home")
    assert read_signing_key(profile.signing_key).bits == 3072 and profile.key_bits == 3072
    assert profile.signing_key_id.startswith("rsa3072-") and "the old key is gone" in (
        result.stderr)
    assert profile.hmac_secret == FAKE_HMAC_SECRET


def test_set_digest_rehashes_the_same_secret():
    store, _ = _saved(fake_profile())
    assert run("set", "--digest", "sha512crypt").returncode == 0
    profile = store.load("home")
    assert profile.client_secret == fake_profile().client_secret
    assert profile.client_secret_digest.startswith("$6$")
    assert run("check").returncode == 0


def test_write_key_writes_0600_and_never_replaces(tmp_path):
    store, _ = _saved(fake_provider_profile(key_path=KEY_PATH))
    tmp_path = tmp_path / "secrets"
    tmp_path.mkdir()
    target = tmp_path / "rsa.2048.key"
    result = run("write-key", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert masked(target.read_text()) == masked(store.load("home").signing_key)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert KEY_PATH in result.stderr and "PRIVATE" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["rsa.2048.key"]  # no temp file left

    target.write_text("the user's own file\n")
    assert_usage_error(run("write-key", str(target)), "never replaces a file")
    assert target.read_text() == "the user's own file\n"
    assert_usage_error(run("write-key", str(tmp_path)), "is a directory")
    assert_usage_error(run("write-key", str(tmp_path / "missing" / "k")), "cannot write")


def test_write_key_for_an_existing_provider_is_refused(tmp_path):
    _saved(fake_profile())
    assert_usage_error(run("write-key", str(tmp_path / "k")), "has no signing key")
    assert not (tmp_path / "k").exists()


def test_set_never_overwrites_a_change_made_after_it_loaded(monkeypatch):
    import contextlib

    from tui.cli import main

    store, _ = _saved()
    original = ProfileStore.load_with_stamp

    def load_then_someone_edits(self, name):
        loaded = original(self, name)
        ProfileStore().save(name, fake_provider_profile(client_name="Edited elsewhere"))
        return loaded

    monkeypatch.setattr(ProfileStore, "load_with_stamp", load_then_someone_edits)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["set", "--hairpin"])
    assert code == 2 and err.getvalue().count("\n") == 1
    assert "changed by another program" in err.getvalue()
    after = ProfileStore().load("home")
    assert after.client_name == "Edited elsewhere" and not after.hairpin


def test_a_failed_new_is_one_line_even_after_making_a_key():
    assert run("new", "home", *URLS).returncode == 0
    second = run("new", "home", *URLS)
    assert_usage_error(second, "already exists")
    assert "generated" not in second.stderr


def test_set_to_the_values_the_profile_has_says_so(capsys):
    from tests.corpus_helpers import cli

    ProfileStore().save("home", fake_profile())
    status, _, err = cli(capsys, "set", "--profile", "home", "--authelia",
                         fake_profile().authelia_version)
    assert status == 0, err
    assert "profile home already has those values" in err
    assert "nothing" not in err
