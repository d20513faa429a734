"""Start-up holds the cyclic garbage collector until every pane is built (tui/app/startup.py)."""

from __future__ import annotations

import gc

import pytest
from conftest import main_screen, settle

from tui.app import startup
from tui.app.app import LibreChatAutheliaApp


@pytest.fixture
def collector():
    """Leave the process's collector as the test found it."""
    was_enabled = gc.isenabled()
    yield
    startup._held = False
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_release_without_hold_keeps_the_callers_policy(collector):
    gc.disable()  # e.g. a program that embeds the app and runs its own collection
    startup.release_collector()
    assert not gc.isenabled()


def test_hold_then_release_collects_freezes_and_enables(collector):
    gc.enable()
    startup.hold_collector()
    assert not gc.isenabled()
    startup.release_collector()
    assert gc.isenabled() and gc.get_freeze_count() > 0
    startup.release_collector()  # a second release is harmless
    assert gc.isenabled()


async def test_the_app_releases_the_collector_once_its_panes_are_built(store, collector):
    startup.hold_collector()
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert main_screen(app).panes_ready and gc.isenabled()


def test_the_entry_point_holds_the_collector_before_the_app_is_imported(monkeypatch, collector):
    from tui.app import app as app_module
    from tui.app import main

    seen = {}

    class NoRun:
        def __init__(self, profile_name=None):
            seen["enabled_at_start"] = gc.isenabled()

        def run(self):
            pass

    monkeypatch.setattr(app_module, "LibreChatAutheliaApp", NoRun)
    gc.enable()
    assert main.run() == 0
    assert seen == {"enabled_at_start": False}
