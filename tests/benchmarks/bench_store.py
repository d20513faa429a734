"""Store figures, printed (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_store.py

What the hardening costs per call: `save` now validates every value (dump, load, compare)
and takes the profile's lock; `load_with_stamp` hashes the bytes it read. Baseline: the
bare atomic write of the same text (temp file, fsync, rename).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import fake_profile  # noqa: E402

from tui.core.files import write_private_file  # noqa: E402
from tui.core.profile import profile_to_dict  # noqa: E402
from tui.core.store import ProfileStore, validate_profile  # noqa: E402
from tui.core.yamlio import dump_yaml  # noqa: E402

RUNS = 200


def _median_ms(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    profile = fake_profile(checklist=("login", "env"))
    text = dump_yaml(profile_to_dict(profile))
    with tempfile.TemporaryDirectory() as config:
        store = ProfileStore(Path(config))
        store.save("bench", profile)
        bare = Path(config) / "bare.yaml"
        figures = {
            "bare atomic write (baseline)": _median_ms(lambda: write_private_file(bare, text)),
            "validate_profile only": _median_ms(lambda: validate_profile("bench", profile)),
            "store.save": _median_ms(lambda: store.save("bench", profile)),
            "store.load": _median_ms(lambda: store.load("bench")),
            "store.load_with_stamp": _median_ms(lambda: store.load_with_stamp("bench")),
            "store.names (1 profile)": _median_ms(store.names),
        }
    for name, value in figures.items():
        print(f"{name:32} {value:7.3f} ms (median of {RUNS})")


if __name__ == "__main__":
    main()
