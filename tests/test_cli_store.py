"""The CLI over the hardened store: exclusive `new`, permission warnings, one-line errors."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

from conftest import FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, fake_profile
from test_store_hardening import _as_nobody, nobody_store  # noqa: F401 - a fixture

from tui.cli import main
from tui.core.store import ProfileStore

NEW = ["new", "home", "--app-url", "https://chat.example.com",
       "--auth-url", "https://auth.example.com", "--digest", "pbkdf2-sha512"]


def _main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_two_news_at_once_exactly_one_creates():
    # Both pass the early "exists?" check while the digest is computed (~0.3 s): only the
    # exclusive create can tell them apart.
    command = [sys.executable, "-m", "tui", *NEW]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=os.environ.copy()) for _ in range(2)]
    results = [(child.wait(timeout=120), child.stderr.read()) for child in children]
    for child in children:
        child.stdout.close()
        child.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert loser.count("\n") == 1 and "already exists" in loser and "--force" in loser
    assert ProfileStore().names() == ["home"]


def test_new_with_force_still_replaces():
    assert _main(*NEW)[0] == 0
    first = ProfileStore().load("home").client_secret
    assert _main(*NEW)[0] == 2
    assert _main(*NEW, "--force")[0] == 0
    assert ProfileStore().load("home").client_secret != first


def test_new_refuses_a_300_character_name_in_one_line():
    code, out, err = _main("new", "x" * 300, *NEW[2:])
    assert code == 2 and err.count("\n") == 1 and "too long" in err and "x" * 300 not in err


def test_new_refuses_a_raw_byte_without_touching_the_old_profile():
    assert _main(*NEW)[0] == 0
    before = ProfileStore().path("home").read_bytes()
    code, _, err = _main(*NEW, "--force", "--client-name", "Libre\udcffChat")
    assert code == 2 and err.count("\n") == 1 and "client_name" in err
    assert ProfileStore().path("home").read_bytes() == before


def test_check_warns_when_the_profile_is_readable_by_others():
    store = ProfileStore()
    path = store.save("home", fake_profile())
    code, out, _ = _main("check", "--profile", "home")
    assert "chmod" not in out
    os.chmod(path, 0o644)
    code, out, err = _main("check", "--profile", "home")
    assert f"warning: the profile {path} is open to its group and others (mode 0644)" in out
    assert "chmod 600" in out and "no problems found" not in out
    assert FAKE_CLIENT_SECRET not in out + err and FAKE_SESSION_SECRET not in out + err


def test_list_in_an_unreadable_profiles_dir_is_one_line_exit_2(nobody_store, monkeypatch):  # noqa: F811
    monkeypatch.setenv("XDG_CONFIG_HOME", str(nobody_store.config_dir.parent))
    store = ProfileStore()

    def child():
        store.save("home", fake_profile())
        os.chmod(store.profiles_dir, 0)
        return _main("list")

    output = _as_nobody(child)
    assert output.startswith("(2, ''") and "cannot read the profiles directory" in output
    assert "Traceback" not in output
