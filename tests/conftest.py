from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tui.core.profile import Profile

DATA = Path(__file__).parent / "data"
NODE_DIR = Path(__file__).parent / "node"
SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"

# Fixed fake values: no real secret ever lands in a test, snapshot or screenshot.
FAKE_CLIENT_ID = "fake-client-id-" + "x" * 57
FAKE_CLIENT_SECRET = "fake-client-secret-" + "s" * 53
FAKE_SESSION_SECRET = "fakeSessionSecret" + "S" * 47
# pbkdf2-sha512 of FAKE_CLIENT_SECRET with 1000 iterations (cheap for tests).
FAKE_DIGEST = (
    "$pbkdf2-sha512$1000$ZmFrZXNhbHRmYWtlc2FsdA$"
    "IauqXRbUrEQUl6yk6GQN0ttEhgwH15NklcBHl02vujbKcZJ19oqrAAB.jd4HOAx7bNyvg3gwI6XHUkWdg94boA"
)


FAKE_HMAC_SECRET = "fakeHmacSecret" + "H" * 50


def fake_profile(**changes) -> Profile:
    # provider "existing": the client alone, as every profile rendered before the provider
    # section existed.
    return Profile(
        provider="existing",
        client_id=FAKE_CLIENT_ID,
        client_secret=FAKE_CLIENT_SECRET,
        client_secret_digest=FAKE_DIGEST,
        session_secret=FAKE_SESSION_SECRET,
    ).with_changes(**changes)


@cache
def session_signing_key() -> tuple[str, str]:
    """One real RSA 2048 key (PEM, key_id) per test session: generation is slow.

    Never print it, and keep it out of test ids and snapshots.
    """
    from tui.core.keys import new_signing_key

    return new_signing_key(2048)


def masked(value):
    """`value` with every PEM key replaced by its digest: compare keys without printing them."""
    import hashlib

    if isinstance(value, str) and "PRIVATE KEY" in value:
        return f"<key sha256:{hashlib.sha256(value.encode()).hexdigest()[:16]}>"
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    if hasattr(value, "_fields"):  # a Profile
        return masked(dict(zip(value._fields, value, strict=True)))
    if isinstance(value, (list, tuple)):
        return type(value)(masked(v) for v in value)
    return value


def fake_provider_profile(**changes) -> Profile:
    """A provider "new" profile with the session's key and a fixed fake hmac secret."""
    pem, key_id = session_signing_key()
    return fake_profile(provider="new", hmac_secret=FAKE_HMAC_SECRET, signing_key=pem,
                        signing_key_id=key_id).with_changes(**changes)


# A homelab's own URLs: the app warns about the example ones (example.com) a new profile has.
HOME_URLS = {"app_url": "https://chat.home.arpa", "auth_url": "https://auth.home.arpa"}


def home_profile(**changes) -> Profile:
    """The fake profile with a homelab's URLs: what the app's tests open."""
    return fake_profile(**{**HOME_URLS, **changes})


def under_ci() -> bool:
    """True when the environment variable CI is set (to anything but "", "0" or "false")."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def require_node() -> tuple[str, str]:
    """The paths of `node` and `npm`; without them, skip the test, or fail it under CI.

    For every test that runs JavaScript (LibreChat's own libraries in tests/node): a
    developer without Node sees a skip with the reason, CI (`CI` set) a failure, so the
    interop tests cannot silently stop running there.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node, npm
    missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
    reason = f"{missing} not found: these tests run LibreChat's client library on Node.js"
    if under_ci():
        pytest.fail(f"{reason}; CI is set, so they must run (.ci/run installs Node.js)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_dir() -> Path:
    """tests/node with its locked packages installed (`npm ci`, nothing global)."""
    from filelock import FileLock

    _, npm = require_node()
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    # The suite's workers (pytest-xdist) each ask: one installs, the others wait for it.
    with FileLock(NODE_DIR / ".npm-ci.lock", timeout=600):
        if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
            result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                                    cwd=NODE_DIR, timeout=300, capture_output=True, text=True)
            if result.returncode != 0:
                pytest.fail(f"npm ci in tests/node failed:\n{result.stderr[-2000:]}",
                            pytrace=False)
    return NODE_DIR


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: two workers per core. The app's tests spend part of their time waiting
    for the event loop, a thread or a server; one worker per core left the cores idle a
    third of the time (5:07 against 4:02 for the suite on an idle two-core machine)."""
    return 2 * len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        2 * (os.cpu_count() or 1)


# The doctor's stand-ins (tests/doctor_standins.py): a test CA, its certificate in a file,
# and the healthy Authelia and LibreChat pair. A module adds to `pair` by overriding it
# with a fixture of the same name that takes this one.


@pytest.fixture(scope="module")
def ca():
    import trustme

    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def pair(ca):
    """The healthy Authelia and LibreChat stand-ins and the profile that matches them;
    both stopped after the test."""
    from doctor_standins import healthy_pair

    authelia, librechat, profile = healthy_pair(fake_profile, ca)
    yield authelia, librechat, profile
    authelia.stop()
    librechat.stop()


def save_as_last_used(profile: Profile, name: str = "home") -> None:
    """`profile` saved as the last-used one, for the CLI to find without --profile."""
    from tui.core.store import ProfileStore

    store = ProfileStore()
    store.save(name, profile)
    store.set_last_used(name)


@pytest.fixture
def profile() -> Profile:
    return fake_profile()


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path, monkeypatch):
    """Keep the developer's own profiles out of every test."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return config


@cache
def schema(version: str) -> dict:
    return json.loads((DATA / "authelia" / f"configuration.schema.v{version}.json").read_text())


def digest_vectors() -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / "authelia" / "digest-vectors.tsv").read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("algorithm\t"):
            continue
        algorithm, password, digest, _source = line.split("\t")
        rows.append((algorithm, password, digest))
    return rows


@pytest.fixture
def fixed_timing(monkeypatch):
    """One verification 'takes' 0.25 s, so screens and snapshots do not vary."""
    from tui.app import digests as app_module

    def measure(profile):
        from tui.core.checks import verify_digest_findings

        return verify_digest_findings(profile), 0.25

    monkeypatch.setattr(app_module, "measure_verification", measure)


@pytest.fixture
def no_system_clipboard(monkeypatch):
    """No clipboard command runs: as on a server reached over SSH."""
    from tui.core import sysclipboard

    monkeypatch.setattr(sysclipboard, "copy_to_system", lambda text, **kw: None)
    monkeypatch.delenv("TMUX", raising=False)


@pytest.fixture
def store(_isolated_config, fixed_timing, no_system_clipboard, no_debounce):
    """A store holding the fake profile 'home' (home_profile()), last used."""
    from tui.core.store import ProfileStore

    store = ProfileStore()
    store.save("home", home_profile())
    store.set_last_used("home")
    return store


def main_screen(app):
    """The app's main screen (below any dialog): the panes and the open profile's flows."""
    return app.screen_stack[0]


@pytest.fixture
def no_debounce(monkeypatch):
    """Typed secrets and costs are applied at the next tick, not after a pause."""
    from tui.app import digests
    from tui.app.panes import secrets

    monkeypatch.setattr(digests, "REHASH_DELAY", 0.001)  # a Timer of 0 divides by it
    monkeypatch.setattr(secrets, "COST_DELAY", 0.001)


SETTLE_TIMEOUT = 30.0  # seconds: far beyond any test's digest, key or check


async def settle(pilot, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the panes are mounted, background work has ended and its news is shown.

    Dialog workers are left alone: they wait for the user by design. Raises when that
    does not happen within `timeout` (a test must never go on with half-done work).
    """
    import asyncio
    import time

    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    await pilot.pause()
    while quiet < 2:  # twice in a row: news handled may have started more work
        main = main_screen(app) if app.screen_stack else None
        waiting = []
        if main is not None and not getattr(main, "panes_ready", True):
            waiting.append("the panes to be mounted")
        if main is not None and getattr(main, "busy", False):
            waiting.append("digest, key or check work")
        workers = [w for w in app.workers if w.group != "dialog" and w.is_running]
        if workers:
            waiting.append(f"workers {[w.name for w in workers]}")
        if not waiting:
            quiet += 1
            await pilot.pause()
            continue
        quiet = 0
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"settle: still waiting after {timeout:.0f} s for "
                                 + ", ".join(waiting))
        if workers:
            try:
                await asyncio.wait_for(app.workers.wait_for_complete(workers), left)
            except TimeoutError:
                pass  # said above, on the next round
        await pilot.pause(0.01)


async def wait_until(pilot, condition, what: str, timeout: float = 10.0):
    """Let the app run until `condition()` is true (returned); raises naming `what` if not."""
    import time

    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        await pilot.pause(0.01)
    return result


async def palette_shows(pilot, text: str) -> None:
    """Wait until the command palette's first suggestion contains `text` (its search runs
    in a worker, its results arrive in batches)."""
    def first() -> bool:
        lists = pilot.app.screen.query("CommandList")
        return bool(lists) and lists.first().option_count > 0 and \
            text.lower() in str(lists.first().get_option_at_index(0).prompt).lower()

    await wait_until(pilot, first, f"the palette to suggest {text!r}")


def pytest_collection_finish(session) -> None:
    """The suite starts some 330 Textual apps, each leaving thousands of objects: with
    Python's collector at its defaults (a collection every 700 allocations) a quarter of
    the app tests' CPU went to scanning them again and again. What is alive once the
    tests are collected is frozen (never scanned again), and the youngest generation is
    collected every 20,000 allocations (113 s against 86-94 s of CPU for two app test
    files). The app freezes what its own start leaves, too (tui/app/startup.py)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
