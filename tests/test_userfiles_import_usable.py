"""`import` gives a profile that renders and applies: a digest kept outside the profile, an
hmac secret Authelia takes, the commands that supply what could not be carried over, and
LibreChat's Compose service found by what it runs."""

from __future__ import annotations

import io
import shlex
import sys

import jsonschema
import pytest
import yaml

from tests.conftest import (
    FAKE_CLIENT_ID,
    FAKE_CLIENT_SECRET,
    FAKE_DIGEST,
    FAKE_SESSION_SECRET,
    fake_profile,
    schema,
)
from tests.corpus_helpers import CORPUS, cli
from tests.test_userfiles_audit import client_with, env_with
from tests.userfiles_helpers import clean_config, inline_jwks_key, rsa_pem, write_pair
from tui.core import digest
from tui.core.authelia import render_client_block, render_client_entry
from tui.core.checks import check_profile
from tui.core.findings import has_errors
from tui.core.librechat import render_env
from tui.core.profile import Profile, profile_from_dict, profile_to_dict
from tui.core.provider import render_provider
from tui.core.store import ProfileStore
from tui.userfiles.apply import apply_authelia, apply_compose, plan_apply
from tui.userfiles.importer import import_profile
from tui.userfiles.sources import read_sources


def imported(tmp_path, config: str, env: str | None = None, name: str = "home"):
    config_path, env_path = write_pair(tmp_path, config, env or _home_env())
    sources = read_sources([config_path], env_path)
    profile, notes = import_profile(sources.config, sources.env, librechat="0.8.7", name=name)
    return profile, notes, config_path, env_path


def _home_env() -> str:
    return env_with()


def codes(profile: Profile) -> dict[str, str]:
    return {f.code: f.severity for f in check_profile(profile)}


# The digest managed outside the profile ------------------------------------------------------

# client_secret as users write it (a template or a variable), and what the profile keeps.
TEMPLATED_SECRETS = [
    ('{{ secret "/run/secrets/librechat_digest" }}',
     '{{ secret "/run/secrets/librechat_digest" }}'),
    ("'{{ secret \"/run/secrets/librechat_digest\" }}'",
     "'{{ secret \"/run/secrets/librechat_digest\" }}'"),
    ('{{ env "LIBRECHAT_DIGEST" }}  # made with authelia crypto hash',
     '{{ env "LIBRECHAT_DIGEST" }}'),
    ("'${LIBRECHAT_DIGEST}'", "'${LIBRECHAT_DIGEST}'"),
    ("${LIBRECHAT_DIGEST}", "${LIBRECHAT_DIGEST}"),
]


@pytest.mark.parametrize(("written", "kept"), TEMPLATED_SECRETS, ids=range(5))
def test_a_digest_from_a_template_is_kept_and_its_line_left_alone(tmp_path, written, kept):
    config = client_with(("client_secret", written))
    profile, notes, config_path, env_path = imported(tmp_path, config)
    assert profile.digest_template == kept and profile.digest_outside
    assert profile.client_secret_digest == ""
    assert codes(profile)["digest-managed-outside"] == "info"
    assert not has_errors(check_profile(profile))
    # Everything that does not need the digest works without it.
    assert f"OPENID_CLIENT_SECRET='{FAKE_CLIENT_SECRET}'" in render_env(profile)
    plan_apply("env", profile, env_path)
    # render writes the configuration's own expression; apply leaves the line byte-identical.
    assert f"        client_secret: {kept}\n" in render_client_block(profile)
    assert f"  client_secret: {kept}\n" in render_client_entry(profile)
    assert apply_authelia(config, profile) == (config, [])
    assert not plan_apply("authelia", profile, config_path).changed
    note = next(n for n in notes if "digest" in n)
    assert note.carried and not note.missing
    assert note.endswith("librechat-authelia set --profile home --digest pbkdf2-sha512")


def test_the_rendered_client_is_what_authelia_accepts_once_the_template_is_filled_in():
    profile = fake_profile(client_secret_digest="",
                           digest_template='{{ secret "/run/secrets/librechat_digest" }}')
    for form in (render_client_block(profile), render_client_entry(profile)):
        assert form.startswith("# client_secret is kept as your configuration has it")
        assert "X_AUTHELIA_CONFIG_FILTERS=template" in form
    for text in (render_client_block(profile),
                 "identity_providers:\n  oidc:\n    clients:\n" + "\n".join(
                     "      " + line for line in render_client_entry(profile).splitlines())):
        # Authelia expands the template before it parses the YAML.
        filled = yaml.safe_load(text.replace(profile.digest_template, FAKE_DIGEST))
        assert filled["identity_providers"]["oidc"]["clients"][0]["client_secret"] == \
            FAKE_DIGEST
        for version in ("4.38", "4.39"):
            jsonschema.Draft202012Validator(schema(version)).validate(filled)


def test_a_client_added_by_apply_gets_the_template_verbatim(tmp_path):
    # Another LibreChat than the file's client serves: apply adds a client for it.
    profile = fake_profile(client_secret_digest="", client_id="another-client",
                           app_url="https://chat2.example.com",
                           digest_template='{{ secret "/run/secrets/librechat_digest" }}')
    text, _ = apply_authelia(clean_config(), profile)
    assert '        client_secret: {{ secret "/run/secrets/librechat_digest" }}\n' in text


def test_the_digest_template_is_saved_and_old_profiles_still_load(tmp_path):
    profile = fake_profile(client_secret_digest="", digest_template="'${LIBRECHAT_DIGEST}'")
    store = ProfileStore()
    store.save("outside", profile)
    assert store.load("outside") == profile
    data = profile_to_dict(fake_profile())
    del data["digest_template"]  # a profile saved before the field existed
    assert profile_from_dict(data).digest_template == ""


@pytest.mark.parametrize("template", ["a-literal-digest", "x: {{ secret \"/s\" }}"])
def test_a_digest_template_that_cannot_stand_in_the_file_is_an_error(template):
    profile = fake_profile(client_secret_digest="", digest_template=template)
    assert codes(profile)["digest-template-invalid"] == "error"


def test_set_leaves_a_digest_outside_alone_until_told_to_make_one(tmp_path, capsys):
    config = client_with(("client_secret", '{{ secret "/run/secrets/librechat_digest" }}'))
    config_path, env_path = write_pair(tmp_path, config, _home_env())
    assert cli(capsys, "import", "home", "--authelia-config", str(config_path), "--env",
               str(env_path), "--librechat", "0.8.7")[0] == 0
    assert cli(capsys, "set", "--profile", "home", "--button-label", "Sign in")[0] == 0
    profile = ProfileStore().load("home")
    assert profile.digest_outside and profile.client_secret_digest == ""
    # A new client secret: the digest outside must be made again there, and set says so.
    secret_file = tmp_path / "secret"
    secret_file.write_text("another-client-secret-" + "s" * 50 + "\n")
    status, _, err = cli(capsys, "set", "--profile", "home", "--client-secret-file",
                         str(secret_file))
    assert status == 0 and "make it again there" in err
    assert ProfileStore().load("home").client_secret_digest == ""
    # --digest: the profile holds the digest from now on, and apply writes it.
    assert cli(capsys, "set", "--profile", "home", "--digest", "pbkdf2-sha512")[0] == 0
    profile = ProfileStore().load("home")
    assert not profile.digest_outside
    assert digest.verify(profile.client_secret, profile.client_secret_digest)


def test_the_secrets_pane_shows_a_digest_outside_and_never_makes_one(monkeypatch):
    from tui.app.digests import DigestJobs
    from tui.app.state import OUTSIDE

    class Target:
        def post_message(self, message):
            raise AssertionError("no digest work for a digest managed outside")

        def call_after_refresh(self, *args):
            raise AssertionError("no digest check for a digest managed outside")

    jobs = DigestJobs(Target())
    profile = fake_profile(client_secret_digest="",
                           digest_template='{{ secret "/run/secrets/librechat_digest" }}')
    assert jobs.status(profile)[0] == OUTSIDE
    jobs.profile_changed(profile)
    jobs.rehash(profile)
    assert not jobs.busy and jobs.status(profile)[0] == OUTSIDE


# The hmac secret: what Authelia takes, the profile takes -------------------------------------


def _provider_config(hmac: str) -> str:
    config = clean_config().replace(
        '    hmac_secret: {{ secret "/config/secrets/oidc/hmac" | msquote }}',
        f"    hmac_secret: '{hmac}'")
    return inline_jwks_key(config, rsa_pem(2048))


@pytest.mark.parametrize("hmac", ["short-hmac.secret~with_symbols", "a" * 64,
                                  "insecure_secret_" + "Ab1" * 20])
def test_an_hmac_secret_authelia_takes_is_kept_and_only_warned_about(tmp_path, hmac):
    config = _provider_config(hmac)
    profile, notes, config_path, _ = imported(tmp_path, config)
    assert profile.provider == "new" and profile.hmac_secret == hmac
    findings = [f for f in check_profile(profile) if f.field == "hmac_secret"]
    assert findings and {f.severity for f in findings} == {"warning"}
    for finding in findings:
        assert finding.fix.startswith("librechat-authelia set --profile NAME --new hmac-secret")
    assert not has_errors(check_profile(profile))
    render_client_block(profile)
    assert f"hmac_secret: '{hmac}'" in render_provider(profile)
    assert not plan_apply("authelia", profile, config_path).changed
    note = next(n for n in notes if "hmac secret is kept" in n)
    assert note.endswith("librechat-authelia set --profile home --new hmac-secret")


def test_the_command_an_hmac_warning_names_makes_a_new_secret(tmp_path, capsys):
    config_path, env_path = write_pair(tmp_path, _provider_config("short"), _home_env())
    assert cli(capsys, "import", "home", "--authelia-config", str(config_path), "--env",
               str(env_path), "--librechat", "0.8.7")[0] == 0
    status, out, _ = cli(capsys, "check", "--profile", "home")
    assert status == 0 and "fix: librechat-authelia set --profile home --new hmac-secret" in out
    assert cli(capsys, "set", "--profile", "home", "--new", "hmac-secret")[0] == 0
    profile = ProfileStore().load("home")
    assert len(profile.hmac_secret) == 64 and profile.hmac_secret.isalnum()
    assert "hmac_secret" not in {f.field for f in check_profile(profile)}


def test_template_braces_in_an_hmac_secret_are_still_an_error():
    profile = fake_profile(provider="new", hmac_secret="{{ secret }}" + "x" * 60)
    assert codes(profile)["hmac-secret-invalid"] == "error"


def test_a_new_hmac_secret_needs_the_profiles_own_provider(capsys):
    ProfileStore().save("home", fake_profile())
    status, _, err = cli(capsys, "set", "--profile", "home", "--new", "hmac-secret")
    assert status == 2 and "existing provider" in err


# Secrets for `set`: from a file or stdin, or made new; never on the command line ------------


def test_set_takes_secrets_from_a_file_and_stdin(tmp_path, capsys, monkeypatch):
    ProfileStore().save("home", fake_profile(client_secret="", session_secret=""))
    secret_file = tmp_path / "client-secret"
    secret_file.write_text(FAKE_CLIENT_SECRET + "\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO(FAKE_SESSION_SECRET + "\n"))
    status, _, err = cli(capsys, "set", "--profile", "home", "--client-secret-file",
                         str(secret_file), "--session-secret-file", "-")
    assert status == 0, err
    profile = ProfileStore().load("home")
    assert (profile.client_secret, profile.session_secret) == (FAKE_CLIENT_SECRET,
                                                               FAKE_SESSION_SECRET)
    # The same secret: the digest that already verifies it stays (apply changes nothing).
    assert profile.client_secret_digest == FAKE_DIGEST
    assert FAKE_CLIENT_SECRET not in err and FAKE_SESSION_SECRET not in err


def test_set_makes_new_secrets_and_a_digest_for_a_new_client_secret(capsys):
    ProfileStore().save("home", fake_profile())
    assert cli(capsys, "set", "--profile", "home", "--new", "client-secret", "--new",
               "session-secret")[0] == 0
    profile = ProfileStore().load("home")
    assert profile.client_secret != FAKE_CLIENT_SECRET and len(profile.client_secret) == 72
    assert profile.session_secret != FAKE_SESSION_SECRET
    assert digest.verify(profile.client_secret, profile.client_secret_digest)


@pytest.mark.parametrize(("content", "message"), [
    ("", "the secret is empty"), ("one\ntwo\n", "one line"),
])
def test_set_refuses_a_secret_file_it_cannot_use(tmp_path, capsys, content, message):
    ProfileStore().save("home", fake_profile())
    path = tmp_path / "secret"
    path.write_text(content)
    status, _, err = cli(capsys, "set", "--profile", "home", "--client-secret-file", str(path))
    assert status == 2 and message in err
    status, _, err = cli(capsys, "set", "--profile", "home", "--client-secret-file",
                         str(tmp_path / "missing"))
    assert status == 2 and "cannot be read" in err
    status, _, err = cli(capsys, "set", "--profile", "home", "--client-secret-file", "-",
                         "--session-secret-file", "-")
    assert status == 2 and "only one secret" in err


# What import says and does agree -------------------------------------------------------------


def test_without_domain_server_or_a_client_import_names_the_command_for_the_url(tmp_path):
    env = env_with(("DOMAIN_SERVER", None), ("DOMAIN_CLIENT", None),
                   ("OPENID_CLIENT_ID", "no-such-client"))
    profile, notes, _, _ = imported(tmp_path, clean_config(), env)
    note = next(n for n in notes if n.startswith("LibreChat's URL"))
    assert note.missing == ("app_url",) and profile.app_url == Profile().app_url
    assert note.endswith("librechat-authelia set --profile home --app-url URL")


def test_a_url_from_the_redirect_uri_is_said_to_come_from_there(tmp_path):
    env = env_with(("DOMAIN_SERVER", None), ("DOMAIN_CLIENT", None))
    profile, notes, _, _ = imported(tmp_path, clean_config(), env)
    assert profile.app_url == "https://librechat.example.com"
    (note,) = [n for n in notes if "LibreChat's URL" in n]
    assert note.carried and "redirect URI" in note and "not carried" not in note
    assert "DOMAIN_SERVER is not set" in note


def test_a_placeholder_in_env_is_not_imported_as_a_value(tmp_path):
    env = env_with(("OPENID_CLIENT_ID", "[YourClientID]"))
    profile, notes, _, _ = imported(tmp_path, clean_config(), env)
    assert profile.client_id == ""
    note = next(n for n in notes if n.startswith("the client ID"))
    assert "placeholder" in note and note.missing == ("client_id",)


def test_a_plaintext_client_secret_is_kept_as_authelia_reads_it(tmp_path, capsys):
    config = client_with(("client_secret", f"'{FAKE_CLIENT_SECRET}'"))
    profile, notes, _, _ = imported(tmp_path, config)
    assert profile.client_secret_digest == "$plaintext$" + FAKE_CLIENT_SECRET
    assert codes(profile)["digest-plaintext"] == "warning"
    assert not has_errors(check_profile(profile))
    assert any(n.carried and "plaintext" in n for n in notes)


def test_import_prints_carried_notes_apart_from_what_was_not_carried(tmp_path, capsys):
    env = env_with(("DOMAIN_SERVER", None), ("DOMAIN_CLIENT", None))
    config_path, env_path = write_pair(tmp_path, clean_config(), env)
    _, _, err = cli(capsys, "import", "home", "--authelia-config", str(config_path), "--env",
                    str(env_path), "--librechat", "0.8.7")
    assert "note: LibreChat's URL https://librechat.example.com comes from" in err
    assert "not carried over: LibreChat's URL" not in err
    # The suggested command runs as printed: a version `set --authelia` takes.
    [command] = [line.split("run: ", 1)[1] for line in err.splitlines()
                 if "--authelia " in line]
    assert command == "librechat-authelia set --profile home --authelia 4.38"
    status, _, set_err = cli(capsys, *shlex.split(command)[1:])
    assert status == 0, set_err
    assert "updated profile home: authelia_version" in set_err


# Compose: LibreChat's service found by what it runs ------------------------------------------


def test_import_reads_the_ca_and_hairpin_of_a_librechat_service_not_called_api(tmp_path):
    sources = read_sources([CORPUS / "config-templated.yml"], CORPUS / "librechat-home.env",
                           CORPUS / "compose-librechat-ca.yml")
    profile, _ = import_profile(sources.config, sources.env, sources.compose,
                                librechat="0.8.7")
    assert profile.hairpin is True
    # The host path, relative to the Compose file, made absolute.
    assert profile.ca_file == str(CORPUS / "certs" / "home-ca.pem")


@pytest.mark.parametrize("compose", ["compose-renamed-services.yml",
                                     "compose-librechat-ca.yml"])
def test_apply_compose_edits_the_librechat_service_whatever_its_name(compose):
    text = (CORPUS / compose).read_text()
    profile = fake_profile(app_url="https://chat.home.example.net",
                           auth_url="https://auth.home.example.net", hairpin=True)
    new, _ = apply_compose(text, profile, compose)
    data = yaml.safe_load(new)
    assert data["services"]["api"] == yaml.safe_load(text)["services"]["api"]  # not LibreChat
    librechat = data["services"]["librechat"]
    assert "auth.home.example.net:host-gateway" in librechat["extra_hosts"]
    assert librechat["environment"]["OPENID_CLIENT_ID"] == FAKE_CLIENT_ID


def test_what_goes_into_librechats_files_needs_no_digest(tmp_path):
    """A profile whose client has no digest yet (no client in the file): .env and the
    Compose override are made; only Authelia's client needs the digest."""
    from tui.core.checks import ProfileInvalid
    from tui.core.librechat import render_compose

    profile = fake_profile(client_secret_digest="", hairpin=True)
    assert f"OPENID_CLIENT_SECRET='{FAKE_CLIENT_SECRET}'" in render_env(profile)
    assert "host-gateway" in render_compose(profile)
    assert plan_apply("env", profile, tmp_path / ".env").changed
    assert plan_apply("compose", profile, tmp_path / "compose.override.yml").changed
    with pytest.raises(ProfileInvalid, match="digest"):
        render_client_block(profile)
    with pytest.raises(ProfileInvalid, match="digest"):
        plan_apply("authelia", profile, tmp_path / "configuration.yml")
