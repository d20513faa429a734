"""Reading the three inputs of an audit or an import, with one-line errors for bad paths."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from .audit import Finding
from .authelia_config import (
    AutheliaConfig,
    ConfigInputError,
    read_authelia_config,
    require_regular_file,
)
from .compose import Compose, read_compose
from .dotenv import DotEnv, DotEnvError, read_dotenv

# findings: what reading found (a .env that is not text), for the audit to report.
Sources = namedtuple("Sources", "config env compose findings")


def read_env_file(path: str | Path) -> tuple[DotEnv | None, list[Finding]]:
    """The .env, or (None, [env-unreadable]) when it is not text; missing: ConfigInputError."""
    path = Path(path).expanduser()
    require_regular_file(path)
    try:
        return read_dotenv(path), []
    except DotEnvError as error:
        where, _, problem = str(error).rpartition(": ")
        return None, [Finding("env-unreadable", "error", where, problem,
                              "save the file as UTF-8 text")]
    except OSError as error:
        raise ConfigInputError(f"{path}: cannot be read ({error.strerror or error})") from None


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
