"""The files the doctor reads (--env, --ca-file, the profile's CA file) go through the guard
for the user's files: a FIFO or a device is never opened, a huge file is never read whole;
each is one line and exit 2, within seconds.

Each run is a subprocess with a memory limit and a timeout, so a doctor that read
/dev/zero or waited on a FIFO fails the test instead of taking the machine down.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import FAKE_CLIENT_ID

MEMORY_LIMIT = 1 << 30  # the doctor needs about 60 MB


def _limited():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def doctor(*args):
    result = subprocess.run([sys.executable, "-m", "tui", "doctor", "--timeout", "1", *args],
                            capture_output=True, text=True, timeout=30, preexec_fn=_limited)
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DOMAIN_SERVER=https://127.0.0.1:9\nOPENID_ISSUER=https://127.0.0.1:9\n"
                    f"OPENID_CLIENT_ID={FAKE_CLIENT_ID}\n")
    return str(path)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return str(path)


@pytest.fixture
def huge(tmp_path):
    path = tmp_path / "huge"
    with open(path, "wb") as handle:  # 2 MB, sparse
        handle.truncate(2 << 20)
    return str(path)


def _one_line(status, out, err, *words):
    assert status == 2 and out == "", (status, out, err)
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("which, words", [
    ("/dev/zero", ["--env /dev/zero", "a character device", "not read"]),
    ("fifo", ["named pipe (FIFO)", "not read"]),
    ("huge", ["larger than 1 MB"]),
])
def test_env_is_read_through_the_guard(which, words, fifo, huge):
    path = {"fifo": fifo, "huge": huge}.get(which, which)
    _one_line(*doctor("--env", path), *words)


@pytest.mark.parametrize("which, words", [
    ("/dev/zero", ["CA file /dev/zero", "a character device", "not read"]),
    ("fifo", ["named pipe (FIFO)", "not read"]),
    ("huge", ["larger than 1 MB"]),
])
def test_the_ca_file_is_read_through_the_guard(which, words, env_file, fifo, huge):
    path = {"fifo": fifo, "huge": huge}.get(which, which)
    _one_line(*doctor("--env", env_file, "--ca-file", path), *words)


def test_the_profiles_ca_file_is_read_through_the_guard(fifo):
    from conftest import fake_profile

    from tui.core.store import ProfileStore

    store = ProfileStore()
    store.save("home", fake_profile(ca_file=fifo))
    store.set_last_used("home")
    _one_line(*doctor(), "named pipe (FIFO)")


def test_a_path_with_controls_is_shown_escaped(tmp_path):
    path = tmp_path / "a\x1b[2Jb\nc"
    os.mkfifo(path)
    status, out, err = doctor("--env", str(path))
    _one_line(status, out, err, "a\\x1b[2Jb\\x0ac")
    assert "\x1b" not in err


def test_a_ca_file_with_text_around_the_certificate_still_loads(tmp_path, env_file):
    import trustme

    from tui.doctor.target import check_ca_file

    path = tmp_path / "ca.pem"
    path.write_bytes("Zertifikat für München\n".encode() + trustme.CA().cert_pem.bytes())
    check_ca_file(str(path))  # no TargetError
