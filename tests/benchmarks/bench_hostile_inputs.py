"""Hostile user files, printed (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_hostile_inputs.py [--timeout SECONDS] [SHAPE ...]

Each shape is a small or large file someone may hand to `audit`: a 1 KB "billion laughs"
YAML, a .env with 20,000 distinct keys or one key 20,000 times, a 100 MB .env, a
configuration with 200,000 keys, a YAML file over the size cap, 10,001 templates, and the
parser's odd cases (a 100,000-digit integer, a quoted NUL, 3,000-deep nesting). Each runs
`python -m tui audit` in its own process, stopped after --timeout seconds (default 60);
the line shows the wall time, the process's peak memory (max RSS), its exit status and the
first line of what it wrote on stderr or the length of its longest output line.
Target: every shape answers within a few seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _clean_pair() -> tuple[str, str]:
    from tests.userfiles_helpers import clean_config, clean_env

    # Shapes add top-level keys at the end: before the document end marker.
    return clean_config().rstrip().removesuffix("...").rstrip("\n") + "\n", clean_env()


def billion_laughs(config: str, env: str) -> tuple[str, str]:
    """1 KB of anchors (9**9 strings once expanded), used by the LibreChat client."""
    lines = ['x_a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"x_{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    laughs = "\n".join(lines) + "\n"
    from tests.userfiles_helpers import librechat_client_set

    config = config.replace("---\n", "---\n" + laughs, 1)
    return librechat_client_set(config, "redirect_uris", "*i"), env


def env_distinct_keys(config: str, env: str) -> tuple[str, str]:
    return config, env + "".join(f"EXTRA_KEY_{i:05d}=value{i}\n" for i in range(20_000))


def env_duplicate_keys(config: str, env: str) -> tuple[str, str]:
    return config, env + "".join(f"EXTRA_KEY=value{i}\n" for i in range(20_000))


def env_100mb(config: str, env: str) -> tuple[str, str]:
    line = "EXTRA_KEY=" + "v" * 89 + "\n"  # 100 bytes
    return config, env + line * 1_000_000


def config_200k_keys(config: str, env: str) -> tuple[str, str]:
    return config + "".join(f"extra_key_{i:06d}: 'value'\n" for i in range(200_000)), env


def config_200k_client_keys(config: str, env: str) -> tuple[str, str]:
    from tests.userfiles_helpers import LIBRECHAT_CLIENT_LINE

    start = config.index(LIBRECHAT_CLIENT_LINE)
    end = config.index("\n", start) + 1
    extra = "".join(f"        extra_key_{i:06d}: 'value'\n" for i in range(200_000))
    return config[:end] + extra + config[end:], env


def yaml_17mb(config: str, env: str) -> tuple[str, str]:
    return config + ("# " + "x" * 97 + "\n") * 170_000, env


def templates_10001(config: str, env: str) -> tuple[str, str]:
    extra = "".join(f"extra_{i:05d}: '{{{{ env \"X{i}\" }}}}'\n" for i in range(10_001))
    return config + extra, env


def int_100k_digits(config: str, env: str) -> tuple[str, str]:
    return config + "extra_number: " + "9" * 100_000 + "\n", env


def quoted_nul(config: str, env: str) -> tuple[str, str]:
    return config + 'extra_text: "a\\0b\x00c"\n', env


def nesting_3000(config: str, env: str) -> tuple[str, str]:
    return config + "extra_nested: " + "[" * 3000 + "]" * 3000 + "\n", env


SHAPES = {f.__name__: f for f in (
    billion_laughs, env_distinct_keys, env_duplicate_keys, env_100mb, config_200k_keys,
    config_200k_client_keys, yaml_17mb, templates_10001, int_100k_digits, quoted_nul,
    nesting_3000)}


def run(config_path: Path, env_path: Path,
        timeout: float) -> tuple[float, float, int, str, str]:
    """(wall seconds, CPU seconds, peak RSS in KiB, exit status, a short note on the output)
    of one audit. CPU time is the steadier figure on a shared machine."""
    command = [sys.executable, "-m", "tui", "audit", "--authelia-config", str(config_path),
               "--env", str(env_path), "--librechat", "v0.8.1"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        status = "?"
        while True:
            pid, code, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                seconds = time.perf_counter() - started
                status = str(os.waitstatus_to_exitcode(code))
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                _, _, usage = os.wait4(process.pid, 0)
                seconds = time.perf_counter() - started
                status = f"killed after {timeout:.0f} s"
                break
            time.sleep(0.02)
        process.returncode = 0  # reaped above
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    longest = max((len(line) for line in stdout.splitlines()), default=0)
    note = stderr.strip().splitlines()[0][:160] if stderr.strip() else ""
    if not note:
        note = next((line for line in stdout.splitlines()
                     if "unreadable" in line or "duplicate" in line), "")[:160]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss, status, f"longest line {longest} chars; {note}"


def make(name: str, directory: str) -> None:
    """Write one shape's files (in a process of its own, so the measuring process stays
    small: a child starts with its parent's peak memory as its own)."""
    config_text, env_text = SHAPES[name](*_clean_pair())
    Path(directory, "configuration.yml").write_text(config_text)
    Path(directory, ".env").write_text(env_text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--make", nargs=2, metavar=("SHAPE", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("shapes", nargs="*", metavar="SHAPE", help=", ".join(SHAPES))
    args = parser.parse_args()
    unknown = [s for s in args.shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes: {', '.join(unknown)}")
    if args.make:
        make(*args.make)
        return
    print(f"{'shape':<24} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}  exit  note")
    for name in args.shapes or SHAPES:
        with tempfile.TemporaryDirectory() as directory:
            subprocess.run([sys.executable, __file__, "--make", name, directory], check=True)
            config_path = Path(directory, "configuration.yml")
            env_path = Path(directory, ".env")
            seconds, cpu, rss, status, note = run(config_path, env_path, args.timeout)
            print(f"{name:<24} {seconds:7.2f} {cpu:7.2f} {rss / 1024:8.1f}  {status:>4}  "
                  f"{note}", flush=True)


if __name__ == "__main__":
    main()
