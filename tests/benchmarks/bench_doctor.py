"""Doctor figures, printed side by side (never asserted: these machines are shared and noisy).

    python tests/benchmarks/bench_doctor.py

1. The doctor's wall time against the stand-ins with 100 ms added to every response, beside
   the longest chain of dependent requests it makes at that latency: two (discovery, then
   the authorization/JWKS/token probes; LibreChat's /oauth/openid, then its own
   authorization request), i.e. 2 x 100 ms (target: at most 1.3x: the probes run
   concurrently). The same chain measured with one plain httpx client is printed too.
2. The wall time with the LibreChat host black-holed (a port that accepts connections and
   never answers) against --timeout (target: at most timeout + 1 s).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS.parent)]

import httpx  # noqa: E402
import trustme  # noqa: E402
from conftest import fake_profile  # noqa: E402
from doctor_standins import BlackHole, healthy_pair  # noqa: E402

from tui.doctor import run, target_from_profile  # noqa: E402

LATENCY_S = 0.1
CHAIN = 2  # dependent requests in a row, the longest path through the run
RUNS = 7
BLACK_HOLE_TIMEOUT_S = 2.0


def _measure_chain(authelia_url, ca_file) -> float:
    """discovery, then one authorization request, with one client: the chain alone."""
    with httpx.Client(verify=_context(ca_file), follow_redirects=False) as client:
        start = time.perf_counter()
        client.get(authelia_url + "/.well-known/openid-configuration")
        client.get(authelia_url + "/api/oidc/authorization")
        return time.perf_counter() - start


def _context(ca_file):
    import ssl

    context = ssl.create_default_context()
    context.load_verify_locations(cafile=ca_file)
    return context


def _serve(ca_file: str, delay_s: float, conn) -> None:
    """The stand-ins in a process of their own, as Authelia and LibreChat are: their CPU
    (TLS handshakes, JSON) must not compete with the doctor's for one interpreter lock."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(ca_file)
    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    conn.send((authelia.url, profile._asdict()))
    while True:
        command = conn.recv()
        if command == "stop":
            break
        authelia.state.delay_s = librechat.state.delay_s = command
        conn.send("ok")
    authelia.stop()
    librechat.stop()


def main() -> None:
    import multiprocessing

    from tui.core.profile import Profile

    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        ours, theirs = multiprocessing.get_context("spawn").Pipe()
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(ca_file, LATENCY_S, theirs), daemon=True)
        server.start()
        try:
            authelia_url, values = ours.recv()
            profile = Profile(**values)
            target = target_from_profile(profile, ca_file)
            run(target, timeout=5.0)  # warm: imports, the system store, first contexts
            ours.send(LATENCY_S)
            ours.recv()
            walls, chains = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                findings = run(target, timeout=5.0)
                walls.append(time.perf_counter() - start)
                chains.append(_measure_chain(authelia_url, ca_file))
            bad = [f for f in findings if f.severity not in ("ok", "info")]
            assert not bad, bad
            wall, measured = statistics.median(walls), statistics.median(chains)
            nominal = CHAIN * LATENCY_S
            print(f"doctor, {LATENCY_S * 1000:.0f} ms per response: {wall * 1000:.0f} ms "
                  f"(median of {RUNS}, {len(findings)} findings) | longest chain "
                  f"{CHAIN} x {LATENCY_S * 1000:.0f} ms = {nominal * 1000:.0f} ms "
                  f"(measured alone: {measured * 1000:.0f} ms) | ratio "
                  f"{wall / nominal:.2f}x nominal, {wall / measured:.2f}x measured "
                  "(target <= 1.3x)")

            ours.send(0.0)
            ours.recv()
            hole = BlackHole()
            try:
                blocked = target._replace(app_url=hole.url)
                start = time.perf_counter()
                findings = run(blocked, timeout=BLACK_HOLE_TIMEOUT_S)
                wall = time.perf_counter() - start
            finally:
                hole.close()
            assert "librechat-unreachable" in [f.code for f in findings]
            print(f"LibreChat black-holed, --timeout {BLACK_HOLE_TIMEOUT_S:g}: "
                  f"{wall:.2f} s | target <= {BLACK_HOLE_TIMEOUT_S + 1:g} s")
        finally:
            ours.send("stop")
            server.join(timeout=10)


if __name__ == "__main__":
    main()
