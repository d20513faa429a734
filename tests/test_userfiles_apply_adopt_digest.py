"""Adopting a client whose client_secret comes from a template or a variable: apply does not
write that line, so the profile follows the file (its template, and the .env's client
secret when the .env has it), and every step that would leave Authelia's digest stale says
so, with the command that makes it again (`hash --profile NAME`)."""

from __future__ import annotations

import shutil

from tests.conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, fake_profile
from tests.corpus_helpers import CORPUS, cli
from tui.core.store import ProfileStore
from tui.userfiles.apply import apply_env, plan_apply
from tui.userfiles.dotenv import parse_dotenv

HOME = {"app_url": "https://chat.home.example.net", "auth_url": "https://auth.home.example.net"}
TEMPLATE = '{{ secret "/run/secrets/librechat_client_digest" }}'
QUOTED = "'{{ secret \"/config/secrets/librechat_client_digest\" }}'"
FRESH_ID = "fresh-client-id-" + "f" * 56


def templated_pair(tmp_path, env=True):
    config = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "client-secret-templated.yml", config)
    env_path = tmp_path / ".env"
    if env:
        shutil.copy(CORPUS / "homelab-anchors.env", env_path)
    return config, env_path


def new_fresh(capsys):
    status, _, err = cli(capsys, "new", "fresh", "--app-url", HOME["app_url"],
                         "--auth-url", HOME["auth_url"], "--provider", "existing")
    assert status == 0, err
    return ProfileStore().load("fresh")


def line_of(text, key="client_secret:"):
    return next(line for line in text.splitlines() if line.strip().startswith(key))


def test_adopting_a_templated_digest_takes_the_template_and_the_envs_secret(tmp_path, capsys):
    config, env = templated_pair(tmp_path)
    fresh = new_fresh(capsys)
    assert fresh.client_secret != FAKE_CLIENT_SECRET
    before = config.read_text()
    status, _, err = cli(capsys, "apply", "authelia", "--profile", "fresh", "--file",
                         str(config), "--env", str(env), "--yes")
    assert status == 0, err
    assert line_of(config.read_text()) == line_of(before)  # the template line as written
    profile = ProfileStore().load("fresh")
    assert profile.client_id == FAKE_CLIENT_ID
    assert profile.digest_template == TEMPLATE
    assert profile.client_secret == FAKE_CLIENT_SECRET  # what Authelia's digest is made from
    assert profile.client_secret_digest == ""
    assert FAKE_CLIENT_SECRET not in err and fresh.client_secret not in err
    assert "and secret" not in err  # the adopt note no longer claims it writes the secret
    assert "OPENID_CLIENT_SECRET" in err and "warning" not in err
    # apply env then leaves the .env's client secret as it is, and says nothing alarming.
    env_before = parse_dotenv(env.read_text()).get("OPENID_CLIENT_SECRET")
    status, _, err = cli(capsys, "apply", "env", "--profile", "fresh", "--file", str(env),
                         "--yes")
    assert status == 0, err
    assert parse_dotenv(env.read_text()).get("OPENID_CLIENT_SECRET") == env_before
    assert "warning" not in err


def test_adopting_a_templated_digest_without_the_envs_secret_warns_with_the_command(
        tmp_path, capsys):
    config, _ = templated_pair(tmp_path, env=False)
    new_fresh(capsys)
    # (only the profile changes: the file already matches)
    status, _, err = cli(capsys, "apply", "authelia", "--profile", "fresh", "--file",
                         str(config), "--dry-run")
    assert status == 0 and ProfileStore().load("fresh").digest_template == "", err
    [warning] = [line for line in err.splitlines() if line.startswith("warning:")]
    assert TEMPLATE in warning and "librechat-authelia hash --profile fresh" in warning
    assert "NAME" not in warning
    status, _, err = cli(capsys, "apply", "authelia", "--profile", "fresh", "--file",
                         str(config), "--yes")
    assert status == 0, err
    profile = ProfileStore().load("fresh")
    assert profile.digest_template == TEMPLATE and profile.client_id == FAKE_CLIENT_ID
    assert "librechat-authelia hash --profile fresh" in err
    # apply env would write the profile's client secret: it warns, naming the template.
    env = tmp_path / ".env"
    env.write_text(f"OPENID_CLIENT_ID={FAKE_CLIENT_ID}\nOPENID_CLIENT_SECRET=old-secret\n")
    status, _, err = cli(capsys, "apply", "env", "--profile", "fresh", "--file", str(env),
                         "--dry-run")
    assert status == 1
    [warning] = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "OPENID_CLIENT_SECRET" in warning and TEMPLATE in warning
    assert "librechat-authelia hash --profile fresh" in warning
    assert profile.client_secret not in err


def env_with_another_secret(tmp_path):
    env = tmp_path / ".env"
    env.write_text(f"OPENID_CLIENT_ID={FAKE_CLIENT_ID}\nOPENID_CLIENT_SECRET={ENV_SECRET}\n")
    return env


ENV_SECRET = "env-client-secret-" + "e" * 54


def test_the_plan_takes_the_template_as_the_file_writes_it(tmp_path):
    config, _ = templated_pair(tmp_path, env=False)
    env = env_with_another_secret(tmp_path)
    config.write_text(config.read_text().replace(
        f"{TEMPLATE}  # made with authelia crypto hash", QUOTED))
    plan = plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), config, env=env)
    assert plan.profile_changes == {"client_id": FAKE_CLIENT_ID, "digest_template": QUOTED,
                                    "client_secret_digest": "", "client_secret": ENV_SECRET}
    assert f"client_secret: {QUOTED}" in plan.new_text
    [adopted] = [n for n in plan.notes if "already serves this LibreChat" in n]
    assert "secret" not in adopted  # the profile's settings, not its secret
    [followed] = [n for n in plan.notes if QUOTED in n]
    assert "OPENID_CLIENT_SECRET" in followed and not followed.startswith("warning")
    assert ENV_SECRET not in " ".join(plan.notes)


def test_a_variable_digest_is_followed_too(tmp_path):
    config, _ = templated_pair(tmp_path, env=False)
    config.write_text(config.read_text().replace(TEMPLATE, "'${LIBRECHAT_CLIENT_DIGEST}'"))
    plan = plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), config)
    assert plan.profile_changes["digest_template"] == "'${LIBRECHAT_CLIENT_DIGEST}'"
    assert "client_secret: '${LIBRECHAT_CLIENT_DIGEST}'" in plan.new_text
    assert any(n.startswith("warning:") and "hash --profile NAME" in n for n in plan.notes)


def test_the_profiles_own_client_with_a_templated_digest_is_followed_too(tmp_path):
    config, _ = templated_pair(tmp_path, env=False)
    env = env_with_another_secret(tmp_path)
    plan = plan_apply("authelia", fake_profile(**HOME), config, env=env)
    assert plan.profile_changes == {"digest_template": TEMPLATE, "client_secret_digest": "",
                                    "client_secret": ENV_SECRET}
    assert not any(n.startswith("warning:") for n in plan.notes)


def test_a_literal_digest_is_written_as_before(tmp_path):
    config = tmp_path / "configuration.yml"
    shutil.copy(CORPUS / "homelab-anchors.yml", config)
    plan = plan_apply("authelia", fake_profile(client_id=FRESH_ID, **HOME), config)
    assert plan.profile_changes == {"client_id": FAKE_CLIENT_ID}


def test_apply_env_warns_when_it_changes_a_client_secret_whose_digest_is_outside():
    profile = fake_profile(client_secret_digest="", digest_template=TEMPLATE)
    old = f"OPENID_CLIENT_ID={FAKE_CLIENT_ID}\nOPENID_CLIENT_SECRET=old-secret\n"
    _, notes = apply_env(old, profile)
    [warning] = [n for n in notes if n.startswith("warning:")]
    assert TEMPLATE in warning and "librechat-authelia hash --profile NAME" in warning
    assert FAKE_CLIENT_SECRET not in warning and "old-secret" not in warning
    same = f"OPENID_CLIENT_ID={FAKE_CLIENT_ID}\nOPENID_CLIENT_SECRET={FAKE_CLIENT_SECRET}\n"
    assert apply_env(same, profile)[1] == []
    # The profile holds the digest: apply authelia writes it, nothing to warn about.
    assert apply_env(old, fake_profile())[1] == []
