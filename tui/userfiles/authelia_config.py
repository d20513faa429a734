"""Authelia's configuration as Authelia reads it: files and directories, merged in order.

FACTS.md (How Authelia reads its configuration): `--config` takes files or directories
(repeatable); a directory's `.yml`/`.yaml` files are read in name order; later files
override earlier ones; `AUTHELIA_*` environment variables and `*_FILE` secrets override
files. Mappings merge key by key; any other value (lists included) is replaced whole.

Values that come from a template (`{{ ... }}`), an `AUTHELIA_*` variable or a `*_FILE`
secret are kept apart: the audit reports them as not checkable instead of guessing.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.inputerror import InputError
from ..core.shown import shown_path
from .guard import YAML_LIMIT, InputPathError, input_path, megabytes, read_user_file
from .placeholders import has_expression
from .yamldoc import MISSING, YamlDoc, YamlDocError, is_template_token, plain

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OIDC = ("identity_providers", "oidc")
CLIENTS = (*OIDC, "clients")


class ConfigInputError(InputError):
    """A path that is missing or cannot be read: bad input, one line."""


def user_path(raw: str | Path) -> Path:
    """A path from the user, `~` expanded; ConfigInputError for `~nosuchuser/...`."""
    try:
        return input_path(raw)
    except InputPathError as error:
        raise ConfigInputError(str(error)) from None


def _unreadable(path: Path, error: OSError) -> ConfigInputError:
    return ConfigInputError(f"{shown_path(path)}: cannot be read ({error.strerror or error})")


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files in the order Authelia reads them: a directory gives its YAML files by name."""
    out: list[Path] = []
    for raw in paths:
        path = user_path(raw)
        try:
            is_dir = path.is_dir()
            if is_dir:
                found = sorted(p for p in path.iterdir()
                               if p.suffix in (".yml", ".yaml") and p.is_file())
            exists = is_dir or path.exists()
        except OSError as error:  # an unreadable directory, a name too long, a link loop
            raise _unreadable(path, error) from None
        if is_dir:
            if not found:
                raise ConfigInputError(f"{path}: the directory has no .yml or .yaml file")
            out += found
        elif exists:
            out.append(path)
        else:
            raise ConfigInputError(f"{path}: no such file or directory")
    return out


def require_regular_file(path: Path, *, limit: int | None = None) -> None:
    """ConfigInputError unless `path` (through symlinks) is a regular file (of at most
    `limit` bytes, when given).

    A FIFO, device or socket is never opened: reading a FIFO would hang.
    """
    import stat

    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ConfigInputError(f"{path}: no such file or directory") from None
    except OSError as error:
        raise _unreadable(path, error) from None
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise ConfigInputError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise ConfigInputError(f"{path}: not a regular file (a FIFO, device or socket is "
                               "never read)")
    if limit is not None and status.st_size > limit:
        raise ConfigInputError(f"{shown_path(path)}: larger than {megabytes(limit)}, the cap "
                               "for this kind of file: not read")


def read_text(path: Path, *, limit: int = YAML_LIMIT) -> str:
    """The file's text; ConfigInputError when it cannot be opened or is larger than `limit`,
    YamlDocError if not UTF-8."""
    require_regular_file(path, limit=limit)
    try:
        data = read_user_file(path, limit=limit)
    except OSError as error:
        if error.strerror is None:  # the guard's own one-line refusal
            raise ConfigInputError(str(error)) from None
        raise _unreadable(path, error) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlDocError(str(path), line, "not UTF-8 text") from None


def env_override_name(path: tuple[str, ...]) -> str:
    """AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET for ('identity_providers', 'oidc', ...)."""
    return "AUTHELIA_" + "_".join(p.upper() for p in path)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


class AutheliaConfig:
    """The merged configuration of one or more files, and where each value came from.

    `errors` lists the files that did not parse (YamlDocError); the others still count.
    `environment` holds AUTHELIA_* names known to be set (from a Compose file), whose
    values override the files and cannot be checked here.
    """

    def __init__(self, docs: list[YamlDoc], errors: list[YamlDocError],
                 environment: dict[str, str] | None = None) -> None:
        self.docs = docs
        self.errors = errors
        self.environment = dict(environment or {})
        data: Any = {}
        for doc in docs:
            root = doc.root if doc.root is not None else {}
            data = _merge(data, root) if isinstance(root, dict) else root
        # Plain Python values only (no ruamel types: an anchored "two_factor", a `&p true`
        # read as 1): what the checks compare, the importer copies into a profile, findings
        # quote and YAML output writes. Positions stay with each file's YamlDoc.
        self.data = plain(data)

    def __repr__(self) -> str:
        return f"AutheliaConfig({[d.path for d in self.docs]!r})"

    def get(self, path: tuple, default: Any = None) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def doc_for(self, path: tuple) -> YamlDoc | None:
        """The last file that sets `path` (the one whose value wins)."""
        for doc in reversed(self.docs):
            if doc.node(path) is not MISSING:
                return doc
        return None

    def where(self, path: tuple) -> str | None:
        doc = self.doc_for(path)
        if doc is None:
            return self.docs[0].path if len(self.docs) == 1 else None
        line = doc.line_of(path)
        return f"{doc.path}:{line}" if line else doc.path

    def is_templated(self, value: Any) -> bool:
        # ${VAR} / $VAR (the expand-env filter, envsubst, Compose) are filled in elsewhere too.
        return (any(doc.is_templated(value) for doc in self.docs) or is_template_token(value)
                or has_expression(value))

    def from_environment(self, path: tuple[str, ...]) -> str | None:
        """The AUTHELIA_* (or *_FILE) variable that sets `path`, when one is known."""
        name = env_override_name(path)
        for candidate in (name, name + "_FILE"):
            if candidate in self.environment:
                return candidate
        return None

    def clients(self) -> list[tuple[int, Any]]:
        clients = self.get(CLIENTS)
        if not isinstance(clients, list):
            return []
        return list(enumerate(clients))


def read_authelia_config(paths: list[str | Path],
                         environment: dict[str, str] | None = None) -> AutheliaConfig:
    """Read every file; a file that does not parse is kept in .errors, not raised.

    Raises ConfigInputError for a path that is missing or unreadable.
    """
    docs, errors = [], []
    for path in expand_paths(paths):
        try:
            docs.append(YamlDoc(read_text(path), path))
        except YamlDocError as error:
            errors.append(error)
    return AutheliaConfig(docs, errors, environment)
