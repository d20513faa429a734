"""The system clipboard takes the text on stdin only: never in argv (the process list)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tui.core import sysclipboard
from tui.core.sysclipboard import copy_to_system

TEXT = "fake-client-secret-ünïcode\nsecond line"

STUB = """#!{python}
import json, os, sys, time
data = sys.stdin.buffer.read()
log = os.path.join(os.environ["STUB_LOG"], "{name}." + str(os.getpid()) + ".json")
with open(log, "w") as handle:
    json.dump({{"argv": sys.argv, "stdin": data.decode("latin-1")}}, handle)
time.sleep({sleep})
sys.exit({code})
"""


def _pretend_platform(monkeypatch, platform: str) -> None:
    """Only the module under test sees another platform (shutil.which keeps the real one)."""
    monkeypatch.setattr(sysclipboard, "sys", types.SimpleNamespace(platform=platform))


@pytest.fixture
def stubs(tmp_path, monkeypatch):
    """Make stub commands on an otherwise empty PATH; return (make, calls)."""
    bin_dir, log_dir = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    log_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("STUB_LOG", str(log_dir))
    for variable in ("WAYLAND_DISPLAY", "DISPLAY", "WSL_DISTRO_NAME"):
        monkeypatch.delenv(variable, raising=False)
    _pretend_platform(monkeypatch, "linux")

    def make(name: str, *, code: int = 0, sleep: float = 0) -> None:
        path = bin_dir / name
        path.write_text(STUB.format(python=sys.executable, name=name, code=code, sleep=sleep))
        path.chmod(0o755)

    def calls() -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for log in sorted(log_dir.iterdir()):
            found.setdefault(log.name.rsplit(".", 2)[0], []).append(json.loads(log.read_text()))
        return found

    return make, calls


def _assert_only_on_stdin(call: dict, expected: bytes) -> None:
    assert call["stdin"].encode("latin-1") == expected
    for argument in call["argv"]:
        assert "secret" not in argument and "second line" not in argument


def test_wayland_uses_wl_copy(stubs, monkeypatch):
    make, calls = stubs
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    make("wl-copy")
    make("xclip")
    assert copy_to_system(TEXT) == "wl-copy"
    [call] = calls()["wl-copy"]
    _assert_only_on_stdin(call, TEXT.encode())
    assert "xclip" not in calls()


def test_x11_uses_xclip_on_the_clipboard_selection(stubs, monkeypatch):
    make, calls = stubs
    monkeypatch.setenv("DISPLAY", ":0")
    make("xclip")
    assert copy_to_system(TEXT) == "xclip"
    [call] = calls()["xclip"]
    assert call["argv"][1:] == ["-selection", "clipboard"]
    _assert_only_on_stdin(call, TEXT.encode())


def test_a_failing_backend_falls_back_to_the_next(stubs, monkeypatch):
    make, calls = stubs
    monkeypatch.setenv("DISPLAY", ":0")
    make("xclip", code=1)
    make("xsel")
    assert copy_to_system(TEXT) == "xsel"
    [call] = calls()["xsel"]
    assert call["argv"][1:] == ["--clipboard", "--input"]
    _assert_only_on_stdin(call, TEXT.encode())


def test_a_hanging_backend_is_killed_after_the_timeout(stubs, monkeypatch):
    make, calls = stubs
    monkeypatch.setenv("DISPLAY", ":0")
    make("xclip", sleep=60)
    make("xsel")
    assert copy_to_system(TEXT, timeout=1.0) == "xsel"


def test_argv_backends_are_never_used(stubs, monkeypatch):
    make, calls = stubs
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    for name in ("qdbus", "qdbus6", "klipper", "gpaste-client", "termux-clipboard-set"):
        make(name)
    assert copy_to_system(TEXT) is None
    assert calls() == {}


def test_no_backend_at_all(stubs, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    assert copy_to_system(TEXT) is None


def test_without_a_display_nothing_is_tried(stubs):
    make, calls = stubs
    make("xclip")
    make("wl-copy")
    assert copy_to_system(TEXT) is None and calls() == {}


def test_macos_uses_pbcopy(stubs, monkeypatch):
    make, calls = stubs
    _pretend_platform(monkeypatch, "darwin")
    make("pbcopy")
    assert copy_to_system(TEXT) == "pbcopy"
    _assert_only_on_stdin(calls()["pbcopy"][0], TEXT.encode())


@pytest.mark.parametrize(("platform", "name", "env"),
                         [("win32", "clip.exe", {}),
                          ("linux", "clip.exe", {"WSL_DISTRO_NAME": "x"})])
def test_windows_and_wsl_use_clip_with_utf16(stubs, monkeypatch, platform, name, env):
    make, calls = stubs
    _pretend_platform(monkeypatch, platform)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    make(name)
    assert copy_to_system(TEXT) == "clip.exe"
    _assert_only_on_stdin(calls()[name][0], "\ufeff".encode("utf-16-le")
                          + TEXT.encode("utf-16-le"))


def test_no_shell_and_a_bounded_run(stubs, monkeypatch):
    make, _ = stubs
    monkeypatch.setenv("DISPLAY", ":0")
    make("xclip")
    seen = []
    real_run = subprocess.run

    def spy(argv, **kwargs):
        seen.append((argv, kwargs))
        return real_run(argv, **kwargs)

    monkeypatch.setattr(sysclipboard.subprocess, "run", spy)
    copy_to_system(TEXT)
    [(argv, kwargs)] = seen
    assert isinstance(argv, list) and Path(argv[0]).name == "xclip"
    assert not kwargs.get("shell") and kwargs["timeout"] > 0
    assert TEXT not in argv and TEXT not in os.environ.values()


def test_the_module_does_not_import_textual():
    code = ("import sys, tui.core.sysclipboard\n"
            "assert 'textual' not in sys.modules and 'pyperclip' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
