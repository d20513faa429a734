"""CPU the app spends per start and per key, headless (printed, never asserted).

    python tests/benchmarks/bench_app_cpu.py

CPU time (not wall time: these machines are shared) of the process for: starting the app
until its panes are mounted and quiet, a Tab between two fields of the first pane, a
character typed into a field, and a switch between panes. These are what every key press
costs a user on a slow box, and what most of the test suite's time is made of (about 300
app tests each start the app and press keys). Median of RUNS rounds.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

RUNS = 5
PRESSES = 20


async def _cpu(action) -> float:
    start = time.process_time()
    await action()
    return time.process_time() - start


async def one_round() -> dict[str, float]:
    from conftest import home_profile, settle

    from tui.app.app import LibreChatAutheliaApp
    from tui.core.store import ProfileStore

    store = ProfileStore()
    store.save("home", home_profile())
    store.set_last_used("home")
    figures: dict[str, float] = {}
    start = time.process_time()
    app = LibreChatAutheliaApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        figures["start, panes mounted and quiet"] = time.process_time() - start

        async def tabs():
            for _ in range(PRESSES):
                await pilot.press("tab")
            await settle(pilot)

        async def typing():
            await pilot.press("f1")
            for char in "abcdefghijklmnopqrst"[:PRESSES]:
                await pilot.press(char)
            await settle(pilot)

        async def switches():
            for index in range(PRESSES):
                await pilot.press(("f2", "f3", "f4", "f5")[index % 4])
            await settle(pilot)

        figures["Tab between fields"] = await _cpu(tabs) / PRESSES
        figures["character typed"] = await _cpu(typing) / PRESSES
        figures["switch between panes"] = await _cpu(switches) / PRESSES
    return figures


def main() -> None:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    rounds = [asyncio.run(one_round()) for _ in range(RUNS)]
    print(f"{'CPU, median of ' + str(RUNS) + ' rounds':<40}{'ms':>8}")
    for name in rounds[0]:
        print(f"{name:<40}{statistics.median(r[name] for r in rounds) * 1000:>8.1f}")


if __name__ == "__main__":
    main()
