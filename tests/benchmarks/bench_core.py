"""Core figures, printed side by side (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_core.py

1. `librechat-authelia render env` wall time against `python -c "import yaml"`
   (target: at most 1.5x).
2. The default pbkdf2-sha512 digest against raw hashlib.pbkdf2_hmac with the same
   parameters (target: at most 1.1x).
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
RUNS = 30


def _wall(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_render_env() -> tuple[float, float]:
    # An installed package has its bytecode compiled at install time; a checkout run
    # with PYTHONDONTWRITEBYTECODE would otherwise compile the sources on every call.
    package = Path(__file__).resolve().parents[2] / "tui"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "XDG_CONFIG_HOME": config}
        cli = [str(BIN / "librechat-authelia")]
        subprocess.run([*cli, "new", "bench", "--app-url", "https://chat.example.com",
                        "--auth-url", "https://auth.example.com"], env=env, check=True,
                       stderr=subprocess.DEVNULL)
        ours, baseline = [], []
        for _ in range(RUNS):  # interleaved, so drift hits both alike
            ours.append(_wall([*cli, "render", "env"], env))
            baseline.append(_wall([sys.executable, "-c", "import yaml"], env))
    return statistics.median(ours), statistics.median(baseline)


def bench_pbkdf2() -> tuple[float, float]:
    from tui.core import digest

    secret = "x" * 72
    digest.hash(secret, iterations=1000)  # load passlib before timing
    ours, raw = [], []
    for _ in range(7):
        start = time.perf_counter()
        digest.hash(secret)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        hashlib.pbkdf2_hmac("sha512", secret.encode(), os.urandom(16), 310000, 64)
        raw.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(raw)


def main() -> None:
    ours, baseline = bench_render_env()
    print(f"{'measure':<44}{'ours':>10}{'baseline':>10}{'ratio':>8}{'target':>8}")
    label = 'render env vs python -c "import yaml" (ms)'
    print(f"{label:<44}"
          f"{ours * 1000:>10.1f}{baseline * 1000:>10.1f}{ours / baseline:>8.2f}{'<=1.5':>8}")
    ours, raw = bench_pbkdf2()
    print(f"{'pbkdf2-sha512 310000 vs hashlib (ms)':<44}"
          f"{ours * 1000:>10.1f}{raw * 1000:>10.1f}{ours / raw:>8.2f}{'<=1.1':>8}")


if __name__ == "__main__":
    main()
