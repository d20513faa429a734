"""The app as a person uses it: keys in, what they would see or get out."""

from __future__ import annotations

import stat

import pytest
from conftest import FAKE_CLIENT_SECRET, home_profile, main_screen, palette_shows, settle
from textual.widgets import Input, TextArea

from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.confirm import ConfirmDialog, UnsavedDialog
from tui.app.dialogs.help import HelpScreen
from tui.app.dialogs.profiles import ProfilesDialog
from tui.app.dialogs.write import WriteDialog
from tui.app.panes.snippets import masked
from tui.core import digest
from tui.core.authelia import render_client_block, render_client_entry
from tui.core.librechat import render_compose, render_env
from tui.core.store import ProfileStore

SIZE = (100, 32)


async def snippet(pilot, pane_id: str) -> str:
    """The snippet as a person sees it: go to its screen, read it."""
    await pilot.press({"env": "f5", "authelia": "f4"}[pane_id])
    await settle(pilot)
    return pilot.app.query_one(f"#pane-{pane_id} TextArea", TextArea).text


def active(app) -> str:
    """The pane on screen and the one the pane bar marks; they must agree."""
    shown = app.query_one("#panes").current
    assert app.query_one("#pane-bar").active == shown.removeprefix("pane-")
    return shown


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
    await settle(pilot)


async def test_opens_the_last_used_profile_with_complete_snippets(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.profile_name == "home" and app.profile == home_profile()
        assert app.sub_title == "home"
        # As shown: the secrets masked (copy gives them, tests/test_app_masking.py).
        assert await snippet(pilot, "env") == masked(render_env(home_profile()),
                                                     home_profile())
        assert await snippet(pilot, "authelia") == masked(render_client_block(home_profile()),
                                                          home_profile())


async def test_typing_right_after_start_edits_the_first_field(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is app.query_one("#input-app_url", Input)
        await pilot.press("end", "x")
        await settle(pilot)
        assert app.profile.app_url == home_profile().app_url + "x"


def test_the_first_screen_shows_the_profile_in_the_focused_field(store):
    """As started for real (App.run, not run_test): the first frame the terminal gets."""
    seen = {}

    class FirstFrame(LibreChatAutheliaApp):
        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is not None and not seen:
                field = self.query_one("#input-app_url", Input)
                seen.update(value=field.value, focused=self.focused is field)
                self.exit()

    FirstFrame(store).run(headless=True, size=SIZE)
    assert seen == {"value": home_profile().app_url, "focused": True}


async def test_editing_the_librechat_url_changes_env_and_authelia(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-app_url", "https://chat.home.lan/")
        assert "DOMAIN_SERVER='https://chat.home.lan'" in await snippet(pilot, "env")
        assert "- 'https://chat.home.lan/oauth/openid/callback'" in await snippet(pilot, "authelia")
        assert app.dirty and "unsaved" in app.sub_title


async def test_an_invalid_url_shows_the_cores_message_not_a_broken_snippet(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-auth_url", "http://auth.home.lan")
        message = str(app.query_one("#findings-auth_url").render())
        assert "must use https://" in message
        await pilot.press("f5")
        await settle(pilot)
        problem = str(app.query_one("#pane-env .snippet-problem").render())
        assert "The profile has errors" in problem
        assert not app.query_one("#pane-env TextArea").display
        assert app.query_one("#pane-env").text is None


async def test_screen_keys_work_while_typing_in_a_field(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#input-client_name", Input).focus()
        for key, pane in [("f3", "secrets"), ("f4", "authelia"), ("f5", "env"),
                          ("f6", "checklist"), ("f7", "check"), ("f2", "assumptions"),
                          ("alt+l", "env")]:
            await pilot.press(key)
            assert active(app) == f"pane-{pane}"
        assert app.query_one("#input-client_name", Input).value == "LibreChat"


async def test_a_click_on_a_pane_name_shows_that_pane(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = str(app.query_one("#pane-bar").render())
        for pane_id, title in [("checklist", "Checklist"), ("secrets", "Secrets"),
                               ("assumptions", "Assumptions")]:
            await pilot.click("#pane-bar", offset=(bar.index(title), 0))
            await settle(pilot)
            assert active(app) == f"pane-{pane_id}"
        await pilot.click("#pane-bar", offset=(len(bar) + 2, 0))  # past the names
        assert active(app) == "pane-assumptions"
        await pilot.hover("#pane-bar", offset=(bar.index("Authelia"), 0))
        assert app.query_one("#pane-bar").hover == "authelia"
        await pilot.hover("#summary")
        assert app.query_one("#pane-bar").hover == ""

async def test_regenerating_the_secret_changes_the_digest_and_it_verifies(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        old = app.profile
        await pilot.click("#regenerate-client_secret")
        await settle(pilot)
        new = app.profile
        assert new.client_secret != old.client_secret and len(new.client_secret) == 72
        assert new.client_secret_digest != old.client_secret_digest
        assert new.client_secret_digest.startswith("$pbkdf2-sha512$1000$")  # cost kept
        assert digest.verify(new.client_secret, new.client_secret_digest)
        assert main_screen(app).state.digest_status == "verified"
        assert "verifies the client secret" in str(app.query_one("#digest-status").render())
        assert "0.25 s" in str(app.query_one("#verify-time").render())
        assert "OPENID_CLIENT_SECRET=********" in await snippet(pilot, "env")
        await pilot.press("c")
        await settle(pilot)
        assert f"OPENID_CLIENT_SECRET='{new.client_secret}'" in app.clipboard


async def test_choosing_an_algorithm_rehashes_in_a_worker(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        app.query_one("#input-digest_algorithm").value = "argon2id"
        await pilot.pause()
        cost = app.query_one("#input-cost", Input)
        assert cost.value == "65536"
        cost.value = "1024"
        cost.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile.client_secret_digest.startswith("$argon2id$v=19$m=1024,t=3,p=4$")
        assert main_screen(app).state.digest_status == "verified"


async def test_a_bad_cost_is_explained(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await type_into(pilot, "#input-cost", "12")
        await pilot.press("enter")
        await settle(pilot)
        assert "between 1000 and" in str(app.query_one("#findings-digest_cost").render())
        assert app.profile == home_profile()


async def test_typing_a_secret_rehashes_after_a_pause(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await type_into(pilot, "#input-client_secret", "my-own-secret")
        await settle(pilot)  # the pause after typing, then the hash
        assert app.profile.client_secret == "my-own-secret"
        assert digest.verify("my-own-secret", app.profile.client_secret_digest)


async def test_secrets_are_masked_until_revealed(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        secret = app.query_one("#input-client_secret", Input)
        assert secret.password
        assert FAKE_CLIENT_SECRET not in str(secret.render())
        await pilot.press("ctrl+t")
        assert not secret.password


@pytest.mark.parametrize(("pane", "toggle", "render"), [
    ("env", False, render_env), ("env", True, render_compose),
    ("authelia", False, render_client_block), ("authelia", True, render_client_entry),
])
async def test_copy_puts_exactly_the_snippet_on_the_clipboard(store, pane, toggle, render):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5" if pane == "env" else "f4")
        if toggle:
            await pilot.press("f")
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == render(home_profile())


async def test_copy_says_what_really_happened(store, monkeypatch):
    from tui.core import sysclipboard

    messages = []
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: messages.append(message))
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
        await pilot.press("f5", "c")
        await settle(pilot)
        assert "OSC 52" in messages[-1] and "set -s set-clipboard on" in messages[-1]
        assert "write it to a file" in messages[-1]
        monkeypatch.setattr(sysclipboard, "copy_to_system", lambda text, **kw: "xclip")
        await pilot.press("c")
        await settle(pilot)
        assert messages[-1].startswith("Copied to the system clipboard")


async def test_save_writes_a_private_file(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-client_name", "Chat")
        await pilot.press("ctrl+s")
        path = store.path("home")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert store.load("home").client_name == "Chat"
        assert not app.dirty and app.sub_title == "home"


async def test_a_ticked_step_is_still_ticked_after_a_restart(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-client_name", "not saved")
        await pilot.press("f6", "down", "space")
        await settle(pilot)
        assert app.profile.checklist == ("authelia-client",)
        assert "1 of 7 steps done" in str(app.query_one("#checklist-progress-text").render())
    stored = ProfileStore().load("home")
    assert stored.checklist == ("authelia-client",)
    assert stored.client_name == "LibreChat"  # the tick did not save the other edit

    again = LibreChatAutheliaApp(ProfileStore())
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        title = again.query_one("#step-authelia-client .step-title").render()
        assert str(title).startswith("[x] 2.")


async def test_quitting_with_unsaved_changes_asks_first(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-client_name", "Edited")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.profile.client_name == "Edited"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#save")
        await pilot.pause()
    assert ProfileStore().load("home").client_name == "Edited"


async def test_quitting_without_changes_does_not_ask(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_first_run_shows_and_saves_a_complete_default_profile(_isolated_config,
                                                                   fixed_timing):
    app = LibreChatAutheliaApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.profile_name == "default"
        # Complete, with only the example URLs to replace (warnings, no error).
        assert {(f.severity, f.field) for f in main_screen(app).state.findings} == {
            ("warning", "app_url"), ("warning", "auth_url")}
        assert not app.dirty
        assert "OPENID_CLIENT_SECRET=" in await snippet(pilot, "env")
    stored = ProfileStore().load("default")
    assert digest.verify(stored.client_secret, stored.client_secret_digest)
    assert ProfileStore().last_used() == "default"


async def test_a_corrupt_profile_is_reported_and_the_app_still_starts(store):
    path = store.path("home")
    path.write_text("version: 1\nclient_id: [\n")
    messages = []
    app = LibreChatAutheliaApp(store)
    app.notify = lambda message, **kw: messages.append(message)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(str(path) in m and "not valid YAML" in m for m in messages)
        assert app.profile_name == "default"
    assert path.read_text() == "version: 1\nclient_id: [\n"


async def test_profile_option_opens_that_profile(store):
    store.save("work", home_profile(client_name="Work chat"))
    app = LibreChatAutheliaApp(store, "work")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.profile_name == "work" and app.profile.client_name == "Work chat"


async def test_write_snippet_never_overwrites_without_asking(store, tmp_path):
    target = tmp_path / "out.env"
    target.write_text("precious\n")
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "w")
        await pilot.pause()
        assert isinstance(app.screen, WriteDialog)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#exists-buttons").display
        await pilot.press("escape")
        await pilot.pause()
        assert target.read_text() == "precious\n"
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "new.env")
        await pilot.press("enter")
        await pilot.pause()
    written = tmp_path / "new.env"
    assert written.read_text() == render_env(home_profile())
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


async def test_profiles_dialog_new_duplicate_rename_delete(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesDialog)
        await pilot.press("u")  # duplicate home
        await pilot.pause()
        app.screen.query_one(Input).value = "home-copy"
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile_name == "home-copy"
        assert ProfileStore().load("home-copy").client_secret == FAKE_CLIENT_SECRET

        await pilot.press("ctrl+o", "r")
        await pilot.pause()
        app.screen.query_one(Input).value = "home"  # taken
        await pilot.press("enter")
        await pilot.pause()
        assert "already exists" in str(app.screen.query_one(".dialog-problem").render())
        app.screen.query_one(Input).value = "lab"
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(ProfileStore().names()) == ["home", "lab"] and app.profile_name == "lab"

        await pilot.press("ctrl+o", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert ProfileStore().names() == ["home"]

        await pilot.press("ctrl+o", "n")
        await pilot.pause()
        app.screen.query_one(Input).value = "fresh"
        await pilot.press("enter")
        await settle(pilot)
        fresh = ProfileStore().load("fresh")
        assert fresh.client_secret != FAKE_CLIENT_SECRET
        assert digest.verify(fresh.client_secret, fresh.client_secret_digest)


async def test_switching_profiles_with_unsaved_changes_asks(store):
    store.save("work", home_profile(client_name="Work"))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-client_name", "Edited")
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("OptionList").highlighted = 1  # work
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.click("#discard")
        await settle(pilot)
        assert app.profile_name == "work" and app.profile.client_name == "Work"
        assert ProfileStore().load("home").client_name == "LibreChat"


async def test_help_lists_every_binding(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = {row[1] for row in app.screen.rows}
        assert {"f2 or alt+a", "ctrl+s", "ctrl+o", "c", "w", "f", "space"} <= keys


async def test_command_palette_offers_the_actions(store):
    from tui.app.commands import AppCommands

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = [name for name, _, _ in AppCommands(app.screen)._commands()]
        for wanted in ("Save profile", "Copy the LibreChat env", "Go to Checklist",
                       "New client secret (and its digest)", "Quit"):
            assert wanted in names
        await pilot.press("ctrl+p")
        await pilot.press(*"copy the libre")
        await palette_shows(pilot, "Copy the LibreChat env")
        await pilot.press("enter")
        await pilot.pause()
        assert app.clipboard == render_env(home_profile())


# The window frame of an exported screenshot (its three buttons, its title), not the app's.
SCREENSHOT_FRAME = {"28c840", "febc2e", "ff5f57", "c5c8c6"}


def colours_on_screen(app) -> set[str]:
    """Every colour of the screen as the terminal gets it, greys (r = g = b) left out."""
    import re

    svg = app.export_screenshot()
    return {c.lower() for c in re.findall(r"#([0-9a-fA-F]{6})\b", svg)
            if not c[0:2] == c[2:4] == c[4:6]} - SCREENSHOT_FRAME


@pytest.mark.parametrize("no_color", [True, False])
async def test_no_color_is_respected(store, monkeypatch, no_color):
    """With NO_COLOR set nothing on any pane is drawn in a colour (and without, the same
    check does see colours); the current pane stays marked by its style."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    store.save("home", home_profile(client_id="bad id"), overwrite=True)  # errors shown too
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("f2", "f3", "f4", "f5", "f6", "f7"):
            await pilot.press(key)
            await settle(pilot)
            colours = colours_on_screen(app)
            assert (colours == set()) is no_color, (key, sorted(colours)[:5])
        bar = app.query_one("#pane-bar").render()
        active = [span for span in bar.spans if "bold" in str(span.style)]
        assert active, "the current pane is marked by more than its colour"


async def test_typing_at_start_edits_the_first_field_without_replacing_it(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        assert app.query_one("#input-app_url", Input).value == "https://chat.home.arpax"


async def test_a_key_right_after_a_screen_key_lands_on_the_new_screen(store, tmp_path):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "w")
        await pilot.pause()
        assert isinstance(app.screen, WriteDialog)
        assert app.profile == home_profile()


async def test_typing_a_secret_does_not_pile_up_digest_checks(store, monkeypatch):
    from tui.app import digests as app_module
    from tui.app.messages import RehashRequested

    monkeypatch.setattr(app_module, "REHASH_DELAY", 60)  # the pause is ended by the test

    measured = []
    original = app_module.measure_verification
    monkeypatch.setattr(app_module, "measure_verification",
                        lambda p: measured.append(p) or original(p))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        measured.clear()
        await pilot.press("f3")
        field = app.query_one("#input-client_secret", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"a-secret-typed-by-hand")
        await pilot.pause()
        assert main_screen(app).state.digest_status == "hashing"
        assert measured == []  # nothing hashed or checked while typing
        main_screen(app).post_message(RehashRequested())  # what the pause's timer posts
        await settle(pilot)
        # One check, of the new digest, made by the hashing worker: none per keystroke.
        assert len(measured) == 1
        assert main_screen(app).state.digest_status == "verified"


def test_digest_workers_run_at_a_lower_cpu_priority_than_the_ui():
    import os
    import sys
    import threading

    from tui.app.background import lower_thread_priority

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread nice is a Linux feature")
    seen = {}

    def worker():
        lower_thread_priority()
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["worker"] == os.getpriority(os.PRIO_PROCESS, 0) + 10 or seen["worker"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) != seen["worker"]


async def test_quitting_in_the_first_instant_is_clean(store):
    from tui.app.screens.main import MainScreen

    class QuitScreen(MainScreen):
        def on_mount(self) -> None:
            self.app.call_later(self.app.exit)  # before the form's lower half is built

    class QuitAtOnce(LibreChatAutheliaApp):
        def get_default_screen(self):
            return QuitScreen(self.session)

    app = QuitAtOnce(store)
    async with app.run_test(size=SIZE):
        pass
    assert app.return_code == 0


async def test_the_lower_fields_show_the_profile_once_built(store):
    store.save("home", home_profile(policy="one_factor", authelia_version="4.38",
                                    group="family", refresh_tokens=True))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {name: str(app.query_one(f"#input-{name} SelectCurrent #label").render())
                 for name in ("policy", "authelia_version")}
        assert shown == {"policy": "One factor (password)", "authelia_version": "Authelia 4.38"}
        assert app.query_one("#input-group", Input).value == "family"
        assert app.query_one("#input-refresh_tokens").value is True
        assert app.profile == store.load("home")  # nothing the fields did changed it


async def test_a_hand_edited_version_is_shown_as_it_is_not_replaced(store):
    store.save("home", home_profile(authelia_version="4.99"))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = str(app.query_one("#input-authelia_version SelectCurrent #label").render())
        assert shown == "4.99"
        assert app.profile == store.load("home") and not app.dirty


async def test_an_argon2id_profile_keeps_its_algorithm_when_the_secrets_pane_is_built(store):
    argon = digest.hash(FAKE_CLIENT_SECRET, "argon2id", memory=1024, iterations=1, parallelism=1)
    store.save("home", home_profile(digest_algorithm="argon2id", client_secret_digest=argon))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # every pane is built by now
        await pilot.press("f3")
        await settle(pilot)
        shown = str(app.query_one("#input-digest_algorithm SelectCurrent #label").render())
        assert shown.lower().startswith("argon2id")
        assert app.profile == store.load("home") and not app.dirty
