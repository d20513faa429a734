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


def write_new_private_file(path: Path, text: str) -> None:
    """Write a new 0600 file; FileExistsError if `path` exists, even if it appears meanwhile.

    The text goes to a temp file in the same directory first, then is hard-linked into place:
    a link never replaces a file, and nobody sees a half-written one. Where hard links are
    not allowed, an exclusive create does the same without the atomicity.
    """
    import errno
    import tempfile

    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory: add a file name")
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            _write_exclusive(path, text)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _write_exclusive(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
