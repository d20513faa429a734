"""`apply` updates the client that already serves this LibreChat (found by its redirect URI,
or by the .env's OPENID_CLIENT_ID) instead of adding a second one; it refuses when two
clients could be it; and it leaves alone what only differs in order or quoting."""

from __future__ import annotations

import difflib
import shutil

import pytest

from tests.conftest import FAKE_CLIENT_ID, FAKE_DIGEST, fake_profile
from tests.corpus_helpers import CORPUS, cli
from tui.core.store import ProfileStore
from tui.userfiles.apply import ApplyError, apply_authelia, plan_apply, write_plan
from tui.userfiles.audit import audit
from tui.userfiles.authelia_config import AutheliaConfig
from tui.userfiles.dotenv import DotEnv, parse_dotenv
from tui.userfiles.yamldoc import YamlDoc, plain

HOME = {"app_url": "https://chat.home.example.net", "auth_url": "https://auth.home.example.net"}
CALLBACK = "https://chat.home.example.net/oauth/openid/callback"
CLIENTS = ("identity_providers", "oidc", "clients")
FRESH_ID = "fresh-client-id-" + "f" * 56  # what `new` would draw


def clients_of(text):
    return plain(YamlDoc(text).node(CLIENTS))


def serving(text, uri=CALLBACK):
    return [c["client_id"] for c in clients_of(text) if uri in c.get("redirect_uris", [])]


def changed_lines(old, new):
    """The diff's - and + lines, without the headers."""
    return [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "-+" and line[:3] not in ("---", "+++")]


def audit_codes(config_text, env_text, path="configuration.yml"):
    config = AutheliaConfig([YamlDoc(config_text, path)], [])
    return audit(config, DotEnv(env_text, ".env"), librechat="0.8.7", verify=False).findings


# Adopting the client ----------------------------------------------------------------------


def test_a_fresh_profile_updates_the_client_that_has_its_redirect_uri(tmp_path):
    path = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-anchors.yml", path)
    old = path.read_text()
    plan = plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), path)
    assert len(clients_of(plan.new_text)) == len(clients_of(old)) == 3
    assert serving(plan.new_text) == [FAKE_CLIENT_ID]  # the user's client, its ID kept
    assert FRESH_ID not in plan.new_text
    assert plan.profile_changes == {"client_id": FAKE_CLIENT_ID}
    adopted = [n for n in plan.notes if "already serves this LibreChat" in n]
    assert len(adopted) == 1 and f"{path}:43" in adopted[0], plan.notes
    assert "client_id becomes 'fake-client-id-" in adopted[0]
    # (the same digest): only the key the client lacks, in the file's double quotes.
    assert changed_lines(old, plan.new_text) == [
        '+              access_token_signed_response_alg: "none"']


def test_the_cli_adopts_the_client_and_the_env_keeps_its_client_id(tmp_path, capsys):
    config, env = tmp_path / "configuration.yml", tmp_path / ".env"
    shutil.copy(CORPUS / "homelab-anchors.yml", config)
    shutil.copy(CORPUS / "homelab-anchors.env", env)
    status, _, err = cli(capsys, "new", "home", "--app-url", HOME["app_url"],
                         "--auth-url", HOME["auth_url"], "--provider", "existing")
    assert status == 0, err
    fresh = ProfileStore().load("home").client_id
    assert fresh != FAKE_CLIENT_ID
    status, out, err = cli(capsys, "apply", "authelia", "--profile", "home", "--file",
                           str(config), "--dry-run")
    assert status == 1 and fresh not in out, out
    assert "already serves this LibreChat" in err and ProfileStore().load("home").client_id \
        == fresh  # a dry run changes nothing, the profile neither
    status, _, err = cli(capsys, "apply", "authelia", "--profile", "home", "--file",
                         str(config), "--yes")
    assert status == 0, err
    assert f"profile home: client_id is now '{FAKE_CLIENT_ID}'" in err
    assert ProfileStore().load("home").client_id == FAKE_CLIENT_ID
    status, _, err = cli(capsys, "apply", "env", "--profile", "home", "--file", str(env),
                         "--yes")
    assert status == 0, err
    assert parse_dotenv(env.read_text()).get("OPENID_CLIENT_ID") == FAKE_CLIENT_ID
    assert serving(config.read_text()) == [FAKE_CLIENT_ID]
    status, out, err = cli(capsys, "audit", "--authelia-config", str(config), "--env",
                           str(env), "--librechat", "0.8.7")
    assert status == 0 and "0 errors" in out, out


def test_the_client_named_by_the_env_is_adopted(tmp_path):
    # LibreChat's client still lists the old guide's callback: only the .env names it.
    old = (CORPUS / "homelab-anchors.yml").read_text().replace(
        "https://chat.home.example.net/oauth/openid/callback",
        "https://chat.home.example.net/oauth/openid")
    path = tmp_path / "configuration.yml"
    path.write_text(old)
    env = tmp_path / ".env"
    shutil.copy(CORPUS / "homelab-anchors.env", env)
    profile = fake_profile(client_id=FRESH_ID, **HOME)
    plan = plan_apply("authelia", profile, path, env=env)
    assert plan.profile_changes == {"client_id": FAKE_CLIENT_ID}
    assert serving(plan.new_text) == [FAKE_CLIENT_ID]
    assert any("OPENID_CLIENT_ID" in n for n in plan.notes if "already serves" in n)
    # The profile's remembered .env is read the same way.
    remembered = plan_apply("authelia", profile.with_changes(env_path=str(env)), path)
    assert remembered.profile_changes == {"client_id": FAKE_CLIENT_ID}
    # Without the .env nothing names that client: a new one is added, as before.
    assert plan_apply("authelia", profile, path).profile_changes == {}


def test_the_profiles_own_client_is_updated_without_a_change_of_id(tmp_path):
    path = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-anchors.yml", path)
    plan = plan_apply("authelia", fake_profile(**HOME), path)
    assert plan.profile_changes == {}
    assert not any("already serves" in n for n in plan.notes)


def test_two_clients_for_this_librechat_are_refused_naming_both(tmp_path):
    old = (CORPUS / "homelab-anchors.yml").read_text().replace(
        "https://cloud.home.example.net/apps/oidc_login/oidc", CALLBACK)
    path = tmp_path / "configuration.yml"
    path.write_text(old)
    with pytest.raises(ApplyError) as refused:
        plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), path)
    message = str(refused.value)
    assert "\n" not in message
    assert f"{path}:43" in message and f"{path}:49" in message
    assert "'nextcloud'" in message and "librechat-authelia import" in message
    assert "nothing written" in message


def test_another_client_beside_the_profiles_own_is_said_not_refused(tmp_path):
    old = (CORPUS / "homelab-anchors.yml").read_text().replace(
        "https://cloud.home.example.net/apps/oidc_login/oidc", CALLBACK)
    path = tmp_path / "configuration.yml"
    path.write_text(old)
    plan = plan_apply("authelia", fake_profile(**HOME), path)
    assert plan.profile_changes == {}
    [note] = [n for n in plan.notes if "also serves this LibreChat" in n]
    assert f"'nextcloud' ({path}:49" in note and "redirect-uri-shared" in note


def test_a_redirect_match_and_an_env_naming_another_client_are_refused(tmp_path):
    path = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-anchors.yml", path)
    env = tmp_path / ".env"
    env.write_text((CORPUS / "homelab-anchors.env").read_text().replace(
        FAKE_CLIENT_ID, "nextcloud"))
    with pytest.raises(ApplyError) as refused:
        plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), path, env=env)
    message = str(refused.value)
    assert f"{path}:43" in message and f"{path}:49" in message
    assert "OPENID_CLIENT_ID" in message and "librechat-authelia import" in message


def test_apply_authelia_alone_never_adds_a_second_client_for_this_librechat():
    old = (CORPUS / "homelab-anchors.yml").read_text()
    new, notes = apply_authelia(old, fake_profile(client_id=FRESH_ID, **HOME))
    assert serving(new) == [FAKE_CLIENT_ID]
    assert any("already serves this LibreChat" in n for n in notes)


def test_another_librechat_gets_its_own_client():
    old = (CORPUS / "homelab-anchors.yml").read_text()
    profile = fake_profile(client_id=FRESH_ID, app_url="https://chat2.home.example.net",
                           auth_url=HOME["auth_url"])
    new, _ = apply_authelia(old, profile)
    assert len(clients_of(new)) == 4 and serving(new, profile.redirect_uri) == [FRESH_ID]


# The audit sees two clients for one LibreChat ---------------------------------------------


def test_the_audit_reports_two_clients_with_the_same_librechat_redirect_uri():
    old = (CORPUS / "homelab-anchors.yml").read_text().replace(
        "https://cloud.home.example.net/apps/oidc_login/oidc", CALLBACK)
    env = (CORPUS / "homelab-anchors.env").read_text()
    found = [f for f in audit_codes(old, env) if f.code == "redirect-uri-shared"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].where == "configuration.yml:49"
    assert "configuration.yml:43" in found[0].message and "'nextcloud'" in found[0].message
    assert "'nextcloud'" in found[0].fix  # the one LibreChat does not use goes
    # One client per LibreChat: nothing to say.
    clean = (CORPUS / "homelab-anchors.yml").read_text()
    assert "redirect-uri-shared" not in {f.code for f in audit_codes(clean, env)}


# Order and quoting ------------------------------------------------------------------------

# The profile that matches homelab-reordered.yml's LibreChat client but for the order of its
# lists and the quotes of its values.
REORDERED = {**HOME, "admin_panel": True, "refresh_tokens": True}


def reordered(tmp_path):
    path = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-reordered.yml", path)
    return path


def test_lists_only_in_another_order_are_left_alone(tmp_path):
    path = reordered(tmp_path)
    plan = plan_apply("authelia", fake_profile(**REORDERED), path)
    assert not plan.changed, plan.diff
    assert plan.notes == []


def test_a_changed_scalar_keeps_its_quotes_and_its_comment(tmp_path):
    path = reordered(tmp_path)
    old = path.read_text()
    plan = plan_apply("authelia", fake_profile(**REORDERED, client_name="Chat"), path)
    assert changed_lines(old, plan.new_text) == [
        '-              client_name: "LibreChat"  # the name on Authelia\'s consent page',
        '+              client_name: "Chat"  # the name on Authelia\'s consent page']
    write_plan(plan)
    assert not plan_apply("authelia", fake_profile(**REORDERED, client_name="Chat"),
                          path).changed


def test_a_list_loses_or_gains_only_the_items_that_change(tmp_path):
    path = reordered(tmp_path)
    old = path.read_text()
    # No refresh tokens: offline_access and refresh_token go, the rest stays as written.
    profile = fake_profile(**{**REORDERED, "refresh_tokens": False})
    plan = plan_apply("authelia", profile, path)
    assert changed_lines(old, plan.new_text) == [
        '-                  - "offline_access"',
        '-              grant_types: ["refresh_token", "authorization_code"]',
        '+              grant_types: ["authorization_code"]']
    # A new scope: one line, quoted like the list's last item, at its indent; an alias
    # (*two) replaced by a value in the file's quotes.
    new, _ = apply_authelia(old, fake_profile(**REORDERED, group="family", admin_group="a"))
    lines = changed_lines(old, new)
    assert lines[:3] == ['-              authorization_policy: *two',
                         '+              authorization_policy: "librechat_family"',
                         '+                  - "groups"'], lines


def test_a_new_digest_keeps_the_double_quotes(tmp_path):
    path = reordered(tmp_path)
    old = path.read_text()
    other = "$pbkdf2-sha512$1000$b3RoZXJzYWx0b3RoZXI$" + "A" * 86
    profile = fake_profile(**REORDERED).with_changes(client_secret_digest=other)
    new, _ = apply_authelia(old, profile)
    lines = changed_lines(old, new)
    assert len(lines) == 2 and lines[1] == f'+              client_secret: "{other}"', lines
    assert FAKE_DIGEST in lines[0]


def test_apply_env_says_when_it_changes_the_client_id():
    from tui.userfiles.apply import apply_env

    text = (CORPUS / "homelab-anchors.env").read_text()
    _, notes = apply_env(text, fake_profile(client_id=FRESH_ID, **HOME))
    assert len(notes) == 1 and "OPENID_CLIENT_ID changes from 'fake-client-id-" in notes[0]
    assert "run apply authelia first" in notes[0]
    assert apply_env(text, fake_profile(**HOME))[1] == []


def test_the_env_option_is_for_apply_authelia_and_must_exist(tmp_path, capsys):
    config = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-anchors.yml", config)
    ProfileStore().save("home", fake_profile(**HOME))
    status, _, err = cli(capsys, "apply", "authelia", "--profile", "home", "--file",
                         str(config), "--env", str(tmp_path / "missing.env"), "--dry-run")
    assert status == 2 and "missing.env: no such file" in err and "Traceback" not in err
    status, _, err = cli(capsys, "apply", "env", "--profile", "home", "--file",
                         str(tmp_path / ".env"), "--env", str(tmp_path / ".env"))
    assert status == 2 and "--env is for apply authelia" in err
