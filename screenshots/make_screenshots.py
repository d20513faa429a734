"""Make screenshots/*.svg from the real app, with a fixed fake profile (no real secret).

    python screenshots/make_screenshots.py            # needs the test extra installed

Each screen is driven by its keys, the way a user reaches it, at 100x32. The Check pane is
shown after an audit and a doctor run on a homelab (fixed fake findings, not a live run:
tests/check_results.py), taller so that both fit.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

SIZE = (100, 32)
CHECK_SIZE = (100, 60)
SHOTS = [  # file name, keys pressed from the first screen
    ("1-assumptions", []),
    ("1b-provider-consent-container", ["shift+tab", "shift+tab"]),
    ("2-secrets", ["f3"]),
    ("3-authelia", ["f4"]),
    ("4-librechat-env", ["f5"]),
    ("4b-docker-compose", ["f5", "f"]),
    ("5-checklist", ["f6", "space", "down", "space", "down"]),
    ("6-profiles", ["ctrl+o"]),
    ("7-help", ["f1"]),
    ("8-check", ["f7"]),
]


async def shoot(name: str, keys: list[str]) -> None:
    from check_results import FILES, fixed_time, hand_results
    from conftest import fake_profile, settle

    from tui.app import app as app_module
    from tui.app import digests
    from tui.core.checks import verify_digest_findings
    from tui.core.store import ProfileStore

    # The screenshots show a fixed timing, not this machine's.
    digests.measure_verification = lambda p: (verify_digest_findings(p), 0.01)
    check = name == "8-check"
    store = ProfileStore()
    store.save("homelab", fake_profile(app_url="https://chat.home.example",
                                       auth_url="https://auth.home.example", group="family",
                                       **(FILES if check else {})))
    store.set_last_used("homelab")
    app = app_module.LibreChatAutheliaApp(store)
    async with app.run_test(size=CHECK_SIZE if check else SIZE) as pilot:
        await pilot.pause()
        if check:
            await settle(pilot)
            fixed_time()
            hand_results(app.main_screen)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settle(pilot)
        from textual.widgets import Input

        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()
        app.save_screenshot(str(HERE / f"{name}.svg"))


def main() -> None:
    with tempfile.TemporaryDirectory() as config:
        os.environ["XDG_CONFIG_HOME"] = config
        for name, keys in SHOTS:
            asyncio.run(shoot(name, keys))
            print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    main()
