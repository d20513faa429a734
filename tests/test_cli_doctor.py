"""`librechat-authelia doctor` against the stand-ins: output, formats and exit status."""

from __future__ import annotations

import json

import pytest
from conftest import FAKE_CLIENT_SECRET, save_as_last_used

from tui.cli import main
from tui.doctor import CODES


@pytest.fixture
def pair(pair):
    """The healthy pair, with its profile saved as the last-used one (for the CLI)."""
    save_as_last_used(pair[2])
    return pair


def doctor(capsys, *args):
    status = main(["doctor", *args])
    out, err = capsys.readouterr()
    assert FAKE_CLIENT_SECRET not in out + err
    return status, out, err


def test_a_healthy_pair_exits_0_with_one_line_per_check(pair, ca_file, capsys):
    status, out, err = doctor(capsys, "--ca-file", ca_file, "--timeout", "3")
    assert status == 0, out
    lines = out.splitlines()
    assert any(line.startswith("✓ ok      token-client-ok: ") for line in lines)
    assert "Causes and fixes" not in out
    assert lines[-1] == "0 errors, 0 warnings"
    assert err == ""  # no spinner when stderr is not a terminal


def test_json_has_exactly_the_four_fields(pair, ca_file, capsys):
    status, out, _ = doctor(capsys, "--ca-file", ca_file, "--format", "json")
    assert status == 0
    findings = json.loads(out)["findings"]
    assert findings and all(set(f) == {"code", "severity", "message", "fix"} for f in findings)
    assert all(f["code"] in CODES for f in findings)


def test_errors_exit_1_and_end_with_causes_and_fixes(pair, ca_file, capsys):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].auth_method = "client_secret_basic"
    status, out, _ = doctor(capsys, "--ca-file", ca_file)
    assert status == 1
    causes = out.split("Causes and fixes:")[1]
    assert "- token-auth-method-mismatch (error): set token_endpoint_auth_method: " \
           "'client_secret_post'" in causes


def test_no_token_probe(pair, ca_file, capsys):
    authelia, _, _ = pair
    status, out, _ = doctor(capsys, "--ca-file", ca_file, "--no-token-probe")
    assert status == 0 and "token-probe-skipped" in out
    assert not [r for r in authelia.state.requests if r.method == "POST"]


def test_targets_and_credentials_from_librechats_env(pair, ca_file, capsys, tmp_path):
    authelia, librechat, profile = pair
    env = tmp_path / ".env"
    env.write_text(
        f"DOMAIN_SERVER={profile.app_url}\n"
        f"OPENID_ISSUER={profile.auth_url}/.well-known/openid-configuration\n"
        f"OPENID_CLIENT_ID={profile.client_id}\n"
        f"OPENID_CLIENT_SECRET='{profile.client_secret}'\n"
        "OPENID_CALLBACK_URL=/oauth/openid/callback\n"
        "OPENID_SCOPE=\"openid profile email\"  # Node dotenv drops this comment\n")
    status, out, _ = doctor(capsys, "--env", str(env), "--ca-file", ca_file, "--format", "json")
    assert status == 0, out
    assert "token-client-ok" in [f["code"] for f in json.loads(out)["findings"]]


def test_a_wrong_secret_in_env_is_named(pair, ca_file, capsys, tmp_path):
    _, _, profile = pair
    env = tmp_path / ".env"
    env.write_text(f"DOMAIN_SERVER={profile.app_url}\nOPENID_ISSUER={profile.auth_url}\n"
                   f"OPENID_CLIENT_ID={profile.client_id}\n"
                   "OPENID_CLIENT_SECRET=not-the-secret#comment\n")
    status, out, _ = doctor(capsys, "--env", str(env), "--ca-file", ca_file)
    assert status == 1 and "token-secret-rejected" in out


@pytest.mark.parametrize("args, message", [
    (["--timeout", "0"], "--timeout must be more than 0"),
    (["--timeout", "soon"], "invalid float value"),
    (["--format", "xml"], "invalid choice"),
    (["--ca-file", "/nonexistent/ca.pem"], "CA file /nonexistent/ca.pem: No such file"),
    (["--env", "/nonexistent/.env"], "--env /nonexistent/.env"),
    (["--profile", "nobody"], "nobody"),
])
def test_bad_input_is_one_line_and_exit_2(pair, capsys, args, message):
    status, out, err = doctor(capsys, *args)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_file_that_is_not_a_certificate_is_bad_input(pair, capsys, tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate\n")
    status, _, err = doctor(capsys, "--ca-file", str(bogus))
    assert status == 2 and "not a PEM certificate file" in err


def test_the_spinner_shows_only_on_a_terminal_and_clears_its_line():
    import io
    import time

    from tui.cli.doctor import _Spinner

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for stream, expected in ((io.StringIO(), False), (Terminal(), True)):
        with _Spinner(stream):
            time.sleep(0.25)
        written = stream.getvalue()
        assert ("checking" in written) is expected
        if expected:
            assert written.endswith("\r\x1b[K")


def test_the_profiles_ca_file_is_the_default(pair, ca_file, capsys):
    from tui.core.store import ProfileStore

    _, _, profile = pair
    ProfileStore().save("home", profile.with_changes(ca_file=ca_file))
    status, out, _ = doctor(capsys, "--format", "json")
    assert status == 0, out
    (tls,) = [f for f in json.loads(out)["findings"] if f["code"] == "tls-ok"]
    assert tls["severity"] == "info" and "CA file" in tls["message"]


def test_a_latin1_terminal_gets_ascii_marks():
    import io

    from tui.cli.doctor import _marks, format_line
    from tui.core.findings import Finding

    latin1 = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    line = format_line(Finding("tls-ok", "ok", "fine", ""), _marks(latin1))
    assert line == "+ ok      tls-ok: fine"
    line.encode("latin-1")


def test_lines_appear_as_checks_complete_not_at_the_end(pair, ca_file, tmp_path):
    import os
    import subprocess
    import sys

    from doctor_standins import BlackHole

    _, _, profile = pair
    hole = BlackHole()  # LibreChat never answers: the run lasts the whole timeout
    env = tmp_path / ".env"
    env.write_text(f"DOMAIN_SERVER={hole.url}\nOPENID_ISSUER={profile.auth_url}\n"
                   f"OPENID_CLIENT_ID={profile.client_id}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "doctor", "--env", str(env), "--ca-file", ca_file,
         "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline()
        still_running = process.poll() is None
        rest, _ = process.communicate(timeout=30)
    finally:
        process.kill()
        hole.close()
    assert first.strip() and still_running, first
    assert "librechat-unreachable" in rest
