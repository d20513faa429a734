"""How long one verification takes at Authelia's default cost and at this tool's cap.

Prints, for each algorithm, the seconds of one verification at the default parameters and
at the cap (tui/core/digest.py explains the caps; they aim at about 10 s on a typical
machine). Asserts nothing. Run: .venv/bin/python tests/benchmarks/bench_digest_caps.py
(about two minutes; pass --quick to time a cost 8x under the cap and extrapolate).
"""

from __future__ import annotations

import sys
import time

from tui.core import digest

SECRET = "benchmark-secret-" + "b" * 55
QUICK = "--quick" in sys.argv

# (algorithm, params at the cap, how to scale the cap down by 8 for --quick)
AT_CAP = [
    ("pbkdf2-sha512", {"iterations": digest.PBKDF2_MAX["pbkdf2-sha512"]}, "iterations"),
    ("pbkdf2-sha384", {"iterations": digest.PBKDF2_MAX["pbkdf2-sha384"]}, "iterations"),
    ("pbkdf2-sha256", {"iterations": digest.PBKDF2_MAX["pbkdf2-sha256"]}, "iterations"),
    ("pbkdf2-sha224", {"iterations": digest.PBKDF2_MAX["pbkdf2-sha224"]}, "iterations"),
    ("pbkdf2-sha1", {"iterations": digest.PBKDF2_MAX["pbkdf2-sha1"]}, "iterations"),
    # the work cap at 1 GiB (the 2 GiB memory cap allows only 5 passes: the same work)
    ("argon2id", {"memory": 2**20, "iterations": digest.ARGON2_MAX_WORK // 2**20},
     "iterations"),
    ("scrypt", {"ln": 20, "block_size": 8, "parallelism": 2}, "ln"),
    ("bcrypt", {"cost": digest.BCRYPT_MAX_COST}, "cost"),
    ("sha512crypt", {"iterations": digest.SHACRYPT_MAX_ROUNDS}, "iterations"),
]


def seconds(value: str) -> float:
    start = time.perf_counter()
    assert digest.verify(SECRET, value)
    return time.perf_counter() - start


def scaled_down(params: dict[str, int], key: str) -> tuple[dict[str, int], float]:
    """Parameters with about 1/8 of the work, and the exact factor back to the cap."""
    if key in ("ln", "cost"):
        return {**params, key: params[key] - 3}, 8.0
    smaller = max(1, params[key] // 8)
    return {**params, key: smaller}, params[key] / smaller


def main() -> None:
    import os

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs (figures grow with the load)")
    print(f"{'algorithm':15} {'default':>9} {'at the cap':>11}  cap parameters")
    for algorithm, params, key in AT_CAP:
        default = seconds(digest.hash(SECRET, algorithm))
        if QUICK:
            smaller, factor = scaled_down(params, key)
            capped = seconds(digest.hash(SECRET, algorithm, **smaller)) * factor
        else:
            capped = seconds(digest.hash(SECRET, algorithm, **params))
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"{algorithm:15} {default:8.2f}s {capped:10.2f}s  {shown}"
              + ("  (extrapolated)" if QUICK else ""))


if __name__ == "__main__":
    main()
