"""Writing files that hold secrets: atomically, readable only by their owner."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_private_file(path: Path, text: str) -> None:
    """Temp file in the same directory, fsync, rename: never a half-written file.

    Mode 0600 from the first byte, since profiles and snippets hold secrets.
    """
    import tempfile

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_snippet(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write a snippet where the user asked; refuse to replace a file unless told to.

    Raises FileExistsError, or OSError with the system's reason.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a directory: add a file name")
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} already exists")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"the directory {target.parent} does not exist")
    write_private_file(target.resolve(), text)
    return target
