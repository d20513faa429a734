"""Profiles on disk: one YAML file each under the user config dir, written atomically.

What the store promises (docs/threat-model.md lists the tests that hold it to each):

- Files: `profiles/NAME.yaml`, mode 0600, in directories created 0700 whatever the umask.
  A symlinked directory's mode is never changed; a read-only profiles directory stays
  read-only and saving says it is impossible. `permission_warnings(name)` says when the
  profile or its directories can be read by others.
- Writes are atomic (temp file, fsync, rename), so a crash never leaves half a profile, and
  every value is validated first (`validate_profile`): what `save` accepts, `load` returns
  equal. A profile that is a symlink is written through to its target, the link kept.
- Every load failure is one `ProfileCorrupt("FILE: problem")`; a FIFO, device or socket is
  never opened for reading.
- Names: letters, digits, '-', '_' and '.', not starting with a dot, at most
  NAME_MAX_LENGTH characters.

Lost updates (several programs on one profile: the app open, the CLI in a shell):

- `save(name, profile, overwrite=False)` creates exclusively: of two creators exactly one
  wins, the other gets ProfileExists ("already exists").
- Every write (save, delete, rename) holds an advisory lock, `profiles/.NAME.lock`
  (flock), waiting at most `lock_timeout` seconds, then StoreError.
- `load_with_stamp(name) -> (Profile, Stamp)`, then `save(name, profile, expected=stamp)`
  (or `save_with_stamp(...) -> Stamp`, giving the stamp for the next save) raises
  ProfileChangedOnDisk when the file was changed or deleted since it was loaded. A stamp
  is the SHA-256 of the file's bytes: a rewrite with identical content is no change, since
  it cannot lose an update. `stamp(name)` gives the current one (None: no file).
  `load` and `save` without `expected` work as before.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections import namedtuple
from pathlib import Path

import yaml

from .fields import is_secret_field
from .files import FileTooLarge, NotRegularFile, read_regular_file, write_private_file
from .inputerror import InputError
from .profile import Profile, ProfileFormatError, profile_from_dict, profile_to_dict
from .yamlio import dump_yaml, load_yaml

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

APP_NAME = "librechat-authelia"
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# Well under NAME_MAX (255) with room for ".yaml", the temp files' ".NAME.yaml.XXXXXXXX.tmp"
# and the lock file.
NAME_MAX_LENGTH = 100
_NAME_RULE = "use letters, digits, '-', '_' and '.'"
_LAST_USED = "last-profile"
_MAX_PROFILE_BYTES = 1 << 20  # a profile is a few hundred bytes; refuse to read a huge file
LOCK_TIMEOUT = 5.0


class StoreError(InputError):
    """A profile that cannot be found, read, named or written; the message says which."""


class ProfileNotFound(StoreError):
    pass


class ProfileExists(StoreError):
    pass


class ProfileCorrupt(StoreError):
    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ProfileChangedOnDisk(StoreError):
    """The profile's file changed (or was deleted) since the caller loaded it."""

    def __init__(self, name: str, *, deleted: bool) -> None:
        self.name = name
        self.deleted = deleted
        what = "was deleted" if deleted else "was changed by another program"
        super().__init__(
            f"profile {name!r} {what} since it was loaded: not saved (reload it, or save "
            "under another name)"
        )


class Stamp(namedtuple("Stamp", "sha256")):
    """What a profile's file held when it was read or written; compare with ==."""

    __slots__ = ()


def _stamp_of(data: bytes) -> Stamp:
    import hashlib

    return Stamp(hashlib.sha256(data).hexdigest())


def default_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def _name_problem(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return f"a profile needs a name: {_NAME_RULE}"
    if len(name) > NAME_MAX_LENGTH:
        return f"profile name is too long ({len(name)} characters; at most {NAME_MAX_LENGTH})"
    if not _NAME.fullmatch(name):
        return f"profile name {name!r} is not allowed: {_NAME_RULE}"
    if name.startswith("."):
        return (f"profile name {name!r} is not allowed: it must not start with a dot (a "
                f"hidden file); {_NAME_RULE}")
    return None


def validate_name(name: str) -> str:
    problem = _name_problem(name)
    if problem:
        raise StoreError(problem)
    return name


def _describe_bad_character(field: str, value: str, index: int, reason: str) -> str:
    if is_secret_field(field):
        return f"{field} contains {reason}"  # not even one character of a secret
    char = value[index]
    shown = f"\\x{ord(char) - 0xDC00:02x}" if 0xDC80 <= ord(char) <= 0xDCFF \
        else repr(char)[1:-1]
    return f"{field} contains {reason} ({shown}) at character {index + 1}"


def _text_problem(field: str, value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        char = value[error.start]
        reason = ("a byte that is not valid UTF-8" if 0xDC80 <= ord(char) <= 0xDCFF
                  else "a lone surrogate, which is not text")
        return _describe_bad_character(field, value, error.start, reason)
    if "\x00" in value:
        return _describe_bad_character(field, value, value.index("\x00"), "a NUL character")
    if "\x85" in value:  # YAML reads NEL back as a line break: it would be lost
        return _describe_bad_character(field, value, value.index("\x85"),
                                       "a NEL line break (U+0085)")
    return None


def _value_problem(field: str, value: object) -> str | None:
    default = Profile._field_defaults[field]
    if isinstance(default, bool):
        return None if isinstance(value, bool) else f"{field} must be true or false"
    if isinstance(default, tuple):
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            return f"{field} must be a list of strings"
        for item in value:
            problem = _text_problem(field, item)
            if problem:
                return problem
        return None
    if isinstance(default, int):  # key_bits
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{field} must be a whole number"
    if not isinstance(value, str):
        return f"{field} must be a string"
    return _text_problem(field, value)


def validate_profile(name: str, profile: Profile) -> str:
    """The profile's file text, once sure that loading it gives the same profile back.

    Raises StoreError naming the first field that cannot be stored (never a secret's value).
    """
    for field, value in zip(profile._fields, profile, strict=True):
        problem = _value_problem(field, value)
        if problem:
            raise StoreError(f"cannot save profile {name!r}: {problem}")
    text = dump_yaml(profile_to_dict(profile))
    back = profile_from_dict(load_yaml(text))
    for field, before, after in zip(profile._fields, profile, back, strict=True):
        if before != after:  # e.g. NEL (U+0085), which YAML reads back as a space
            raise StoreError(
                f"cannot save profile {name!r}: {field} would not read back the same")
    return text


def _one_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _parse(path: Path, data: bytes) -> Profile:
    try:
        parsed = load_yaml(data.decode("utf-8"))
        return profile_from_dict(parsed)
    except UnicodeDecodeError as error:
        raise ProfileCorrupt(path, f"cannot be read: {error}") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ProfileCorrupt(path, f"is not valid YAML{line}: {_one_line(problem)}") from None
    except ProfileFormatError as error:
        raise ProfileCorrupt(path, _one_line(error)) from None
    except RecursionError:
        raise ProfileCorrupt(path, "cannot be read: it is nested too deeply") from None
    except Exception as error:  # noqa: BLE001 - any failure of a hand-edited file is one line
        # ValueError (2020-13-45 as a date, an integer of 5000 digits), TypeError, ...
        raise ProfileCorrupt(path, f"cannot be read: {_one_line(error)}") from None


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1  # Windows: no owners to compare


def _make_private(directory: Path, *, created: bool) -> None:
    """0700 for a directory we created (the umask may have taken bits off); for an existing
    one of ours, only take group and other bits away (a read-only one stays read-only).

    Through a file descriptor opened with O_NOFOLLOW: a symlinked directory, say one
    pointing at a shared 1777 directory, keeps its mode.
    """
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return  # a symlink (ELOOP), or not ours to open
    try:
        status = os.fstat(fd)
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != _euid():
            return
        mode = stat.S_IMODE(status.st_mode)
        wanted = 0o700 if created else mode & ~0o077
        if mode != wanted:
            os.fchmod(fd, wanted)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class ProfileStore:
    def __init__(self, config_dir: Path | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir else default_config_dir()
        self.profiles_dir = self.config_dir / "profiles"
        self.lock_timeout = LOCK_TIMEOUT

    def path(self, name: str) -> Path:
        return self.profiles_dir / f"{validate_name(name)}.yaml"

    def names(self) -> list[str]:
        """Valid names of the profile files (regular files, or links to them); sorted."""
        try:
            entries = list(os.scandir(self.profiles_dir))
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            raise StoreError(f"{self.profiles_dir} is not a directory") from None
        except OSError as error:
            raise StoreError(f"cannot read the profiles directory {self.profiles_dir}: "
                             f"{error.strerror or error}") from None
        names = []
        for entry in entries:
            stem = entry.name[:-len(".yaml")] if entry.name.endswith(".yaml") else ""
            if stem and _name_problem(stem) is None:
                try:
                    if entry.is_file():
                        names.append(stem)
                except OSError:
                    continue
        return sorted(names)

    def exists(self, name: str) -> bool:
        path = self.path(name)
        try:
            return stat.S_ISREG(os.stat(path).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as error:
            raise StoreError(f"cannot read {path}: {error.strerror or error}") from None

    # Reading ------------------------------------------------------------------------------

    def load(self, name: str) -> Profile:
        # Not load_with_stamp(name)[0]: hashing would load hashlib (OpenSSL), a tenth of
        # `render env`'s start-up, for a stamp nobody asked for.
        path = self.path(name)
        return _parse(path, self._read(name, path))

    def load_with_stamp(self, name: str) -> tuple[Profile, Stamp]:
        """The profile and the stamp to pass to `save(..., expected=stamp)`."""
        path = self.path(name)
        data = self._read(name, path)
        return _parse(path, data), _stamp_of(data)

    def stamp(self, name: str) -> Stamp | None:
        """The stamp of the file as it is now; None when there is no such profile."""
        path = self.path(name)
        try:
            return _stamp_of(self._read(name, path))
        except ProfileNotFound:
            return None

    def _read(self, name: str, path: Path) -> bytes:
        try:
            return read_regular_file(path, limit=_MAX_PROFILE_BYTES)
        except FileNotFoundError:
            raise ProfileNotFound(f"there is no profile named {name!r} ({path})") from None
        except NotRegularFile as error:
            raise ProfileCorrupt(path, f"is {error.kind}, not a regular file: not read") \
                from None
        except FileTooLarge:
            raise ProfileCorrupt(path, f"is too large to be a profile (over "
                                       f"{_MAX_PROFILE_BYTES} bytes): not read") from None
        except OSError as error:
            raise ProfileCorrupt(path, f"cannot be read: {error.strerror or error}") from None

    # Writing ------------------------------------------------------------------------------

    def save(self, name: str, profile: Profile, *, overwrite: bool = True,
             expected: Stamp | None = None) -> Path:
        """Write the profile; see the module's docstring for `overwrite` and `expected`."""
        self.save_with_stamp(name, profile, overwrite=overwrite, expected=expected)
        return self.path(name)

    def save_with_stamp(self, name: str, profile: Profile, *, overwrite: bool = True,
                        expected: Stamp | None = None) -> Stamp:
        """Like `save`, returning the stamp of what was written (for the next save)."""
        path = self.path(name)
        data = validate_profile(name, profile).encode("utf-8")
        with self.lock(name):
            if expected is not None:
                current = self.stamp(name)
                if current != expected:
                    raise ProfileChangedOnDisk(name, deleted=current is None)
            target = self._write_target(path)
            try:
                write_private_file(target, data, exclusive=not overwrite)
            except FileExistsError:
                raise ProfileExists(f"a profile named {name!r} already exists ({path})") \
                    from None
            except OSError as error:
                raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
        return _stamp_of(data)

    def _write_target(self, path: Path) -> Path:
        """Where the bytes go: the path, or the target of a symlinked profile."""
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return path
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(path))
            try:
                mode = os.stat(target).st_mode
            except FileNotFoundError:
                return target  # a dangling link: create its target
            path = target
        if not stat.S_ISREG(mode):
            raise StoreError(f"cannot write {path}: it is {NotRegularFile(path, mode).kind}, "
                             "not a regular file")
        return path

    def delete(self, name: str) -> None:
        path = self.path(name)
        with self.lock(name):
            try:
                path.unlink()
            except FileNotFoundError:
                raise ProfileNotFound(f"there is no profile named {name!r}") from None
            except OSError as error:
                raise StoreError(f"cannot delete {path}: {error.strerror or error}") from None
        if self.last_used() == name:
            with contextlib.suppress(FileNotFoundError):
                (self.config_dir / _LAST_USED).unlink()

    def rename(self, old: str, new: str) -> Path:
        source, target = self.path(old), self.path(new)
        first, second = sorted((old, new))
        with self.lock(first), self.lock(second):
            if not os.path.lexists(source):
                raise ProfileNotFound(f"there is no profile named {old!r}")
            try:  # a link fails when the new name is taken: no check-then-rename race
                os.link(source, target, follow_symlinks=False)
            except FileExistsError:
                raise ProfileExists(f"a profile named {new!r} already exists") from None
            except OSError:
                if os.path.lexists(target):
                    raise ProfileExists(f"a profile named {new!r} already exists") from None
                os.rename(source, target)  # no hard links here; the locks keep it safe
            else:
                os.unlink(source)
        if self.last_used() == old:
            self.set_last_used(new)
        return target

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the profile's write lock, `.NAME.lock` in the profiles dir (advisory)."""
        import time

        path = self.profiles_dir / f".{validate_name(name)}.lock"
        self._ensure_dirs()
        self._refuse_read_only()
        # Read-only is enough for flock, and works whatever mode a umask gave the file.
        flags = os.O_RDONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | \
            getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as error:
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
        try:
            with contextlib.suppress(OSError):
                status = os.fstat(fd)
                if status.st_uid == _euid() and stat.S_IMODE(status.st_mode) != 0o600:
                    os.fchmod(fd, 0o600)
            deadline = time.monotonic() + self.lock_timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"profile {name!r} is being saved by another program (it holds "
                        f"{path} for over {self.lock_timeout:g} s); try again")
                time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _refuse_read_only(self) -> None:
        directory = self.profiles_dir
        try:
            status = os.stat(directory)
        except OSError:
            return
        if status.st_uid == _euid() and not status.st_mode & stat.S_IWUSR:
            raise StoreError(
                f"the profiles directory {directory} is read-only (mode "
                f"{stat.S_IMODE(status.st_mode):04o}): saving is impossible until you make it "
                f"writable (chmod u+w {directory})")

    def last_used(self) -> str | None:
        try:
            data = read_regular_file(self.config_dir / _LAST_USED, limit=4096)
            name = data.decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if _name_problem(name) is None else None

    def set_last_used(self, name: str) -> None:
        validate_name(name)
        self._ensure_dirs()
        path = self.config_dir / _LAST_USED
        try:
            write_private_file(path, name + "\n")
        except OSError as error:
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from None

    # Permissions --------------------------------------------------------------------------

    def permission_warnings(self, name: str) -> list[str]:
        """One line for each of the profile's file and directories that others can read."""
        warnings: list[str] = []
        if os.name == "nt":  # no Unix modes: Windows ACLs are out of reach here
            return warnings
        checks = ((self.path(name), "the profile", 0o600),
                  (self.profiles_dir, "the profiles directory", 0o700),
                  (self.config_dir, "the config directory", 0o700))
        for path, what, wanted in checks:
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except OSError:
                continue
            if mode & 0o077:
                who = " and ".join(w for bit, w in ((0o070, "its group"), (0o007, "others"))
                                   if mode & bit)
                warnings.append(f"{what} {path} is open to {who} (mode {mode:04o}): it holds "
                                f"secrets; run chmod {wanted:o} {path}")
        return warnings

    def _ensure_dirs(self) -> None:
        for directory in (self.config_dir, self.profiles_dir):
            created = False
            if not os.path.lexists(directory):
                try:
                    directory.parent.mkdir(parents=True, exist_ok=True)
                    os.mkdir(directory, 0o700)
                    created = True
                except FileExistsError:
                    pass  # another process made it
                except OSError as error:
                    raise StoreError(
                        f"cannot create {directory}: {error.strerror or error}") from None
            with contextlib.suppress(OSError):
                _make_private(directory, created=created)
