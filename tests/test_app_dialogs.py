"""One dialog at a time: while a dialog is open only its own keys (and ctrl+q) act, and a
key that would open another dialog does nothing."""

from __future__ import annotations

import pytest
from conftest import home_profile, main_screen, settle
from textual.command import CommandPalette
from textual.widgets import Input

from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.base import Dialog
from tui.app.dialogs.confirm import ConfirmDialog, UnsavedDialog
from tui.app.dialogs.help import HelpScreen
from tui.app.dialogs.profiles import ProfilesDialog

SIZE = (100, 32)


def dialogs(app) -> list[str]:
    """The screens above the main screen, by class name, bottom first."""
    return [type(screen).__name__ for screen in app.screen_stack[1:]]


async def burst(pilot, *keys: str) -> None:
    """Keys sent as a fast typist (or a loaded box) delivers them: all at once, without
    waiting for the app to handle one before the next arrives."""
    from textual import events

    for key in keys:
        event = events.Key(key, None)
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await settle(pilot)


async def make_unsaved(pilot) -> None:
    await settle(pilot)
    await pilot.press("end", "x")  # the first field: the LibreChat URL
    await settle(pilot)
    assert pilot.app.dirty


async def test_ctrl_o_twice_opens_one_profiles_dialog(store):
    for name in ("work", "lab", "test"):  # reading each takes a moment before the dialog
        store.save(name, home_profile())
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "ctrl+o", "ctrl+o")
        assert dialogs(app) == ["ProfilesDialog"]
        await pilot.press("ctrl+o")  # once it shows, too
        await settle(pilot)
        assert dialogs(app) == ["ProfilesDialog"]
        await pilot.press("escape")
        await settle(pilot)
        assert dialogs(app) == []
        await pilot.press("ctrl+o")  # and it opens again once closed
        await settle(pilot)
        assert dialogs(app) == ["ProfilesDialog"]


async def test_ctrl_b_then_ctrl_o_keeps_the_revert_question_alone(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await burst(pilot, "ctrl+b", "ctrl+o")
        assert dialogs(app) == ["ConfirmDialog"]
        await pilot.press("ctrl+o")  # once the question shows, too
        await settle(pilot)
        assert dialogs(app) == ["ConfirmDialog"]
        await pilot.press("y")  # the revert the user asked for still happens
        await settle(pilot)
        assert dialogs(app) == [] and not app.dirty
        assert app.profile == home_profile()


async def test_ctrl_o_then_ctrl_b_keeps_the_profiles_dialog_alone(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await burst(pilot, "ctrl+o", "ctrl+b")
        assert dialogs(app) == ["ProfilesDialog"]
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert dialogs(app) == ["ProfilesDialog"]
        await pilot.press("escape")
        await settle(pilot)
        assert dialogs(app) == [] and app.dirty  # nothing was reverted behind the dialog


@pytest.mark.parametrize("key", ["f3", "f4", "f7", "alt+s"])
async def test_pane_keys_do_nothing_under_a_dialog(store, key):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, ProfilesDialog)
        assert main_screen(app).active_pane_id() == "assumptions"


@pytest.mark.parametrize("key, opens", [
    ("f1", HelpScreen), ("ctrl+p", CommandPalette), ("ctrl+o", ProfilesDialog),
    ("ctrl+b", ConfirmDialog), ("ctrl+r", ConfirmDialog),
])
async def test_no_key_opens_a_dialog_over_another(store, key, opens):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+f")  # the values dialog: a dialog opened by a pane
        await settle(pilot)
        first = app.screen
        assert isinstance(first, Dialog)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is first, dialogs(app)
        assert not any(isinstance(s, opens) and s is not first for s in app.screen_stack)


async def test_ctrl_s_under_the_revert_question_saves_nothing(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.load("home") == home_profile()
        await pilot.press("y")
        await settle(pilot)
        assert app.profile == home_profile() and not app.dirty  # revert, not save


async def test_ctrl_q_still_acts_under_a_dialog(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedDialog)  # it asks about the unsaved change
        await pilot.press("escape")  # stay: back to the dialog it was opened over
        await settle(pilot)
        assert isinstance(app.screen, ProfilesDialog)
        await pilot.press("ctrl+q")
        await settle(pilot)
        app.screen.query_one("#discard").press()
        await settle(pilot)
    assert app.return_code == 0


async def test_keys_typed_into_a_dialog_stay_in_it(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o", "n")  # a name for a new profile
        await settle(pilot)
        name = app.screen.query_one("#name", Input)
        name.value = ""
        await pilot.press("f", "4", "x")
        await settle(pilot)
        assert name.value == "f4x"
        assert main_screen(app).active_pane_id() == "assumptions"
        assert app.profile == home_profile()


async def test_ctrl_q_twice_asks_once(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await make_unsaved(pilot)
        await burst(pilot, "ctrl+q", "ctrl+q")
        assert dialogs(app) == ["UnsavedDialog"]
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert dialogs(app) == ["UnsavedDialog"]
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert dialogs(app) == [] and app.is_running


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_diff_keeps_room_to_read_beside_long_notes(store, size):
    """An apply with long notes (unsaved changes, a client_id that changes) at a small
    terminal: the diff still shows several lines, and Apply and Cancel stay on screen."""
    from tui.app.dialogs.files import DiffDialog

    diff = "\n".join(["--- /srv/librechat/.env", "+++ /srv/librechat/.env", "@@ -7,6 +7,6 @@"]
                     + [f" KEY_{n}=value" for n in range(20)])
    notes = ["This applies your unsaved changes: the profile as you see it, not as saved "
             "(ctrl+s saves it).",
             "OPENID_CLIENT_ID changes from 'librechat-home' to '" + "N" * 72 + "': Authelia "
             "must have a client with that ID; if its client for this LibreChat is "
             "'librechat-home', run apply authelia first (it updates that client and the "
             "profile keeps its ID)"]
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(DiffDialog("Apply the profile to /srv/librechat/.env?", diff, notes))
        await settle(pilot)
        box = app.screen.query_one("#diff")
        assert box.scrollable_content_region.height >= 5
        screen = app.screen.region
        for button in ("#apply", "#cancel"):
            assert screen.contains_region(app.screen.query_one(button).region)
