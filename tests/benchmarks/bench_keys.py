"""RSA signing key generation against `openssl genrsa`, printed side by side (never asserted).

    python tests/benchmarks/bench_keys.py [RUNS]

For each size in 2048, 3072, 4096: our `keys.new_signing_key(bits)` (generation, PEM
encoding and key ID, in this process) against `openssl genrsa BITS` (wall time, less the
median start-up time of `openssl version`, so both sides count only the work). Runs are
interleaved so drift on a shared machine hits both alike. RSA generation time varies a lot
from key to key (it searches for primes), hence the medians. Target: at most 1.2x.
The key material never leaves memory (openssl writes to /dev/null).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.keys import new_signing_key  # noqa: E402

RUNS = {2048: 15, 3072: 7, 4096: 5}
TARGET = 1.2


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _ours(bits: int) -> float:
    start = time.perf_counter()
    new_signing_key(bits)
    return time.perf_counter() - start


def main() -> int:
    openssl = shutil.which("openssl")
    if not openssl:
        print("openssl is not installed: nothing to compare with")
        return 1
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    new_signing_key(2048)  # import cryptography and warm up before timing
    startup = statistics.median(_wall([openssl, "version"]) for _ in range(15))
    print(f"openssl start-up (subtracted): {startup * 1000:.1f} ms")
    print(f"{'bits':>5}  {'runs':>4}  {'ours (median)':>14}  {'openssl genrsa':>14}  ratio")
    worst = 0.0
    for bits, runs in RUNS.items():
        ours, theirs = [], []
        for _ in range(runs * scale):
            ours.append(_ours(bits))
            theirs.append(max(_wall([openssl, "genrsa", "-out", "/dev/null", str(bits)])
                              - startup, 1e-6))
        mine, base = statistics.median(ours), statistics.median(theirs)
        worst = max(worst, mine / base)
        print(f"{bits:>5}  {runs * scale:>4}  {mine * 1000:>11.0f} ms  {base * 1000:>11.0f} ms  "
              f"{mine / base:.2f}x")
    print(f"worst ratio {worst:.2f}x (target <= {TARGET}x): "
          f"{'met' if worst <= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
