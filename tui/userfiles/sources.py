"""Reading the three inputs of an audit or an import, with one-line errors for bad paths."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from ..core.findings import Finding
from ..core.shown import shown_path
from .authelia_config import (
    AutheliaConfig,
    ConfigInputError,
    expand_paths,
    read_authelia_config,
    require_regular_file,
    user_path,
)
from .compose import Compose, read_compose
from .dotenv import DotEnv, DotEnvError, read_dotenv
from .guard import ENV_LIMIT

# findings: what reading found (a .env that is not text), for the audit to report.
Sources = namedtuple("Sources", "config env compose findings")


def read_env_file(path: str | Path) -> tuple[DotEnv | None, list[Finding]]:
    """The .env, or (None, [env-unreadable]) when it is not text; missing: ConfigInputError."""
    path = user_path(path)
    require_regular_file(path, limit=ENV_LIMIT)
    try:
        return read_dotenv(path, limit=ENV_LIMIT), []
    except DotEnvError as error:
        where, _, problem = str(error).rpartition(": ")
        return None, [Finding("env-unreadable", "error", problem,
                              "save the file as UTF-8 text", where=shown_path(where))]
    except OSError as error:
        if error.strerror is None:  # the guard's own one-line refusal
            raise ConfigInputError(str(error)) from None
        raise ConfigInputError(f"{shown_path(path)}: cannot be read "
                               f"({error.strerror or error})") from None


def read_sources(config_paths: list[str | Path], env_path: str | Path,
                 compose_path: str | Path | None = None) -> Sources:
    compose: Compose | None = read_compose(compose_path) if compose_path else None
    environment = compose.authelia_environment() if compose else {}
    config: AutheliaConfig = read_authelia_config(config_paths, environment)
    env, findings = read_env_file(env_path)
    return Sources(config, env, compose, findings)


def audit_profile_files(profile, *, verify: bool = True):
    """The audit of the files a profile remembers (for the app's Check screen).

    Raises ConfigInputError when the profile remembers no files or one is missing; the
    digest verification (slow) runs once, so call this from a worker thread.
    """
    from .audit import audit

    if not profile.authelia_config_paths or not profile.env_path:
        raise ConfigInputError("no files to check: set configuration.yml and .env first "
                               "(or import them)")
    sources = read_sources(list(profile.authelia_config_paths), profile.env_path,
                           profile.compose_path or None)
    return audit(sources.config, sources.env, sources.compose,
                 librechat=profile.librechat_version, verify=verify, extra=sources.findings)


def split_config_paths(text: str) -> tuple[str, ...]:
    """Authelia's `--config a.yml,b.yml` form: comma-separated, blanks dropped, order kept."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def check_file_paths(config_paths: list[str] | tuple[str, ...], env_path: str,
                     compose_path: str = "") -> dict[str, str]:
    """What is wrong with the files a profile would remember, by profile field; {} if none.

    Nothing is read but the directory entries: the audit reads the files. Empty is fine for
    the optional Compose file; the configuration and the .env are both needed for an audit,
    so an empty one is named too (the caller may still store an incomplete set).
    """
    problems: dict[str, str] = {}
    if not config_paths:
        problems["authelia_config_paths"] = "name Authelia's configuration.yml (or its folder)"
    else:
        try:
            expand_paths(list(config_paths))
        except ConfigInputError as error:
            problems["authelia_config_paths"] = str(error)
    if not env_path:
        problems["env_path"] = "name LibreChat's .env"
    else:
        try:
            require_regular_file(user_path(env_path), limit=ENV_LIMIT)
        except ConfigInputError as error:
            problems["env_path"] = str(error)
    if compose_path:
        try:
            require_regular_file(user_path(compose_path))
        except ConfigInputError as error:
            problems["compose_path"] = str(error)
    return problems
