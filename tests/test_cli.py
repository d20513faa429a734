"""The CLI as scripts use it: through a subprocess, exit codes and streams."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FAKE_CLIENT_SECRET, FAKE_DIGEST, fake_profile
from dotenv import dotenv_values

from tui import __version__
from tui.core.store import ProfileStore

SCRIPT = Path(sys.executable).parent / "librechat-authelia"


def run(*args: str, stdin: str = "", script: bool = False) -> subprocess.CompletedProcess:
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "tui"]
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120)


def assert_usage_error(result, fragment: str) -> None:
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr


def test_version_from_the_console_script():
    result = run("--version", script=True)
    assert result.returncode == 0
    assert result.stdout.strip() == f"librechat-authelia {__version__}"


def test_new_then_render_every_snippet():
    result = run("new", "home", "--app-url", "https://chat.home.lan/",
                 "--auth-url", "https://auth.home.lan", "--group", "family",
                 "--refresh-tokens", "--librechat", "0.7.8", "--digest", "sha512crypt")
    assert result.returncode == 0, result.stderr
    store = ProfileStore()
    profile = store.load("home")
    assert profile.app_url == "https://chat.home.lan"
    assert profile.client_secret_digest.startswith("$6$rounds=50000$")
    assert store.last_used() == "home"
    assert profile.client_secret not in result.stdout + result.stderr

    env = run("render", "env")
    assert env.returncode == 0
    values = dotenv_values(stream=io.StringIO(env.stdout))
    assert values["OPENID_CLIENT_SECRET"] == profile.client_secret
    assert values["DOMAIN_SERVER"] == "https://chat.home.lan"

    block = yaml.safe_load(run("render", "authelia", "--profile", "home").stdout)
    client = block["identity_providers"]["oidc"]["clients"][0]
    assert client["token_endpoint_auth_method"] == "client_secret_basic"
    assert client["grant_types"] == ["authorization_code", "refresh_token"]
    assert yaml.safe_load(run("render", "authelia-entry").stdout)[0]["client_id"] == (
        profile.client_id)
    compose = yaml.safe_load(run("render", "compose").stdout)
    assert compose["services"]["api"]["environment"]["OPENID_ISSUER"] == "https://auth.home.lan"
    assert "curl -fsS https://auth.home.lan/.well-known/openid-configuration" in run(
        "render", "checklist").stdout


def test_new_refuses_to_replace_without_force():
    assert run("new", "p", "--app-url", "https://a.example", "--auth-url",
               "https://b.example").returncode == 0
    before = ProfileStore().load("p")
    result = run("new", "p", "--app-url", "https://c.example", "--auth-url", "https://d.example")
    assert_usage_error(result, "already exists: use --force")
    assert ProfileStore().load("p") == before
    forced = run("new", "p", "--force", "--app-url", "https://c.example", "--auth-url",
                 "https://d.example")
    assert forced.returncode == 0
    assert ProfileStore().load("p").app_url == "https://c.example"


def test_list_marks_the_last_used():
    ProfileStore().save("a", fake_profile())
    ProfileStore().save("b", fake_profile())
    ProfileStore().set_last_used("b")
    assert run("list").stdout == "a\nb  (last used)\n"


def test_check_exit_codes():
    store = ProfileStore()
    store.save("good", fake_profile())
    store.save("bad", fake_profile(client_id="bad id"))
    good = run("check", "--profile", "good")
    assert good.returncode == 0 and "no problems found" in good.stdout
    bad = run("check", "--profile", "bad")
    assert bad.returncode == 1
    assert "error: client_id: Authelia allows only RFC 3986" in bad.stdout


def test_render_refuses_a_profile_with_errors():
    ProfileStore().save("bad", fake_profile(app_url="not a url"))
    result = run("render", "env", "--profile", "bad")
    assert result.returncode == 1 and result.stdout == ""
    assert "app_url" in result.stderr and "Traceback" not in result.stderr


def test_hash_and_verify_through_stdin():
    digest = run("hash", "--algorithm", "pbkdf2-sha256", stdin="hunter2\n")
    assert digest.returncode == 0 and digest.stdout.startswith("$pbkdf2-sha256$700000$")
    assert run("verify", digest.stdout.strip(), stdin="hunter2\n").returncode == 0
    assert run("verify", digest.stdout.strip(), stdin="hunter3\n").returncode == 1
    assert run("verify", FAKE_DIGEST, stdin=FAKE_CLIENT_SECRET).returncode == 0


def test_default_hash_is_pbkdf2_sha512():
    assert run("hash", stdin="x").stdout.startswith("$pbkdf2-sha512$310000$")


def test_rand():
    result = run("rand", "--length", "40", "--charset", "alphanumeric")
    assert result.returncode == 0 and len(result.stdout.strip()) == 40
    assert result.stdout.strip().isalnum()
    assert len(run("rand").stdout.strip()) == 72


@pytest.mark.parametrize(
    ("args", "stdin", "fragment"),
    [
        (["render", "nope"], "", "invalid choice"),
        (["render", "env"], "", "there is no profile yet"),
        (["render", "env", "--profile", "../x"], "", "not allowed"),
        (["render", "env", "--profile", "missing"], "", "no profile named 'missing'"),
        (["hash"], "", "no secret on standard input"),
        (["hash", "--algorithm", "md5"], "x", "invalid choice"),
        (["verify", "librechat"], "x", "not a digest"),
        (["rand", "--length", "abc"], "", "invalid int value"),
        (["rand", "--length", "-1"], "", "length must be between"),
        (["new", "x", "--app-url", "ftp://a", "--auth-url", "https://b"], "", "app_url"),
        (["new", "x", "--app-url", "https://a", "--auth-url", "https://b",
          "--client-id", "a" * 101], "", "at most 100 characters"),
        (["new", "x", "--app-url", "https://a", "--auth-url", "https://b",
          "--authelia", "4.37"], "", "invalid choice"),
        (["new", "x y", "--app-url", "https://a", "--auth-url", "https://b"], "", "not allowed"),
        (["frobnicate"], "", "invalid choice"),
        (["--profile", "../x"], "", "not allowed"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, stdin, fragment):
    assert_usage_error(run(*args, stdin=stdin), fragment)


def test_corrupt_profile_is_named_and_left_alone():
    store = ProfileStore()
    store.profiles_dir.mkdir(parents=True)
    path = store.profiles_dir / "broken.yaml"
    path.write_text("version: 1\nclient_id: [\n")
    result = run("render", "env", "--profile", "broken")
    assert_usage_error(result, str(path))
    assert path.read_text() == "version: 1\nclient_id: [\n"


def test_several_profiles_and_none_last_used_asks_for_one():
    ProfileStore().save("a", fake_profile())
    ProfileStore().save("b", fake_profile())
    assert_usage_error(run("render", "env"), "choose one with --profile")
