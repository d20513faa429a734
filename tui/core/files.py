"""Writing files that hold secrets: atomically, readable only by their owner."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

# Errors of os.link on a file system without hard links (FAT, some FUSE and network mounts).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.ENOSYS,
                  errno.EMLINK}


def write_private_file(path: Path, text: str | bytes, *, exclusive: bool = False) -> None:
    """Temp file in the same directory, fsync, rename: never a half-written file.

    Mode 0600 from the first byte, since profiles and snippets hold secrets. With
    `exclusive`, the file is created only if nothing has that name yet (FileExistsError
    otherwise): the temp file is hard-linked to the name, which fails atomically when the
    name is taken, so two writers can never both "create" it.
    """
    import tempfile

    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            _link_exclusively(temp, path)
        else:
            os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _link_exclusively(temp: str, path: Path) -> None:
    try:
        os.link(temp, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: claim the name with O_EXCL, then move the content over it.
        # A reader may see the empty file for an instant; no writer can take the name.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(temp, path)


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a directory"), (stat.S_ISLNK, "a symbolic link"))


def file_kind(mode: int) -> str:
    """'a named pipe (FIFO)', 'a character device', ... for a non-regular file's st_mode."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a special file"


class NotRegularFile(OSError):
    """The path is a FIFO, device, socket or directory: never opened, read or replaced."""

    def __init__(self, path: Path | str, mode: int) -> None:
        self.kind = file_kind(mode)
        super().__init__(f"{path} is {self.kind}, not a regular file")


def read_regular_file(path: Path, *, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit` of them; never blocks on a FIFO.

    stat first, so a FIFO or device is not even opened; the open is non-blocking and
    checked again with fstat, in case the file was swapped in between.
    Raises NotRegularFile, FileTooLarge, or the OSError of the system.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFile(path, status.st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFile(path, status.st_mode)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"{path} is too large (over {limit} bytes)")
    return data


class FileTooLarge(OSError):
    pass


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
