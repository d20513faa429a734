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


class WriteRefused(OSError):
    """A path that write_snippet will not write to; the message (one line) says why."""


def expand_user_path(path: str | Path) -> Path:
    """`~`, `~user` and `$VAR` expanded; a clear WriteRefused for an empty path or a `~user`
    that does not exist (Path.expanduser raises RuntimeError there)."""
    raw = os.fspath(path)
    if not raw.strip():
        raise WriteRefused("no file name given: type the path of the file to write")
    raw = os.path.expandvars(raw)
    if raw.startswith("~"):
        expanded = os.path.expanduser(raw)
        if expanded.startswith("~"):  # left as it was: no such user, or no home
            user = raw[1:].split("/", 1)[0].split(os.sep, 1)[0]
            raise WriteRefused(f"there is no user named {user!r} (in {raw})" if user
                               else f"cannot find your home directory (in {raw})")
        raw = expanded
    return Path(raw)


def write_snippet(path: str | Path, text: str, *, overwrite: bool = False,
                  append: bool = False, default_name: str | None = None) -> Path:
    """Write a snippet where the user asked; refuse to replace a file unless told to.

    - A directory gets `default_name` inside it (IsADirectoryError without one).
    - An existing file raises FileExistsError, unless `overwrite` (replace it) or `append`
      (add the text after it, on a line of its own). A missing file is created either way.
    - Only regular files are written: a FIFO, device, socket or directory (or a symlink to
      one) raises WriteRefused and is left as it is. A symlink to a regular file is written
      through: the link stays, its target gets the text.
    - The write is atomic and the file ends up 0600 (snippets hold secrets).

    Returns the path written (as the user named it). Raises OSError subclasses with a
    one-line message: FileExistsError, IsADirectoryError, FileNotFoundError, WriteRefused,
    or the system's own error.
    """
    if overwrite and append:
        raise ValueError("write_snippet: overwrite or append, not both")
    target = expand_user_path(path)
    if target.is_dir():
        if not default_name:
            raise IsADirectoryError(f"{target} is a directory: add a file name")
        target = target / default_name
    real = Path(os.path.realpath(target))  # a symlink's target: the link itself is kept
    try:
        status = os.stat(real)
    except FileNotFoundError:
        status = None
    if status is not None:
        if not stat.S_ISREG(status.st_mode):
            raise WriteRefused(f"{target} is {file_kind(status.st_mode)}, not a regular file: "
                               "nothing was written")
        if not (overwrite or append):
            raise FileExistsError(f"{target} already exists")
    if not real.parent.is_dir():
        raise FileNotFoundError(f"the directory {target.parent} does not exist")
    data = text.encode("utf-8")
    if append and status is not None:
        old = read_regular_file(real, limit=_MAX_APPEND_BYTES)
        data = old + (b"\n" if old and not old.endswith(b"\n") else b"") + data
    write_private_file(real, data)
    return target


_MAX_APPEND_BYTES = 64 << 20
