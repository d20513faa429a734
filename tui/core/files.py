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
    link_exclusively(temp, os.fspath(path))


def link_exclusively(temp: str, name: str, *, dir_fd: int | None = None) -> None:
    """Give the file `temp` the name `name` only if nothing has that name yet
    (FileExistsError otherwise); both relative to `dir_fd` when given. `temp` may be left:
    the caller removes it (a FileNotFoundError then means it is gone already)."""
    try:
        os.link(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        # No hard links here: claim the name with O_EXCL, then move the content over it.
        # A reader may see the empty file for an instant; no writer can take the name.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(name, flags, 0o600, dir_fd=dir_fd))
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


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
    status = _writable_status(real, target, replace=overwrite or append)
    if not real.parent.is_dir():
        raise FileNotFoundError(f"the directory {target.parent} does not exist")
    data = text.encode("utf-8")
    if append and status is not None:
        old = read_regular_file(real, limit=_MAX_APPEND_BYTES)
        data = old + (b"\n" if old and not old.endswith(b"\n") else b"") + data
    write_private_file(real, data)
    return target


def _writable_status(real: Path, target: Path, *, replace: bool) -> os.stat_result | None:
    """The status of the file at `real` (None when there is none), if it may be written."""
    try:
        status = os.stat(real)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        raise WriteRefused(f"{target} is {file_kind(status.st_mode)}, not a regular file: "
                           "nothing was written")
    if not replace:
        raise FileExistsError(f"{target} already exists")
    return status


_MAX_APPEND_BYTES = 64 << 20


# Replacing a file someone else may be watching: one resolution, no symlink followed after it,
# temporary files only we create and only we clean up.

#: In the name of every temporary file `apply` creates: `.NAME.librechat-authelia-XXXXXXXX.tmp`.
TEMP_TAG = "librechat-authelia"
_MAX_LINKS = 40  # as the kernel's own limit on symlinks in one path
_PSEUDO_FILE_SYSTEMS = ("/proc", "/sys")
_STALE_AFTER = 2.0  # seconds: a temporary file younger than this may be a writer's


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def resolve_for_writing(path: Path) -> Path:
    """The file a write to `path` reaches, every symlink followed once, here and only here.

    A symlink is followed only when it was made by the user running us or by root, and it
    does not sit in a directory anyone may write to without the sticky bit (where anyone
    could have swapped it): otherwise WriteRefused, as for a dangling link, a loop (more than
    40 links), or a file under /proc or /sys. The result has no symlink in it; a missing
    last part (a file to create) is fine. Other OSErrors (a name too long, a directory that
    cannot be searched) come through as the system raised them.
    """
    from .shown import shown_path

    given = Path(path)
    pending = list((given if given.is_absolute() else Path.cwd() / given).parts[1:])
    pending.reverse()  # a stack: the next part last
    resolved = Path("/")
    links = 0
    last_link: Path | None = None  # a link that was the path's last part: its target's last
    while pending:
        part = pending.pop()
        if part in ("", "."):
            continue
        if part == "..":
            resolved = resolved.parent
            continue
        candidate = resolved / part
        try:
            status = os.lstat(candidate)
        except FileNotFoundError:
            return _missing_part(candidate, pending, last_link)
        if not stat.S_ISLNK(status.st_mode):
            resolved = candidate
            continue
        links += 1
        if links > _MAX_LINKS:
            raise WriteRefused(f"{shown_path(given)}: too many levels of symbolic links (a "
                               "loop?): nothing was written")
        _check_link(candidate, status)
        if not pending:
            last_link = candidate
        resolved = _push_link_target(candidate, resolved, pending)
    _refuse_pseudo_file(given, resolved)
    return resolved


def _missing_part(candidate: Path, pending: list[str], last_link: Path | None) -> Path:
    """The path to create when `candidate` does not exist, `pending` the parts after it."""
    from .shown import shown_path

    if last_link is not None and not pending:
        raise WriteRefused(f"{shown_path(last_link)} is a symbolic link to "
                           f"{shown_path(candidate)}, which does not exist: nothing "
                           "was written")
    return candidate.joinpath(*reversed(pending))


def _push_link_target(link: Path, resolved: Path, pending: list[str]) -> Path:
    """Put the parts of `link`'s target on the `pending` stack; where they start from."""
    target = os.readlink(link)
    if os.path.isabs(target):
        resolved = Path("/")
    pending.extend(reversed(Path(target).parts[1:] if os.path.isabs(target)
                            else Path(target).parts))
    return resolved


def _refuse_pseudo_file(given: Path, resolved: Path) -> None:
    from .shown import shown_path

    for top in _PSEUDO_FILE_SYSTEMS:
        if resolved == Path(top) or Path(top) in resolved.parents:
            raise WriteRefused(f"{shown_path(given)} is in {top}, a view of the running "
                               "system, not a file to edit: nothing was written")


def _check_link(link: Path, status: os.stat_result) -> None:
    from .shown import shown_path

    if status.st_uid not in (os.geteuid(), 0):
        raise WriteRefused(f"{shown_path(link)} is a symbolic link made by "
                           f"{_owner_name(status.st_uid)}, not by you or root: nothing is "
                           "written through it (replace the link with the file itself)")
    directory = os.stat(link.parent)
    if directory.st_mode & stat.S_IWOTH and not directory.st_mode & stat.S_ISVTX:
        raise WriteRefused(f"{shown_path(link)} is a symbolic link in a directory anyone can "
                           f"write to (mode {stat.S_IMODE(directory.st_mode):04o}, no sticky "
                           "bit), so anyone could have changed it: nothing is written through "
                           "it")


def open_directory(path: Path) -> int:
    """A descriptor of the directory `path` itself (never a symlink to one), for writing in
    it by name: later changes to the path do not move the writes elsewhere."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    return os.open(path, flags | getattr(os, "O_CLOEXEC", 0))


def temp_name(name: str) -> str:
    import secrets

    return f".{name[:100]}.{TEMP_TAG}-{secrets.token_hex(4)}.tmp"


def _temp_pattern(name: str):
    import re

    return re.compile(rf"\.{re.escape(name[:100])}\.{TEMP_TAG}-[0-9a-f]{{8}}\.tmp")


def create_temp(dir_fd: int, name: str) -> tuple[int, str]:
    """A new, empty temporary file for `name` in the directory: mode 0600, created with
    O_EXCL|O_NOFOLLOW (never an existing file or a symlink planted under its name), and
    locked (flock) while open, so `remove_stale_temps` can tell it is in use."""
    import fcntl

    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    for _ in range(100):
        temp = temp_name(name)
        try:
            fd = os.open(temp, flags, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a file system without flock: the age check in remove_stale_temps remains
        return fd, temp
    raise FileExistsError(f"cannot find a free temporary name for {name}")


def write_all(fd: int, data: bytes) -> None:
    """Every byte of `data` to `fd`, then fsync (a full disk raises here, not later)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def remove_stale_temps(dir_fd: int, name: str, started: float) -> list[str]:
    """Remove the temporary files a killed run of ours left for `name` (they may hold
    secrets): only names only we create, only files we own, last changed before `started`
    (and a few seconds ago: a writer locks its file an instant after creating it), and not
    locked by a writer still at work. Returns the names removed."""
    import fcntl
    import time

    started = min(started, time.time() - _STALE_AFTER)

    pattern = _temp_pattern(name)
    removed = []
    try:
        entries = os.listdir(dir_fd)
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry):
            continue
        try:
            status = os.stat(entry, dir_fd=dir_fd, follow_symlinks=False)
            if (not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid()
                    or status.st_mtime >= started):
                continue
            fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == status.st_ino:
                os.unlink(entry, dir_fd=dir_fd)
                removed.append(entry)
        except OSError:
            pass  # in use by a writer that is still running, or gone already
        finally:
            os.close(fd)
    return removed
