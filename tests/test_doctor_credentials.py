"""Whose secret the doctor sends: LibreChat's own .env's when it knows that file (--env, or
the profile's remembered files), else the profile's, and then it says so."""

from __future__ import annotations

import json

import pytest
from conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, fake_profile, save_as_last_used

from tui.cli import main
from tui.core.librechat import env_values
from tui.doctor import run, target_for_profile, target_from_profile

# What a deployed .env may hold instead of the profile's secret (fixed fake values).
WRONG_SECRET = "fake-wrong-secret-" + "w" * 54
OTHER_CLIENT_ID = "fake-other-client-id-" + "o" * 51
NOT_CHECKED = ("the profile's secret was accepted; LibreChat's own .env was not checked: "
               "pass --env or set the files")


@pytest.fixture
def pair(pair, ca_file):
    """The healthy pair, its profile naming the test CA and saved as the last-used one."""
    authelia, librechat, profile = pair
    profile = profile.with_changes(ca_file=ca_file)
    save_as_last_used(profile)
    return authelia, librechat, profile


def write_env(tmp_path, profile, **changes):
    values = {**env_values(profile), **changes}
    path = tmp_path / "librechat" / ".env"
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join(f"{key}='{value}'\n" for key, value in values.items()
                            if value is not None))
    return path


def remember(profile, env):
    from tui.core.store import ProfileStore

    ProfileStore().save("home", profile.with_changes(env_path=str(env)), overwrite=True)


def doctor(capsys, *args):
    status = main(["doctor", "--timeout", "3", *args])
    out, err = capsys.readouterr()
    for secret in (FAKE_CLIENT_SECRET, WRONG_SECRET):  # never printed, whichever was sent
        assert secret not in out + err
    return status, out, err


def findings_of(out):
    return {f["code"]: f for f in json.loads(out)["findings"]}


def token_posts(authelia):
    return [r for r in authelia.state.requests if r.method == "POST"]


# A deployed .env whose secret Authelia refuses: never green ---------------------------------

@pytest.mark.parametrize("how", ["--env", "remembered"])
def test_a_wrong_secret_in_librechats_env_is_not_green(pair, capsys, tmp_path, how):
    authelia, librechat, profile = pair
    env = write_env(tmp_path, profile, OPENID_CLIENT_SECRET=WRONG_SECRET)
    if how == "--env":
        status, out, _ = doctor(capsys, "--profile", "home", "--env", str(env))
    else:
        remember(profile, env)
        status, out, _ = doctor(capsys, "--profile", "home")
    assert status == 1, out
    lines = out.splitlines()
    (refused,) = [line for line in lines if line.startswith("✗ error   token-secret-rejected")]
    assert f"from {env} (LibreChat's own)" in refused
    assert "was refused" in refused
    (differs,) = [line for line in lines if line.startswith("! warning env-secret-differs")]
    assert str(env) in differs and "the doctor checks the .env's" in differs
    assert "env-not-checked" not in out and "env-client-id-differs" not in out
    # The .env's secret went to the token endpoint, once, and nowhere else.
    (post,) = token_posts(authelia)
    assert WRONG_SECRET.encode() in post.body and FAKE_CLIENT_SECRET.encode() not in post.body
    for request in librechat.state.requests:
        assert WRONG_SECRET not in request.path + str(request.headers)


def test_the_same_in_json(pair, capsys, tmp_path):
    _, _, profile = pair
    remember(profile, write_env(tmp_path, profile, OPENID_CLIENT_SECRET=WRONG_SECRET))
    status, out, _ = doctor(capsys, "--format", "json")
    found = findings_of(out)
    assert status == 1
    assert found["token-secret-rejected"]["severity"] == "error"
    assert found["env-secret-differs"]["severity"] == "warning"


def test_a_stale_profile_with_a_working_env_is_named_and_passes(pair, capsys, tmp_path):
    authelia, _, profile = pair
    env = write_env(tmp_path, profile)  # LibreChat's .env is right ...
    remember(profile.with_changes(client_secret=WRONG_SECRET), env)  # ... the profile is not
    status, out, _ = doctor(capsys)
    assert status == 0, out
    (ok,) = [line for line in out.splitlines() if line.startswith("✓ ok      token-client-ok")]
    assert f"from {env} (LibreChat's own) accepted" in ok
    assert "env-secret-differs" in out and "import the files again" in out
    (post,) = token_posts(authelia)
    assert FAKE_CLIENT_SECRET.encode() in post.body


def test_another_client_id_in_the_env_is_named(pair, capsys, tmp_path):
    _, _, profile = pair
    remember(profile, write_env(tmp_path, profile, OPENID_CLIENT_ID=OTHER_CLIENT_ID))
    status, out, _ = doctor(capsys, "--format", "json")
    found = findings_of(out)
    assert status == 1
    assert found["env-client-id-differs"]["severity"] == "warning"
    assert OTHER_CLIENT_ID not in found["env-client-id-differs"]["message"]
    assert "authorize-client-unknown" in found


# Without LibreChat's .env: said plainly ------------------------------------------------------

def test_without_an_env_the_run_says_only_the_profiles_secret_was_checked(pair, capsys):
    status, out, _ = doctor(capsys)
    assert status == 0
    assert f"\ni info    env-not-checked: {NOT_CHECKED}\n" in out
    notes = out.split("\nNotes:\n")[1]
    assert "- env-not-checked (info): pass --env PATH" in notes


def test_without_an_env_a_refused_secret_is_the_profiles(pair, capsys):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].secret = WRONG_SECRET
    status, out, _ = doctor(capsys)
    assert status == 1
    assert "the client secret from the profile was refused" in out
    assert "the profile's client ID and secret were checked; LibreChat's own .env was not " \
           "checked" in out


def test_a_remembered_env_that_is_gone_is_a_warning_and_the_profile_is_checked(pair, capsys,
                                                                                tmp_path):
    _, _, profile = pair
    remember(profile, tmp_path / "gone" / ".env")
    status, out, _ = doctor(capsys, "--format", "json")
    found = findings_of(out)
    assert status == 0
    note = found["env-not-checked"]
    assert note["severity"] == "warning"
    assert f"the profile's .env {tmp_path / 'gone' / '.env'}: No such file" in note["message"]
    assert found["token-client-ok"]["message"].startswith(
        "token endpoint: client ID and secret from the profile accepted")


def test_an_env_without_the_secret_checks_the_profiles_and_says_so(pair, capsys, tmp_path):
    _, _, profile = pair
    remember(profile, write_env(tmp_path, profile, OPENID_CLIENT_SECRET=None))
    status, out, _ = doctor(capsys, "--format", "json")
    found = findings_of(out)
    assert status == 0
    assert "sets no OPENID_CLIENT_SECRET" in found["env-not-checked"]["message"]
    assert found["env-not-checked"]["severity"] == "info"
    assert "from the profile" in found["token-client-ok"]["message"]


def test_no_token_probe_says_nothing_about_whose_secret(pair, capsys):
    status, out, _ = doctor(capsys, "--no-token-probe")
    assert status == 0 and "env-not-checked" not in out


# The core function the app calls -------------------------------------------------------------

def test_target_for_profile_uses_the_remembered_env_and_carries_no_value(tmp_path):
    profile = fake_profile(app_url="https://chat.home.arpa", auth_url="https://auth.home.arpa")
    env = write_env(tmp_path, profile, OPENID_CLIENT_SECRET=WRONG_SECRET)
    target = target_for_profile(profile.with_changes(env_path=str(env)))
    assert target.client_secret == WRONG_SECRET and target.client_id == FAKE_CLIENT_ID
    assert target.env_file == str(env) and target.env_differs == ("OPENID_CLIENT_SECRET",)
    assert WRONG_SECRET not in repr(target) and FAKE_CLIENT_SECRET not in repr(target)
    # Without files: the profile, and no .env.
    plain = target_for_profile(profile)
    assert plain == target_from_profile(profile) and plain.env_file is None


def test_an_env_named_explicitly_that_is_unreadable_is_bad_input(tmp_path):
    from tui.doctor import TargetError

    with pytest.raises(TargetError, match="No such file"):
        target_for_profile(fake_profile(), env_path=str(tmp_path / "missing.env"))


def test_the_run_against_the_env_sends_the_env_secret_only_to_the_token_endpoint(pair,
                                                                                  tmp_path):
    authelia, librechat, profile = pair
    env = write_env(tmp_path, profile, OPENID_CLIENT_SECRET=WRONG_SECRET)
    findings = run(target_for_profile(profile.with_changes(env_path=str(env))), timeout=3.0)
    assert all(WRONG_SECRET not in f.message + f.fix for f in findings)
    (post,) = token_posts(authelia)
    assert post.path == "/api/oidc/token"
    for request in [*authelia.state.requests, *librechat.state.requests]:
        if request is not post:
            assert WRONG_SECRET.encode() not in request.body
            assert WRONG_SECRET not in request.path + str(request.headers)


@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_a_remembered_env_goes_through_the_guard_for_the_users_files(tmp_path, kind):
    import os
    import threading

    path = tmp_path / ".env"
    if kind == "fifo":
        os.mkfifo(path)  # opening it would wait for a writer forever
    else:
        with open(path, "wb") as handle:  # 2 MB, sparse
            handle.truncate(2 << 20)
    profile = fake_profile(env_path=str(path))
    result = []
    worker = threading.Thread(target=lambda: result.append(target_for_profile(profile)),
                              daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result, "the remembered .env was opened and waited on"
    (target,) = result
    assert target.env_file is None and target.client_secret == FAKE_CLIENT_SECRET
    assert target.env_note.startswith(f"the profile's .env {path}: ")
    assert ("not a regular file" if kind == "fifo" else "larger than 1 MB") in target.env_note
