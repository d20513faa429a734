"""Profiles on disk: one YAML file each under the user config dir, written atomically."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import yaml

from .files import write_private_file
from .profile import Profile, ProfileFormatError, profile_from_dict, profile_to_dict
from .yamlio import dump_yaml, load_yaml

APP_NAME = "librechat-authelia"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_LAST_USED = "last-profile"


class StoreError(ValueError):
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


def default_config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def validate_name(name: str) -> str:
    if not name or not _NAME.match(name) or name in (".", ".."):
        raise StoreError(
            f"profile name {name!r} is not allowed: use letters, digits, '-', '_' and '.'"
        )
    return name


class ProfileStore:
    def __init__(self, config_dir: Path | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir else default_config_dir()
        self.profiles_dir = self.config_dir / "profiles"

    def path(self, name: str) -> Path:
        return self.profiles_dir / f"{validate_name(name)}.yaml"

    def names(self) -> list[str]:
        if not self.profiles_dir.is_dir():
            return []
        return sorted(
            p.stem for p in self.profiles_dir.glob("*.yaml")
            if _NAME.match(p.stem) and p.is_file()
        )

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def load(self, name: str) -> Profile:
        path = self.path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProfileNotFound(f"there is no profile named {name!r} ({path})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ProfileCorrupt(path, f"cannot be read: {error}") from None
        try:
            data = load_yaml(text)
        except yaml.YAMLError as error:
            where = getattr(error, "problem_mark", None)
            line = f" at line {where.line + 1}" if where else ""
            problem = getattr(error, "problem", None) or "not valid YAML"
            raise ProfileCorrupt(path, f"is not valid YAML{line}: {problem}") from None
        try:
            return profile_from_dict(data)
        except ProfileFormatError as error:
            raise ProfileCorrupt(path, str(error)) from None

    def save(self, name: str, profile: Profile, *, overwrite: bool = True) -> Path:
        path = self.path(name)
        if not overwrite and path.exists():
            raise ProfileExists(f"a profile named {name!r} already exists ({path})")
        self._write(path, dump_yaml(profile_to_dict(profile)))
        return path

    def delete(self, name: str) -> None:
        path = self.path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            raise ProfileNotFound(f"there is no profile named {name!r}") from None
        if self.last_used() == name:
            with contextlib.suppress(FileNotFoundError):
                (self.config_dir / _LAST_USED).unlink()

    def rename(self, old: str, new: str) -> Path:
        source, target = self.path(old), self.path(new)
        if not source.is_file():
            raise ProfileNotFound(f"there is no profile named {old!r}")
        if target.exists():
            raise ProfileExists(f"a profile named {new!r} already exists")
        os.rename(source, target)
        if self.last_used() == old:
            self.set_last_used(new)
        return target

    def last_used(self) -> str | None:
        try:
            name = (self.config_dir / _LAST_USED).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if name and _NAME.match(name) else None

    def set_last_used(self, name: str) -> None:
        self._write(self.config_dir / _LAST_USED, validate_name(name) + "\n")

    def _ensure_dirs(self) -> None:
        for directory in (self.config_dir, self.profiles_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(directory, 0o700)  # the profiles hold secrets

    def _write(self, path: Path, text: str) -> None:
        try:
            self._ensure_dirs()
            write_private_file(path, text)
        except OSError as error:
            raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
