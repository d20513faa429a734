"""How every screen and dialog looks, at 80x24 and 120x36, with a fixed fake profile.

Refresh after a reviewed change with: python -m pytest tests/test_app_snapshots.py
--snapshot-update
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from check_results import FILES, fixed_time, hand_results
from conftest import home_profile, main_screen, settle
from textual.widgets import Input

from tests.userfiles_helpers import ENV
from tui.app.app import LibreChatAutheliaApp


async def _steady(pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        for key in keys:
            await pilot.press(key)
            await _steady(pilot)

    return run_before


async def _invalid_url(pilot) -> None:
    await _steady(pilot)
    field = pilot.app.query_one("#input-auth_url", Input)
    field.value = "http://auth.example.com?x"
    await _steady(pilot)
    await pilot.press("f5")
    await _steady(pilot)


VIEWS = {
    "assumptions": _keys(),
    "assumptions-invalid-env": _invalid_url,
    "secrets": _keys("f3"),
    "authelia-block": _keys("f4"),
    "authelia-entry": _keys("f4", "f"),
    "env": _keys("f5"),
    "compose": _keys("f5", "f"),
    "checklist": _keys("f6", "down", "space"),
    "help": _keys("f1"),
    "profiles-dialog": _keys("ctrl+o"),
    "profile-delete-confirm": _keys("ctrl+o", "d"),
    "profile-new-name": _keys("ctrl+o", "n"),
    "unsaved-dialog": _keys("f2", "end", "x", "ctrl+q"),
    "write-dialog": _keys("f5", "w"),
    "values-dialog": _keys("f3", "ctrl+f"),
    "new-secrets-confirm": _keys("f3", "ctrl+r"),
    # The lower fields, focus on the last one (the provider, consent and container fields).
    "assumptions-lower": _keys(*["shift+tab"] * 2),
}

# Below 80 columns: the pane bar's short names, dialogs' stacked buttons, wrapped help.
NARROW_VIEWS = {
    "assumptions": _keys(),
    "profiles-dialog": _keys("ctrl+o"),
    "help": _keys("f1"),
    "unsaved-dialog": _keys("f2", "end", "x", "ctrl+q"),
}


# A fixed folder: the write dialog suggests a file in the working directory, the diff
# names the file it changes.
WORKDIR = Path(tempfile.gettempdir()) / "librechat"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(store, snap_compare, monkeypatch, view, size):
    WORKDIR.mkdir(exist_ok=True)
    monkeypatch.chdir(WORKDIR)
    assert snap_compare(LibreChatAutheliaApp(store), run_before=VIEWS[view], terminal_size=size)


async def _check_results(pilot, doctor: bool = False) -> None:
    await _steady(pilot)
    hand_results(main_screen(pilot.app))
    await pilot.press("f7")
    await _steady(pilot)
    if doctor:  # the doctor's section at the top, as after d
        pane = pilot.app.query_one("#pane-check")
        pane.scroll_to_widget(pane.query_one("#doctor-status"), animate=False, top=True)
        await _steady(pilot)


async def _check_doctor(pilot) -> None:
    await _check_results(pilot, doctor=True)


async def _changed_on_disk(pilot) -> None:
    await _steady(pilot)
    pilot.app.session.store.save("home", home_profile(group="family"), overwrite=True)
    await pilot.press("end", "x", "ctrl+s")  # saving finds the file changed meanwhile
    await _steady(pilot)


def _files_profile(store, monkeypatch) -> None:
    store.save("home", home_profile(**FILES), overwrite=True)


def _fixed_new_profile(store, monkeypatch) -> None:
    """A new profile gets the fixed fake values, not fresh random ones."""
    from conftest import fake_profile

    from tui.app.screens import profile

    monkeypatch.setattr(profile, "new_profile", lambda **kwargs: fake_profile())


def _env_to_apply(store, monkeypatch) -> None:
    WORKDIR.mkdir(exist_ok=True)
    env = WORKDIR / ".env"
    env.write_text(ENV.read_text())
    store.save("home", home_profile(env_path=str(env)), overwrite=True)


# name: (how the store is set up, the profile asked for, keys)
SETUP_VIEWS = {
    # The Check pane after an audit and a doctor run (fixed fake findings).
    "check-results": (_files_profile, None, _check_results),
    "check-results-doctor": (_files_profile, None, _check_doctor),
    # The five dialogs of the user's files and the profile's life.
    "missing-profile-dialog": (_fixed_new_profile, "nosuch", _keys()),
    "changed-on-disk-dialog": (None, None, _changed_on_disk),
    "paths-dialog": (None, None, _keys("f7", "p")),
    "apply-path-dialog": (None, None, _keys("f5", "a")),
    "diff-dialog": (_env_to_apply, None, _keys("f5", "a", "enter")),
}


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("view", list(SETUP_VIEWS))
def test_snapshot_with_setup(store, snap_compare, monkeypatch, view, size):
    setup, profile_name, run_before = SETUP_VIEWS[view]
    if setup:
        setup(store, monkeypatch)
    fixed_time(monkeypatch)
    assert snap_compare(LibreChatAutheliaApp(store, profile_name), run_before=run_before,
                        terminal_size=size)


@pytest.mark.parametrize("view", list(NARROW_VIEWS))
def test_snapshot_narrow(store, snap_compare, view):
    assert snap_compare(LibreChatAutheliaApp(store), run_before=NARROW_VIEWS[view],
                        terminal_size=(60, 20))
