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
    from tui.core.provider import new_signing_key

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
    _, npm = require_node()
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                                cwd=NODE_DIR, timeout=300, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"npm ci in tests/node failed:\n{result.stderr[-2000:]}", pytrace=False)
    return NODE_DIR


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
def store(_isolated_config, fixed_timing, no_system_clipboard):
    """A store holding the fake profile 'home' (home_profile()), last used."""
    from tui.core.store import ProfileStore

    store = ProfileStore()
    store.save("home", home_profile())
    store.set_last_used("home")
    return store


async def settle(pilot) -> None:
    """Let hashing and verification finish and the screen catch up.

    Dialog workers are left alone: they wait for the user by design.
    """
    await pilot.pause()
    for _ in range(50):  # the app builds its other panes after the first screen
        if getattr(pilot.app, "panes_ready", True):
            break
        await pilot.pause()
    busy = [w for w in pilot.app.workers if w.group != "dialog" and w.is_running]
    if busy:  # an empty list would mean "all workers" to wait_for_complete
        await pilot.app.workers.wait_for_complete(busy)
    for _ in range(400):  # digest, key and check threads (tui/app/background.py): ~20 s
        if not getattr(pilot.app, "background_busy", False):
            break
        await pilot.pause(0.05)
    await pilot.pause()
