"""The Check pane (issue 10's audit, issue 11's doctor) and "apply to file" in the app."""

from __future__ import annotations

import os
import shutil

import pytest
import trustme
from conftest import FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, home_profile, main_screen, settle
from doctor_standins import BlackHole, healthy_pair
from textual.widgets import Button, Input, Static

from tests.userfiles_helpers import BROKEN_ENV, CONFIG, ENV
from tui.app import checks as app_checks
from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.files import ApplyPathDialog, DiffDialog, PathsDialog
from tui.app.panes.check import FindingItem, GroupHeader

SIZE = (100, 40)


def screen_text(app) -> str:
    """Every text widget on the top screen (a dialog, or the main screen's widgets)."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def pane_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.query_one("#pane-check").query(Static)
                     if w.display)


def items(app) -> list:
    return list(app.query_one("#audit-findings").children)


@pytest.fixture
def files(tmp_path):
    """Copies of the audit's fixtures: the long configuration.yml and the broken .env."""
    folder = tmp_path / "files"
    folder.mkdir()
    config = folder / "configuration.yml"
    env = folder / ".env"
    shutil.copy(CONFIG, config)
    shutil.copy(BROKEN_ENV, env)
    return config, env


@pytest.fixture
def checked_store(store, files):
    config, env = files
    store.save("home", home_profile(authelia_config_paths=[str(config)], env_path=str(env)),
               overwrite=True)
    return store


async def show_check(pilot) -> None:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)


# The pane -----------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [60, 70, 80])
async def test_the_pane_bar_names_f7_and_still_fits(store, width):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        text = str(app.query_one("#pane-bar").render()).rstrip()
        assert len(text) <= width
        assert "f7" in text.lower()


@pytest.mark.parametrize("key", ["f7", "alt+k"])
async def test_without_files_the_pane_says_how_to_set_them(store, key):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert main_screen(app).active_pane_id() == "check"
        assert "Press p to name Authelia's configuration.yml" in pane_text(app)
        assert main_screen(app).checks.audit.state == app_checks.NOT_RUN
        await pilot.press("r")  # nothing to check: says so, starts nothing
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.NOT_RUN


async def test_the_audit_is_grouped_by_severity_with_each_fix(checked_store):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        shown = items(app)
        headers = [str(h.query_one(Static).render()) for h in shown
                   if isinstance(h, GroupHeader)]
        # The broken .env has no OPENID_TOKEN_ENDPOINT_AUTH_METHOD and two 4-character
        # secrets (secret-weak): three of the warnings.
        assert headers == ["Errors (7)", "Warnings (6)", "Info (2)"]
        findings = [i.finding for i in shown if isinstance(i, FindingItem)]
        order = {"error": 0, "warning": 1, "info": 2}
        assert [order[f.severity] for f in findings] == sorted(
            order[f.severity] for f in findings)
        assert {"client-not-found", "session-secret-reused", "env-duplicate-key",
                "value-not-checkable"} <= {f.code for f in findings}
        text = pane_text(app)
        for finding in findings:
            assert finding.code in text and finding.where in text
            assert f"fix: {finding.fix}" in text
        assert "7 errors, 6 warnings, 2 notes" in text
        for secret in (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET):
            assert secret not in text
        # The cursor starts on the first finding, not on a heading.
        assert isinstance(app.query_one("#audit-findings").highlighted_child, FindingItem)


async def test_r_checks_the_files_again(checked_store, files):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        assert any(f.severity == "error" for f in main_screen(app).checks.audit.findings)
        shutil.copy(ENV, files[1])  # the user fixed the .env by hand
        await pilot.press("r")
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.DONE
        assert not any(f.severity == "error" for f in main_screen(app).checks.audit.findings)
        assert "✓ No errors." in pane_text(app)


async def test_a_missing_file_is_one_line_not_a_crash(checked_store, files):
    files[1].unlink()
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        assert main_screen(app).checks.audit.state == app_checks.FAILED
        assert f"✗ Cannot check the files: {files[1]}: no such file" in pane_text(app)
        await pilot.press("r")  # the pane's keys still work
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.FAILED
        assert app.focused is app.query_one("#audit-findings")  # r, p and d still reach it


async def highlight(pilot, code: str):
    """Move the list's cursor to the first finding with `code`; return its item."""
    app = pilot.app
    view = app.query_one("#audit-findings")
    assert app.focused is view
    target = next(i for i in items(app) if isinstance(i, FindingItem) and i.finding.code == code)
    while view.highlighted_child is not target:
        await pilot.press("down")
    return target


@pytest.mark.parametrize("code, wrong, pane, control", [
    # The profile holds the example URL (a warning): its field is the place to fix.
    ("domain-server-default", {"app_url": "https://chat.example.com"}, "assumptions",
     "#input-app_url"),
    # The profile's session secret is too short (an error).
    ("session-secret-reused", {"session_secret": "short"}, "secrets", "#input-session_secret"),
])
async def test_enter_shows_the_field_when_the_profile_holds_the_wrong_value(
        checked_store, files, code, wrong, pane, control):
    config, env = files
    checked_store.save("home", home_profile(authelia_config_paths=[str(config)],
                                            env_path=str(env), **wrong), overwrite=True)
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        target = await highlight(pilot, code)
        assert "↵ Enter:" in str(target.query(Static).last().render())
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app).active_pane_id() == pane
        assert app.focused is app.query_one(control)


async def test_enter_on_a_finding_of_the_file_only_says_where_to_fix_it(checked_store,
                                                                       monkeypatch):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        seen = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        target = await highlight(pilot, "end-session-unsupported")  # apply never writes it
        assert not str(target.query(Static).last().render()).startswith("↵")
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app).active_pane_id() == "check"
        assert not isinstance(app.screen, DiffDialog)
        assert any("fixed in your file" in m for m in seen)


def matched_store(store, tmp_path, config: str, env: str):
    """The profile the clean pair was made from, remembering a copy of the pair (edited)."""
    from conftest import fake_profile

    from tests.userfiles_helpers import write_pair

    config_path, env_path = write_pair(tmp_path, config, env)
    store.save("home", fake_profile(image_url="", authelia_config_paths=[str(config_path)],
                                    env_path=str(env_path)), overwrite=True)
    return store, config_path, env_path


@pytest.mark.parametrize("code, file, config_edit, env_edit, added", [
    # configuration.yml is wrong, the profile and the .env are right.
    ("auth-method-mismatch", "configuration.yml",
     ("token_endpoint_auth_method", "'client_secret_basic'"), None,
     "+        token_endpoint_auth_method: 'client_secret_post'"),
    # The .env holds another secret; the profile's digest in configuration.yml verifies the
    # profile's secret: the .env is the file to fix, though the finding points at the client.
    ("client-secret-mismatch", ".env", None,
     ("OPENID_CLIENT_SECRET", "'another-secret-" + "a" * 56 + "'"),
     "+OPENID_CLIENT_SECRET=********"),
    # A .env line the audit points at, of a key apply writes.
    ("env-value-truncated", ".env", None, ("OPENID_SESSION_SECRET", "abc#def"),
     "+OPENID_SESSION_SECRET=********"),
])
async def test_enter_offers_the_apply_that_fixes_the_file(store, tmp_path, code, file,
                                                          config_edit, env_edit, added):
    from tests.userfiles_helpers import clean_config, clean_env, env_set, librechat_client_set

    config = librechat_client_set(clean_config(), *config_edit) if config_edit else \
        clean_config()
    env = env_set(clean_env(), *env_edit) if env_edit else clean_env()
    store, config_path, env_path = matched_store(store, tmp_path, config, env)
    written = config_path if file == "configuration.yml" else env_path
    untouched = env_path if written == config_path else config_path
    before = untouched.read_bytes()
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        target = await highlight(pilot, code)
        assert "↵ Enter: apply the profile to" in str(target.query(Static).last().render())
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DiffDialog), screen_text(app)
        assert str(written) in dialog.title_text and code in dialog.title_text
        diff = str(dialog.query_one("#diff-text").render())
        assert added in diff
        await pilot.press("left", "enter")  # Apply
        await settle(pilot)
        assert code not in {f.code for f in main_screen(app).checks.audit.findings}
        assert untouched.read_bytes() == before
        assert list(tmp_path.glob(f"{written.name}*.bak"))


async def test_the_diff_says_when_it_applies_unsaved_changes(env_store):
    store, env = env_store
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_diff(pilot)
        assert "unsaved" not in screen_text(app)  # as saved: nothing to say
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.query_one("#input-button_label", Input).value = "Family login"
        await settle(pilot)
        assert app.dirty
        await open_diff(pilot)
        assert isinstance(app.screen, DiffDialog)
        text = screen_text(app)
        assert "This applies your unsaved changes" in text
        assert "+OPENID_BUTTON_LABEL='Family login'" in str(
            app.screen.query_one("#diff-text").render())


# The files to check ----------------------------------------------------------------------------

async def test_p_sets_the_files_checked_inline_and_remembered_unsaved(store, files):
    config, env = files
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PathsDialog)
        assert app.focused is dialog.query_one("#path-authelia_config_paths")
        await pilot.press(*str(config))
        await pilot.press("tab", *str(env.parent / "nope.env"))
        await pilot.pause()
        assert "no such file" in str(dialog.query_one("#problem-env_path").render())
        await pilot.press("enter")  # refused: the dialog stays
        await pilot.pause()
        assert app.screen is dialog
        assert app.profile.env_path == ""
        dialog.query_one("#path-env_path", Input).value = str(env)
        await pilot.pause()
        assert not dialog.query_one("#problem-env_path").display
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile.authelia_config_paths == (str(config),)
        assert app.profile.env_path == str(env)
        assert app.dirty  # remembered like any edit: saved with ctrl+s
        assert main_screen(app).checks.audit.state == app_checks.DONE
        assert app.focused is app.query_one("#audit-findings")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.load("home").env_path == str(env)


async def test_every_button_of_the_paths_dialog_is_reachable_at_60x20(checked_store):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=(60, 20)) as pilot:
        await show_check(pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PathsDialog)
        buttons = list(app.screen.query(Button))
        assert {"ok", "cancel"} <= {b.id for b in buttons}, [b.id for b in buttons]
        for button in buttons:
            assert app.screen.region.contains_region(button.region), button.id


# The doctor --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def live_pair(ca, tmp_path, store, monkeypatch):
    """The doctor's Authelia and LibreChat stand-ins on 127.0.0.1, and a profile for them."""
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    authelia, librechat, profile = healthy_pair(home_profile, ca)
    store.save("home", profile.with_changes(ca_file=str(ca_file)), overwrite=True)
    monkeypatch.setattr(app_checks, "DOCTOR_TIMEOUT", 3.0)
    yield store
    authelia.stop()
    librechat.stop()


async def test_d_runs_the_doctor_live_and_keeps_the_result(live_pair):
    app = LibreChatAutheliaApp(live_pair)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        arrived, threads = [], []
        checks = main_screen(app).checks
        taken = checks.doctor_finding

        def finding_taken(news):
            arrived.append(pane_text(app))
            threads.extend(checks._threads)  # the doctor's thread, waiting for this
            return taken(news)

        checks.doctor_finding = finding_taken
        await pilot.press("d")
        await settle(pilot)
        assert threads and all(t.daemon for t in threads)  # quitting never waits for it
        doctor = main_screen(app).checks.doctor
        assert doctor.state == app_checks.DONE
        assert {f.severity for f in doctor.findings} <= {"ok", "info"}, doctor.findings
        assert "authorize-ok" in {f.code for f in doctor.findings}
        # Each line was on screen as its probe finished, before the run ended.
        assert len(arrived) == len(doctor.findings) > 1
        assert "running…" in arrived[0]
        text = pane_text(app)
        assert "running…" not in text and "✓ no problems" in text
        for finding in doctor.findings:
            assert f"{finding.code}: {finding.message}" in text
        assert FAKE_CLIENT_SECRET not in text
        assert not any(FAKE_CLIENT_SECRET in t for t in arrived)
        await pilot.press("f2", "f7")  # the result stays until it is run again
        await settle(pilot)
        assert "✓ no problems" in pane_text(app)


async def test_d_again_cancels_a_run_that_hangs(store, monkeypatch):
    hole = BlackHole()
    try:
        store.save("home", home_profile(auth_url=hole.url, app_url=hole.url), overwrite=True)
        monkeypatch.setattr(app_checks, "DOCTOR_TIMEOUT", 3.0)
        app = LibreChatAutheliaApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await show_check(pilot)
            await pilot.press("d")
            await pilot.pause()
            assert main_screen(app).checks.doctor_running
            await pilot.press("d")
            await pilot.pause()
            assert main_screen(app).checks.doctor.state == app_checks.CANCELLED
            assert "Cancelled at" in pane_text(app)
            await settle(pilot)  # the thread ends (cancel stops the run within ~50 ms)
            assert not main_screen(app).checks.busy
    finally:
        hole.close()


async def test_a_profile_the_doctor_cannot_check_is_one_line(store):
    store.save("home", home_profile(app_url="not a url"), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert main_screen(app).checks.doctor.state == app_checks.FAILED
        assert "✗ Cannot run the doctor: LibreChat's URL" in pane_text(app)


# Apply to file -------------------------------------------------------------------------------

@pytest.fixture
def env_store(store, tmp_path):
    env = tmp_path / "librechat" / ".env"
    env.parent.mkdir()
    shutil.copy(ENV, env)
    store.save("home", home_profile(env_path=str(env)), overwrite=True)
    return store, env


async def open_diff(pilot, pane_key: str = "f5") -> None:
    await settle(pilot)
    await pilot.press(pane_key)
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ApplyPathDialog)
    await pilot.press("enter")
    await settle(pilot)


async def test_apply_shows_the_masked_diff_and_writes_only_after_apply(env_store,
                                                                       monkeypatch):
    store, env = env_store
    before = env.read_bytes()
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await open_diff(pilot)
        dialog = app.screen
        assert isinstance(dialog, DiffDialog)
        assert app.focused is dialog.query_one("#cancel")  # a stray Enter writes nothing
        diff = str(dialog.query_one("#diff-text").render())
        assert "+DOMAIN_SERVER='https://chat.home.arpa'" in diff
        assert "OPENID_CLIENT_SECRET" in diff or "OPENID_SESSION_SECRET" in diff
        for secret in (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET):
            assert secret not in diff
        await pilot.press("enter")
        await settle(pilot)
        assert env.read_bytes() == before
        assert "Nothing was written." in seen

        await open_diff(pilot)
        await pilot.press("left", "enter")  # Apply
        await settle(pilot)
        assert env.read_bytes() != before
        backups = [p for p in env.parent.iterdir() if p.name.endswith(".bak")]
        assert len(backups) == 1 and backups[0].read_bytes() == before
        assert any(str(backups[0]) in m for m in seen), seen
        assert "DOMAIN_SERVER='https://chat.home.arpa'" in env.read_text()

        seen.clear()
        await open_diff(pilot)  # twice: nothing more to write
        assert any("already matches" in m for m in seen), seen
        assert not isinstance(app.screen, DiffDialog)


async def test_apply_asks_the_path_and_remembers_it_unsaved(store, tmp_path):
    env = tmp_path / "new.env"  # no file yet: apply creates it
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == ""
        await pilot.press(*str(env), "enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffDialog), screen_text(app)
        assert app.profile.env_path == str(env) and app.dirty
        await pilot.press("left", "enter")
        await settle(pilot)
        assert env.exists() and (env.stat().st_mode & 0o777) == 0o600


async def test_apply_to_the_authelia_configuration(store, files, monkeypatch):
    config, _ = files
    before = config.read_text()
    store.save("home", home_profile(authelia_config_paths=[str(config)]), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_diff(pilot, "f4")  # the digest is verified off the UI thread first
        assert isinstance(app.screen, DiffDialog)
        assert "+          - 'https://chat.home.arpa/oauth/openid/callback'" in str(
            app.screen.query_one("#diff-text").render())
        await pilot.press("left", "enter")
        await settle(pilot)
        after = config.read_text()
        assert after != before and "{{ secret" in after  # templates kept


async def test_a_refusal_is_one_line_in_the_dialog(env_store, tmp_path):
    store, env = env_store
    fifo = tmp_path / "fifo.env"
    os.mkfifo(fifo)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#path", Input).value = str(fifo)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        problem = str(dialog.query_one(".dialog-problem").render())
        assert problem.startswith("✗ ") and "not a regular file" in problem
        assert "\n" not in problem.strip() and "Traceback" not in problem
        dialog.query_one("#path", Input).value = str(tmp_path)
        await pilot.press("enter")
        await settle(pilot)
        assert "is a directory" in str(dialog.query_one(".dialog-problem").render())


async def test_a_file_changed_after_the_diff_is_not_written(env_store, monkeypatch):
    store, env = env_store
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await open_diff(pilot)
        env.write_text(env.read_text() + "MINE=1\n")  # another editor saved meanwhile
        changed = env.read_bytes()
        await pilot.press("left", "enter")
        await settle(pilot)
        assert env.read_bytes() == changed
        assert any("changed since it was read" in m for m in seen), seen
        assert not [p for p in env.parent.iterdir() if p.name.endswith(".bak")]


async def test_apply_with_profile_errors_writes_nothing(store, monkeypatch):
    store.save("home", home_profile(app_url="", env_path="/nonexistent/.env"), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, ApplyPathDialog)
        assert any("Nothing to apply" in m for m in seen)


async def test_every_button_of_the_diff_is_reachable_at_60x20(env_store):
    store, _ = env_store
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(60, 20)) as pilot:
        await open_diff(pilot)
        assert isinstance(app.screen, DiffDialog)
        for button in app.screen.query(Button):
            assert app.screen.region.contains_region(button.region), button.id


# Help and palette --------------------------------------------------------------------------

async def test_the_help_lists_the_new_keys(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.key_rows()
        assert ("Check", "r", "Audit the remembered files again") in rows
        assert any(where == "Check" and key == "d" for where, key, _ in rows)
        assert any(where == "Check" and key == "p" for where, key, _ in rows)
        assert any(key == "a" and "diff" in does for _, key, does in rows)
        assert any(key.startswith("f7") for where, key, _ in rows if where == "Anywhere")



async def test_quitting_stops_a_running_doctor(store, monkeypatch):
    hole = BlackHole()
    try:
        store.save("home", home_profile(auth_url=hole.url, app_url=hole.url), overwrite=True)
        monkeypatch.setattr(app_checks, "DOCTOR_TIMEOUT", 30.0)
        app = LibreChatAutheliaApp(store)
        async with app.run_test(size=SIZE) as pilot:
            await show_check(pilot)
            await pilot.press("d")
            await pilot.pause()
            assert main_screen(app).checks.doctor_running
            cancel = main_screen(app).checks._cancel
            threads = set(main_screen(app).checks._threads)
        assert cancel.is_set()  # the run stops instead of waiting out its 30 s timeout
        for thread in threads:
            thread.join(5)
            assert not thread.is_alive()
    finally:
        hole.close()


async def test_another_profile_never_shows_the_last_ones_results(checked_store):
    checked_store.save("work", home_profile(app_url="https://work.home.arpa"))
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        assert main_screen(app).checks.audit.findings
        main_screen(app).open_profile("work")
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.NOT_RUN
        assert not [i for i in items(app) if isinstance(i, FindingItem)]
        assert "Press p to name" in pane_text(app)
        main_screen(app).open_profile("home")  # shown again: its files are audited again
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.DONE
        assert [i for i in items(app) if isinstance(i, FindingItem)]


@pytest.mark.parametrize("provider, field, pane, control", [
    ("new", "hmac_secret", "secrets", "#input-hmac_secret"),
    ("existing", "hmac_secret", "assumptions", "#input-provider"),  # hidden: choose it first
    ("existing", "ca_file", "assumptions", "#input-ca_file"),
])
async def test_a_provider_field_is_reached_even_when_hidden(store, provider, field, pane,
                                                            control):
    from conftest import fake_provider_profile

    profile = fake_provider_profile() if provider == "new" else home_profile()
    store.save("home", profile, overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        await main_screen(app).jump_to_field(field)
        await settle(pilot)
        assert main_screen(app).active_pane_id() == pane
        assert app.focused is app.query_one(control)


async def test_the_palette_names_every_new_action_with_its_key(checked_store):
    from tui.app.commands import AppCommands

    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {name: keys for name, keys, _ in AppCommands(app.screen)._commands()}
        assert commands["Go to Check"] == "f7 or alt+k"
        assert commands["Check your files again (audit)"] == "r on Check"
        assert commands["Apply the LibreChat env to your file (shows the diff first)"] == \
            "a on LibreChat env"
        assert any(keys == "d on Check" for keys in commands.values())
        assert any(keys == "p on Check" for keys in commands.values())


async def test_forgetting_the_files_clears_their_audit(checked_store):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        assert [i for i in items(app) if isinstance(i, FindingItem)]
        await pilot.press("p")
        await pilot.pause()
        for name in ("authelia_config_paths", "env_path", "compose_path"):
            app.screen.query_one(f"#path-{name}", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile.env_path == "" and app.profile.authelia_config_paths == ()
        assert not [i for i in items(app) if isinstance(i, FindingItem)]
        assert "Press p to name" in pane_text(app)


async def test_a_jump_right_after_start_reaches_a_field_below_the_fold(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await main_screen(app).jump_to_field("policy")  # before the lower fields are built
        await settle(pilot)
        assert main_screen(app).active_pane_id() == "assumptions"
        assert app.focused is app.query_one("#input-policy")


# The status line on the Check pane ---------------------------------------------------------

def summary(app) -> str:
    return str(app.query_one("#summary").render())


async def test_the_status_line_counts_the_audit_and_never_says_no_problems(checked_store):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        line = summary(app)
        assert "No problems found" not in line
        assert "Profile: no problems" in line and "files: 7 errors, 6 warnings" in line
        assert app.query_one("#summary").has_class("-error")
        await pilot.press("f2")  # elsewhere it judges the profile, as before
        await settle(pilot)
        assert summary(app) == "✓ No problems found"


async def test_the_status_line_counts_the_doctor_with_plurals(store):
    from tui.core.findings import Finding

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await show_check(pilot)
        assert summary(app) == "✓ Profile: no problems"  # nothing run yet
        main = main_screen(app)
        main.checks.doctor.state = app_checks.DONE
        main.checks.doctor.findings = [
            Finding("token-secret-rejected", "error", "Authelia rejected the secret"),
            Finding("tls-ok", "ok", "the certificate is trusted"),
            Finding("clock-skew", "warning", "the clock is 40 s off")]
        main.show_checks()
        await settle(pilot)
        assert summary(app) == "✗ Profile: no problems · doctor: 1 error, 1 warning"
        assert "1 error, 1 warning" in pane_text(app)


def test_every_code_enter_applies_for_is_an_audit_code():
    from tui.app.fixes import APPLY_FIXES, ENV_SIDE, LINE_CODES, PROVIDER_CODES
    from tui.userfiles.audit import CODES

    assert set(APPLY_FIXES) <= set(CODES)
    assert set(ENV_SIDE) | LINE_CODES | PROVIDER_CODES <= set(APPLY_FIXES)


def test_a_value_both_files_hold_offers_the_file_that_differs_from_the_profile(tmp_path):
    from check_results import AUDIT

    from tui.app.fixes import route

    mismatch = next(f for f in AUDIT if f.code == "client-secret-mismatch")
    env = tmp_path / ".env"
    profile = home_profile(authelia_config_paths=[str(tmp_path / "configuration.yml")],
                           env_path=str(env))
    # The .env cannot be read now: configuration.yml, where the finding points, first.
    assert route(mismatch, profile, []) == ("apply", ("authelia", "env"))
    env.write_text(f"OPENID_CLIENT_SECRET='{FAKE_CLIENT_SECRET}'\n")  # the profile's secret
    assert route(mismatch, profile, []) == ("apply", ("authelia", "env"))
    env.write_text("OPENID_CLIENT_SECRET='another-one-" + "a" * 60 + "'\n")
    assert route(mismatch, profile, []) == ("apply", ("env", "authelia"))


def test_an_auth_method_unset_in_env_is_what_librechat_sends_so_the_client_is_offered(tmp_path):
    """With OPENID_TOKEN_ENDPOINT_AUTH_METHOD unset, LibreChat sends its release's method,
    the profile's own: writing it into .env changes nothing Authelia sees, so Enter offers
    configuration.yml first, not a .env apply that would claim to fix the mismatch."""
    from tui.app.fixes import route
    from tui.core.findings import Finding

    config = tmp_path / "configuration.yml"
    env = tmp_path / ".env"
    profile = home_profile(authelia_config_paths=[str(config)], env_path=str(env))
    mismatch = Finding("auth-method-mismatch", "error", "the client's method is "
                       "client_secret_basic", where=f"{config}:12")
    env.write_text("OPENID_CLIENT_ID='librechat'\n")  # the method unset
    assert route(mismatch, profile, []) == ("apply", ("authelia", "env"))
    env.write_text("OPENID_TOKEN_ENDPOINT_AUTH_METHOD='client_secret_basic'\n")
    assert route(mismatch, profile, []) == ("apply", ("env", "authelia"))
