"""The system clipboard, without ever putting the text in a command line.

A command's arguments are visible to every user in the process list (`ps`, /proc), so a
secret must not be one: pyperclip's KDE backend runs `qdbus ... setClipboardContents TEXT`.
Only backends that take the text on standard input are used, each run without a shell and
with a timeout:

- Wayland (WAYLAND_DISPLAY): `wl-copy`
- X11 (DISPLAY): `xclip -selection clipboard`, then `xsel --clipboard --input`
- macOS: `pbcopy`
- Windows, and WSL: `clip.exe`, given UTF-16 with a byte-order mark

Nothing else (no qdbus, klipper, gpaste-client, termux-clipboard-set). No Textual import:
the app adds OSC 52 for terminals over SSH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

DEFAULT_TIMEOUT = 2.0  # seconds per backend; a clipboard owner that hangs is killed

# name shown to the user, command line (without the text), encoding of the text
_WL_COPY = ("wl-copy", ("wl-copy",), "utf-8")
_XCLIP = ("xclip", ("xclip", "-selection", "clipboard"), "utf-8")
_XSEL = ("xsel", ("xsel", "--clipboard", "--input"), "utf-8")
_PBCOPY = ("pbcopy", ("pbcopy",), "utf-8")
_CLIP = ("clip.exe", ("clip.exe",), "utf-16-bom")


def _backends() -> list[tuple[str, tuple[str, ...], str]]:
    if sys.platform == "win32":
        return [_CLIP]
    if sys.platform == "darwin":
        return [_PBCOPY]
    backends = []
    if os.environ.get("WAYLAND_DISPLAY"):
        backends.append(_WL_COPY)
    if os.environ.get("DISPLAY"):
        backends += [_XCLIP, _XSEL]
    if os.environ.get("WSL_DISTRO_NAME"):
        backends.append(_CLIP)
    return backends


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-bom":  # clip.exe reads UTF-16 when the BOM says so
        return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    return text.encode(encoding, errors="replace")


def copy_to_system(text: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Put `text` on the system clipboard; the backend's name, or None if none worked."""
    for name, command, encoding in _backends():
        executable = shutil.which(command[0])
        if executable is None:
            continue
        try:
            # stdout/stderr to /dev/null, not pipes: xclip and wl-copy leave a child
            # serving the selection, which would hold a pipe open until the timeout.
            result = subprocess.run(
                [executable, *command[1:]], input=_encode(text, encoding),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout,
                check=False, shell=False, close_fds=True,
            )
        except (OSError, subprocess.SubprocessError):  # missing, not executable, timed out
            continue
        if result.returncode == 0:
            return name
    return None
