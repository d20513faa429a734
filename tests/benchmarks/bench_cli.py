"""CLI start-up, printed (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_cli.py [RUNS]

`python -m tui render env --profile P`, and the same through the installed
`librechat-authelia` script, against `python -c "import yaml, platformdirs"` (target: at
most 1.3x), run in turn (A B C A B C ...) so that drift hits all alike. For each run it
takes the CPU time (user + system, the kernel's accounting of the finished child) and the
wall time, and prints the medians of each and of the run-by-run ratios to the baseline, and
the ratio of the fastest runs. CPU time is the steadier figure on a shared machine; wall
time is what a user waits.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
ROOT = Path(__file__).resolve().parents[2]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(cpu seconds, wall seconds) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    # An installed package has its bytecode compiled at install time; compile the checkout
    # too, or every run would compile the sources again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    commands = {
        "python -m tui render env": [sys.executable, "-m", "tui", "render", "env",
                                     "--profile", "bench"],
        "librechat-authelia render env": [str(Path(sys.executable).parent
                                              / "librechat-authelia"),
                                          "render", "env", "--profile", "bench"],
        "baseline": [sys.executable, "-c", "import yaml, platformdirs"],
    }
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "XDG_CONFIG_HOME": config}
        subprocess.run([sys.executable, "-m", "tui", "new", "bench", "--app-url",
                        "https://chat.example.com", "--auth-url", "https://auth.example.com"],
                       env=env, check=True, stderr=subprocess.DEVNULL, cwd=ROOT)
        for command in commands.values():  # warm the page cache
            _run(command, env)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(RUNS):
            for name, command in commands.items():
                runs[name].append(_run(command, env))
    base = runs["baseline"]
    print(f"{RUNS} runs each, in turn; medians (ms), ratio to the baseline (target <= 1.3)")
    print(f"{'command':<32}{'cpu':>8}{'wall':>8}{'cpu x':>8}{'wall x':>8}{'min cpu x':>11}")
    for name, figures in runs.items():
        cpu, wall = (statistics.median(f[i] for f in figures) * 1000 for i in (0, 1))
        ratios = [statistics.median(f[i] / b[i] for f, b in zip(figures, base, strict=True))
                  for i in (0, 1)]
        fastest = min(f[0] for f in figures) / min(b[0] for b in base)
        print(f"{name:<32}{cpu:>8.1f}{wall:>8.1f}{ratios[0]:>8.2f}{ratios[1]:>8.2f}"
              f"{fastest:>11.2f}")


if __name__ == "__main__":
    main()
