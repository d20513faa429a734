"""The doctor's peak memory against hostile servers, printed (never asserted: these machines
are shared and noisy).

    python tests/benchmarks/bench_doctor_memory.py [--tree DIR]

--tree runs the doctor of another checkout (a directory holding `tui/`, e.g. from
`git archive OLD tui | tar -x -C DIR`), for a before-and-after figure.

Each case runs the whole CLI (`python -m tui doctor --env ... --format json`) as a child
process against the HTTPS stand-ins on 127.0.0.1 and prints the child's peak resident set
(ru_maxrss from os.wait4, so one figure per child) and its wall time:

- healthy: the stand-ins as they should be (the baseline);
- 1 GiB body: discovery, /api/config and /oauth/openid each answer an endless body of
  1 GiB (sent until the doctor hangs up);
- gzip bomb: the same three answer 1 GiB of zeros gzipped (about 1 MB on the wire) with
  Content-Encoding: gzip;
- double gzip bomb: the same, gzipped twice (Content-Encoding: gzip, gzip).

Target: under 200 MB each; the run ends within 2 x timeout + 1 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
sys.path[:0] = [str(TESTS), str(ROOT)]

import trustme  # noqa: E402
from conftest import fake_profile  # noqa: E402
from doctor_standins import Raw, endless, gzip_bomb, healthy_pair  # noqa: E402

TIMEOUT_S = 5.0
TARGET_MB = 200
HOSTILE_PATHS = (("authelia", "/.well-known/openid-configuration"),
                 ("librechat", "/api/config"), ("librechat", "/oauth/openid"))


def _case(authelia, librechat, raw) -> None:
    for server in (authelia, librechat):
        server.state.raw.clear()
    if raw is None:
        return
    for which, path in HOSTILE_PATHS:
        (authelia if which == "authelia" else librechat).state.raw[path] = raw


def _doctor(env_file: str, ca_file: str, tree: Path) -> tuple[int, float, float, str]:
    """(exit status, peak RSS in MB, wall seconds, codes) of one doctor run."""
    import json

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "doctor", "--env", env_file, "--ca-file", ca_file,
         "--timeout", str(TIMEOUT_S), "--format", "json"],
        cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = child.stdout.read()
    child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    try:
        codes = sorted({f["code"] for f in json.loads(out)["findings"]
                        if f["severity"] == "error"})
    except ValueError:
        codes = ["(no JSON: " + out[:80].decode(errors="replace") + ")"]
    return child.returncode, usage.ru_maxrss / 1024, wall, ", ".join(codes) or "no errors"


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="where tui/ is (default: here)")
    tree = parser.parse_args().tree
    ca = trustme.CA()
    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    bomb = gzip_bomb(1 << 30)
    double = gzip_bomb(1 << 30, layers=2)
    cases = [
        ("healthy", None),
        ("1 GiB body", Raw(200, endless(1 << 30))),
        (f"gzip bomb ({len(bomb) / 1e6:.2f} MB -> 1 GiB)",
         Raw(200, bomb, {"Content-Encoding": "gzip"})),
        (f"double gzip bomb ({len(double) / 1e3:.1f} KB -> 1 GiB)",
         Raw(200, double, {"Content-Encoding": "gzip, gzip"})),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = os.path.join(tmp, "ca.pem")
        ca.cert_pem.write_to_path(ca_file)
        env_file = os.path.join(tmp, ".env")
        Path(env_file).write_text(
            f"DOMAIN_SERVER={profile.app_url}\nOPENID_ISSUER={profile.auth_url}\n"
            f"OPENID_CLIENT_ID={profile.client_id}\n"
            f"OPENID_CLIENT_SECRET={profile.client_secret}\n"
            f"OPENID_SCOPE={' '.join(profile.effective_scopes)}\n")
        print(f"doctor of {tree}/tui, --timeout {TIMEOUT_S:g} (deadline {2 * TIMEOUT_S + 1:g} s), "
              f"target peak RSS < {TARGET_MB} MB")
        print(f"{'case':<40} {'exit':>4} {'peak RSS':>10} {'wall':>8}  errors")
        try:
            for name, raw in cases:
                _case(authelia, librechat, raw)
                status, peak, wall, codes = _doctor(env_file, ca_file, tree)
                print(f"{name:<40} {status:>4} {peak:>7.1f} MB {wall:>6.2f} s  {codes}")
        finally:
            authelia.stop()
            librechat.stop()


if __name__ == "__main__":
    main()
