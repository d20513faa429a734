"""Issue 8 in the app: no secret in a crash, no lost profile, no wait for a digest."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, home_profile, main_screen, settle
from textual.widgets import Input

from tui.app.app import LibreChatAutheliaApp
from tui.core.store import ProfileStore

SIZE = (100, 30)
TESTS = Path(__file__).parent


def run_app_script(body: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real app (App.run, headless) in a child process with a fake profile."""
    script = textwrap.dedent('''
        import faulthandler, sys
        faulthandler.dump_traceback_later({dump}, exit=True)  # a hang shows where, then ends
        sys.path.insert(0, {tests!r})
        from conftest import home_profile
        from tui.core.store import ProfileStore
        from tui.app.app import LibreChatAutheliaApp

        store = ProfileStore()
        store.save("home", home_profile())
        store.set_last_used("home")
    ''').format(tests=str(TESTS), dump=timeout - 10) + textwrap.dedent(body)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_crash_names_the_error_and_place_but_no_secret(tmp_path):
    done = run_app_script('''
        from tui.app.panes import snippets

        def explode(self, state):
            client_secret = state.profile.client_secret  # a local Textual would print
            raise RuntimeError("exploded near " + client_secret)

        snippets.EnvPane.render_form = explode

        class GoToEnv(LibreChatAutheliaApp):
            def on_mount(self):
                self.set_timer(0.3, lambda: self.run_action("screen.show_pane('env')"))

        app = GoToEnv(store)
        app.run(headless=True, size=(80, 24))
        sys.exit(app.return_code)
    ''', tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "RuntimeError" in output and "snippets" in output
    assert FAKE_CLIENT_SECRET not in output and FAKE_SESSION_SECRET not in output
    assert "locals" not in output.lower()


def test_quitting_never_waits_for_a_running_digest(tmp_path):
    done = run_app_script('''
        import threading, time
        from tui.core import digest

        started = threading.Event()

        def slow_hash(secret, algorithm="pbkdf2-sha512", **params):
            started.set()
            time.sleep(600)  # like bcrypt at cost 31

        digest.hash = slow_hash

        class QuitWhileHashing(LibreChatAutheliaApp):
            def on_mount(self):
                self.set_timer(0.3, lambda: self.main_screen.regenerate("client_secret"))
                self.set_timer(0.6, self.exit)

        app = QuitWhileHashing(store)
        app.run(headless=True, size=(80, 24))
        assert started.is_set()
        print("quit while hashing")
    ''', tmp_path, timeout=120)  # far below the 600 s hash: quitting did not wait for it
    assert done.returncode == 0, done.stderr
    assert "quit while hashing" in done.stdout


async def test_an_over_long_secret_is_refused_and_never_saved_with_the_old_digest(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        app.query_one("#input-client_secret", Input).value = "x" * 5000
        await settle(pilot)
        assert not main_screen(app).digests.hashing  # not "hashing" for ever
        assert main_screen(app).state.digest_status == "mismatch"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ProfileStore().load("home") == home_profile()


async def test_a_profile_changed_on_disk_is_never_overwritten_silently(store):
    from tui.app.dialogs.confirm import ChangedOnDiskDialog

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Meanwhile, in another shell: librechat-authelia new home --force ...
        ProfileStore().save("home", home_profile(client_secret="other-" + "z" * 60))
        await pilot.press("f6", "down", "space")  # a tick saves at once
        await settle(pilot)
        assert isinstance(app.screen, ChangedOnDiskDialog)
        assert ProfileStore().load("home").client_secret == "other-" + "z" * 60
        await pilot.click("#reload")
        await settle(pilot)
        assert app.profile.client_secret == "other-" + "z" * 60 and not app.dirty


async def test_keep_mine_and_save_as_new_after_a_change_on_disk(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", *"x")
        await settle(pilot)
        ProfileStore().save("home", home_profile(client_name="Other"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#new")
        await pilot.pause()
        await pilot.press("enter")  # the suggested name, home-mine
        await settle(pilot)
        assert app.profile_name == "home-mine"
        assert ProfileStore().load("home").client_name == "Other"
        assert ProfileStore().load("home-mine").app_url.endswith("x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a mode 000 directory anyway")
async def test_an_unreadable_profiles_directory_is_said_not_a_crash(store):
    os.chmod(store.profiles_dir, 0)
    try:
        app = LibreChatAutheliaApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.is_running
    finally:
        os.chmod(store.profiles_dir, 0o700)


async def test_a_names_failure_at_start_is_said_not_a_crash(store, monkeypatch):
    from tui.core.store import StoreError

    def refuse():
        raise StoreError("cannot read /x/profiles: Permission denied")

    monkeypatch.setattr(store, "names", refuse)
    monkeypatch.setattr(store, "last_used", lambda: None)
    seen = []
    app = LibreChatAutheliaApp(store)
    app.notify = lambda message, **kw: seen.append(message)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running and any("Permission denied" in m for m in seen)
