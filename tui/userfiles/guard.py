"""The one way the user's files are read: regular files only, never more than a cap.

A FIFO or a device is never opened (reading it could hang or never end), and no file is read
past its cap: 1 MB for a .env, 16 MB for a YAML file, far more than either ever holds. Every
refusal is an OSError whose message is one line naming the file (shown safely) and why.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.files import FileTooLarge, NotRegularFile, read_regular_file
from ..core.inputerror import InputError
from ..core.shown import shown, shown_path

ENV_LIMIT = 1 << 20  # 1 MB: LibreChat's .env.example is about 30 KB
YAML_LIMIT = 16 << 20  # 16 MB: a large Authelia configuration is well under 1 MB


class InputPathError(InputError):
    """A path that cannot even be looked up (`~nosuchuser/x`); the message is one line."""


def megabytes(limit: int) -> str:
    return f"{limit / (1 << 20):g} MB"


def input_path(raw: str | Path) -> Path:
    """The path with `~` and `~user` expanded; InputPathError for a user that does not exist
    (where Path.expanduser raises RuntimeError)."""
    text = os.fspath(raw)
    if not text.startswith("~"):
        return Path(text)
    expanded = os.path.expanduser(text)
    if expanded.startswith("~"):  # left as it was: no such user, or no home directory
        user = text[1:].split("/", 1)[0]
        raise InputPathError(f"{shown_path(text)}: there is no user named {shown(user)!r}"
                             if user else f"{shown_path(text)}: cannot find your home "
                             "directory")
    return Path(expanded)


def read_user_file(path: str | Path, *, limit: int = YAML_LIMIT) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Raises FileNotFoundError, NotRegularFile (a FIFO, device, socket or directory: never
    opened), FileTooLarge (more than `limit`: only `limit` + 1 bytes are ever read), or the
    system's OSError; each message names the file.
    """
    try:
        return read_regular_file(Path(path), limit=limit)
    except FileTooLarge:
        raise FileTooLarge(f"{shown_path(path)}: larger than {megabytes(limit)}, the cap for "
                           "this kind of file: not read") from None
    except NotRegularFile as error:
        error.args = (f"{shown_path(path)} is {error.kind}, not a regular file: not read",)
        raise
