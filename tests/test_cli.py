"""The CLI as scripts use it: through a subprocess, exit codes and streams."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import FAKE_CLIENT_SECRET, FAKE_DIGEST, fake_profile
from dotenv import dotenv_values

from tui import __version__
from tui.core.store import ProfileStore

SCRIPT = Path(sys.executable).parent / "librechat-authelia"
OWN_URLS = {"app_url": "https://chat.home.lan", "auth_url": "https://auth.home.lan"}
NEW = ["new", "x", "--app-url", "https://chat.home.lan", "--auth-url", "https://auth.home.lan"]
SALT = "c2FsdHNhbHRzYWx0c2FsdA"
PBKDF2_OVERFLOW = ("$pbkdf2-sha512$4294967295$ZmFrZXNhbHRmYWtlc2FsdA$IauqXRbUrEQUl6yk6GQN0ttEhg"
                   "wH15NklcBHl02vujbKcZJ19oqrAAB.jd4HOAx7bNyvg3gwI6XHUkWdg94boA")


def run(*args: str | bytes, stdin: str | bytes = "", script: bool = False,
        **options) -> subprocess.CompletedProcess:
    """The CLI in a subprocess. Arguments and stdin may be bytes (not UTF-8 on purpose);
    stdout and stderr come back as text either way."""
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "tui"]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    if "stdout" not in options:
        options["stdout"] = subprocess.PIPE
    options.setdefault("env", os.environ.copy())
    result = subprocess.run([*command, *args], input=data, stderr=subprocess.PIPE,
                            timeout=120, **options)
    result.stdout = (result.stdout or b"").decode("utf-8", "backslashreplace")
    result.stderr = result.stderr.decode("utf-8", "backslashreplace")
    return result


def assert_usage_error(result, fragment: str, secrets: tuple[str, ...] = ()) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr
    for secret in secrets:
        assert secret not in result.stdout + result.stderr


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
    values = dotenv_values(stream=io.StringIO(env.stdout), interpolate=False)
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
    store.save("good", fake_profile(**OWN_URLS))
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
        # Each of these once printed a traceback, ran for minutes or was accepted
        (["verify", PBKDF2_OVERFLOW], "x", "over this tool's cap of 10000000"),
        (["verify", "$2b$31$" + "a" * 53], "x", "bcrypt cost is 31, over this tool's cap of 17"),
        (["verify", "$6$rounds=999999999$saltsaltsaltsalt$" + "a" * 86], "x",
         "over this tool's cap of 10000000"),
        (["verify", f"$argon2id$v=19$m=2097152,t=100,p=4${SALT}$" + "a" * 43], "x",
         "argon2id iterations is 100, over this tool's cap of 5"),
        (["hash"], b"hunt\xffer2\n", "not valid UTF-8"),
        (["verify", FAKE_DIGEST], b"hunt\xffer2\n", "not valid UTF-8"),
        (["hash"], "s" * 4097, "at most 4096"),
        (["verify", b"$plaintext$\xff"], "x", "the digest contains bytes that are not valid UTF-8"),
        (["verify"], "x", "--digest-stdin (one of the two)"),
        (["verify", FAKE_DIGEST, "--digest-stdin"], "x", "(one of the two)"),
        (["verify", "--digest-stdin"], FAKE_DIGEST, "reads two lines"),
        (["render"], "", "render what? one of: authelia, authelia-entry, env, compose, checklist"),
        (["tick", "troubleshoot"], "", "use one of authelia-provider, authelia-client"),
        ([*NEW, "--image-url", "http://img.example.com/a\\b.png"], "", "image_url: the URL "
         "contains a backslash"),
        ([*NEW, "--client-name", b"Libre\xffChat"], "", "client_name: the client name "
         "contains bytes that are not valid UTF-8"),
        ([*NEW, "--group", b"fam\xffily"], "", "group: the group name contains bytes"),
        (["new", "x", "--app-url", b"https://chat.home.lan/\xff", "--auth-url",
          "https://auth.home.lan"], "", "app_url: the LibreChat URL contains bytes"),
        ([*NEW, "--button-label", "Log\x85in"], "", "button_label: the button label contains "
         "a line break or control character (U+0085)"),
        ([*NEW, "--client-name", "Libre\u2028Chat"], "", "(U+2028)"),
        ([*NEW, "--group", "a\u2029b"], "", "(U+2029)"),
        ([*NEW, "--librechat", "0.8.7\n1"], "", "librechat_version: the LibreChat version "
         "contains a line break"),
        ([*NEW, "--librechat", "latest"], "", "not a LibreChat version: write it like 0.8.7"),
        ([*NEW, "--client-name", "Libre{{ env \"X\" }}Chat"], "", "client_name: the client "
         "name contains {{ or }}, which Authelia expands"),
        ([*NEW, "--group", "a}}"], "", "template"),
        (["new", "x", "--app-url", "https://a\u200db.home.lan", "--auth-url",
          "https://auth.home.lan"], "", "not a valid international domain name"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, stdin, fragment):
    secret = stdin if isinstance(stdin, str) and len(stdin) > 3 else None
    assert_usage_error(run(*args, stdin=stdin), fragment, (secret,) if secret else ())
    if args[0] == "new":
        assert ProfileStore().names() == []  # nothing was written


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


# Streams, caps, and the commands' manners.

@pytest.mark.parametrize("closed", [False, True], ids=["dev-full", "stdout-closed"])
def test_render_to_a_full_disk_or_a_closed_stdout_is_one_line(closed):
    ProfileStore().save("home", fake_profile())
    if closed:  # like `>&-` in a shell
        result = run("render", "env", "--profile", "home", stdout=None,
                     preexec_fn=lambda: os.close(1))
        fragment = "cannot write to standard output: it is closed"
    else:
        with open("/dev/full", "w") as full:
            result = run("render", "env", "--profile", "home", stdout=full)
        fragment = "cannot write to standard output: No space left on device"
    assert_usage_error(result, fragment, (FAKE_CLIENT_SECRET,))


def test_check_on_a_digest_over_the_cap_is_an_error_line_not_a_traceback():
    ProfileStore().save("p", fake_profile(**OWN_URLS, client_secret_digest=PBKDF2_OVERFLOW))
    result = run("check", "--profile", "p")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert result.stdout.count("\n") == 1
    assert "error: client_secret_digest: the digest is too costly to verify" in result.stdout
    assert FAKE_CLIENT_SECRET not in result.stdout + result.stderr
    render = run("render", "authelia", "--profile", "p")
    assert render.returncode == 1 and "over this tool's cap" in render.stderr


def test_check_warns_about_example_urls_and_exits_0():
    ProfileStore().save("p", fake_profile())
    result = run("check", "--profile", "p")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "warning: app_url: still the example value: enter your own URL",
        "warning: auth_url: still the example value: enter your own URL"]


def test_verify_says_match_or_no_match_on_stderr():
    matched = run("verify", FAKE_DIGEST, stdin=FAKE_CLIENT_SECRET)
    assert (matched.returncode, matched.stdout, matched.stderr) == (0, "", "match\n")
    missed = run("verify", FAKE_DIGEST, stdin="wrong")
    assert (missed.returncode, missed.stdout, missed.stderr) == (1, "", "no match\n")


def test_verify_reads_digest_and_secret_from_stdin():
    # a $plaintext$ digest holds the secret: on the command line it is in the process list
    plain = "$plaintext$" + FAKE_CLIENT_SECRET
    for digest in (plain, FAKE_DIGEST):
        result = run("verify", "--digest-stdin", stdin=f"{digest}\n{FAKE_CLIENT_SECRET}\n")
        assert (result.returncode, result.stderr) == (0, "match\n")
    wrong = run("verify", "--digest-stdin", stdin=f"{plain}\r\nwrong\r\n")
    assert (wrong.returncode, wrong.stderr) == (1, "no match\n")


def test_a_2a_bcrypt_digest_verifies_without_passlibs_warning():
    value = "$2a$04$1l1WP4/tz6/NUdsHLZZjLf7ZqKhbOYyTdg3LOfkgYpA6ygD6Z3WYC"
    result = run("verify", value, stdin="password\n")
    assert (result.returncode, result.stderr) == (0, "match\n")
    assert run("verify", value, stdin="passwort\n").returncode == 1


def test_hash_on_a_terminal_prompts_without_echo():
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal and its stdin
        os.execv(sys.executable, [sys.executable, "-m", "tui", "hash", "--algorithm",
                                  "pbkdf2-sha256"])
    output = b""

    def read(until: bytes | None) -> None:
        """Read until `until` appears, or (None) until the child closes the terminal."""
        nonlocal output
        for _ in range(300):  # at most 30 s
            if until is not None and until in output:
                return
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child has exited
                return
            if not chunk:
                return
            output += chunk

    status = None
    try:
        read(b"Enter: ")
        assert b"type the secret, then Enter: " in output
        os.write(fd, b"hunter2\n")
        read(None)
    finally:
        for _ in range(100):  # at most 10 s, then the child is ended
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = None
        os.close(fd)
    assert status is not None and os.waitstatus_to_exitcode(status) == 0
    assert b"hunter2" not in output  # not echoed
    digest = "$pbkdf2-sha256$" + output.split(b"$pbkdf2-sha256$", 1)[1].split()[0].decode()
    assert run("verify", digest, stdin="hunter2").returncode == 0


def test_list_without_profiles_says_so():
    result = run("list")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr.count("\n") == 1 and "there are no profiles yet" in result.stderr


def test_every_commands_help_lists_choices_defaults_and_an_example():
    import argparse

    from tui.cli.main import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(subparsers.choices) >= {"new", "list", "render", "check", "hash", "verify",
                                       "rand", "tick"}
    for name, sub in [("", parser), *subparsers.choices.items()]:
        text = run(*([name] if name else []), "--help").stdout
        assert "example:\n  librechat-authelia " in text, name
        for action in sub._actions:
            for choice in action.choices or ():
                if not isinstance(action, argparse._SubParsersAction):
                    assert str(choice) in text, (name, choice)
            if action.default not in (None, False, "", argparse.SUPPRESS):
                assert f"default: {action.default}" in " ".join(text.split()), (name, action)


def test_tick_a_step_by_its_id_and_undo_it():
    ProfileStore().save("home", fake_profile())
    ProfileStore().set_last_used("home")
    listed = run("render", "checklist").stdout
    assert "(discovery)" in listed
    first = run("tick", "discovery")
    assert first.returncode == 0 and "ticked discovery in profile home" in first.stderr
    assert ProfileStore().load("home").checklist == ("discovery",)
    again = run("tick", "discovery", "--profile", "home")
    assert again.returncode == 0 and "already ticked" in again.stderr
    assert "4. [x]" in run("render", "checklist").stdout
    undo = run("tick", "discovery", "--undo")
    assert undo.returncode == 0 and ProfileStore().load("home").checklist == ()
    assert "not ticked" in run("tick", "discovery", "--undo").stderr
    loaded = ProfileStore().load("home")
    assert loaded.client_secret == FAKE_CLIENT_SECRET  # nothing else changed


def test_check_prints_a_foreign_host_name_on_a_latin1_terminal():
    ProfileStore().save("p", fake_profile(app_url="https://чат.home.lan",
                                          auth_url="https://auth.home.lan"))
    result = run("check", "--profile", "p", env={**os.environ, "PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "xn--80a0bn.home.lan" in result.stdout and "\\u0447" in result.stdout


def test_tick_never_undoes_a_change_made_on_disk_after_it_loaded(monkeypatch, capsys):
    from tui.cli import tick as cli_tick
    from tui.core.store import ProfileChangedOnDisk

    ProfileStore().save("home", fake_profile())
    real_set_step = cli_tick.set_step

    def meanwhile(profile, step_id, done):  # another program saves between load and save
        ProfileStore().save("home", fake_profile(client_name="Changed elsewhere"))
        return real_set_step(profile, step_id, done)

    monkeypatch.setattr(cli_tick, "set_step", meanwhile)
    with pytest.raises(ProfileChangedOnDisk, match="changed by another program"):
        cli_tick.tick(ProfileStore(), "home", "discovery")
    kept = ProfileStore().load("home")
    assert kept.client_name == "Changed elsewhere" and kept.checklist == ()
