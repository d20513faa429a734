"""How every screen and dialog looks, at 80x24 and 120x36, with a fixed fake profile.

Refresh after a reviewed change with: python -m pytest tests/test_app_snapshots.py
--snapshot-update
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import settle
from textual.widgets import Input

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


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_snapshot(store, snap_compare, monkeypatch, view, size):
    # The write dialog suggests a file in the working directory: make it a fixed one.
    workdir = Path(tempfile.gettempdir()) / "librechat"
    workdir.mkdir(exist_ok=True)
    monkeypatch.chdir(workdir)
    assert snap_compare(LibreChatAutheliaApp(store), run_before=VIEWS[view], terminal_size=size)


@pytest.mark.parametrize("view", list(NARROW_VIEWS))
def test_snapshot_narrow(store, snap_compare, view):
    assert snap_compare(LibreChatAutheliaApp(store), run_before=NARROW_VIEWS[view],
                        terminal_size=(60, 20))
