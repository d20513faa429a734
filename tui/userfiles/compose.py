"""The parts of a Docker Compose file that change what LibreChat (and Authelia) see.

FACTS.md (.env and Compose): LibreChat's dotenv does not override variables already in the
process environment, so the LibreChat service's `environment:` and its `env_file:` win over
`.env`. The image tag names LibreChat's version (`ghcr.io/danny-avila/librechat:v0.8.7`).

Services are found by what they run, not by their name: LibreChat's is the one whose image
is LibreChat's (any registry, tag or digest), else the one whose environment sets an
OPENID_* variable, else a service named `api` with no image at all (an override of
LibreChat's own compose file, whose service is `api`). Authelia's runs `authelia/authelia`
(any registry), or an image given by variables (`${IMAGE}:${TAG}`) in a service named
after Authelia.
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

from .authelia_config import ConfigInputError, read_text, require_regular_file, user_path
from .dotenv import DotEnvError, read_dotenv
from .yamldoc import YamlDoc, plain

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

API_SERVICE = "api"  # LibreChat's service in its own compose files
_TAG = re.compile(r"librechat[^:/]*:(v?\d+\.\d+(?:\.\d+)?(?:-?rc\d+)?)(?:@.*)?$",
                  re.IGNORECASE)
# [registry[:port]/]danny-avila/librechat*[:tag][@digest] or librechat/librechat*; not the
# RAG API images (danny-avila/librechat-rag-api-dev...), which are another program.
_LIBRECHAT_IMAGE = re.compile(
    r"^(?:[^/]+/)*(?:danny-avila|librechat)/(librechat[\w.-]*)(?::[^/@]*)?(?:@[\w:+.-]+)?$",
    re.IGNORECASE)
_AUTHELIA_IMAGE = re.compile(r"^(?:[^/]+/)*authelia/authelia(?::[^/@]*)?(?:@[\w:+.-]+)?$",
                             re.IGNORECASE)

# value: the text Compose hands the container ($$ read as $), or None when it interpolates
# another variable and so cannot be known here.
EnvSetting = namedtuple("EnvSetting", "value where source")


def _unescape(value: str) -> str | None:
    if re.search(r"(?<!\$)\$(?:\{|[A-Za-z_])", value.replace("$$", "")):
        return None
    return value.replace("$$", "$")


def is_librechat_image(image: Any) -> bool:
    match = _LIBRECHAT_IMAGE.match(str(image or "").strip())
    return bool(match) and "rag" not in match.group(1).lower().split("-")


def is_authelia_image(image: Any) -> bool:
    return bool(_AUTHELIA_IMAGE.match(str(image or "").strip()))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class Compose:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.path = doc.path
        root = plain(doc.root) if isinstance(doc.root, dict) else {}
        services = root.get("services")
        self.services = services if isinstance(services, dict) else {}

    def __repr__(self) -> str:
        return f"Compose({self.path!r})"

    def _where(self, path: tuple) -> str:
        line = self.doc.line_of(path)
        return f"{self.path}:{line}" if line else self.path

    def service_environment(self, name: str) -> dict[str, EnvSetting]:
        """The `environment:` of a service, in either of Compose's two forms."""
        service = self.services.get(name)
        if not isinstance(service, dict):
            return {}
        environment = service.get("environment")
        out: dict[str, EnvSetting] = {}
        if isinstance(environment, dict):
            for key, value in environment.items():
                where = self._where(("services", name, "environment", key))
                out[str(key)] = EnvSetting(_unescape(_as_text(value)), where, "compose")
        elif isinstance(environment, list):
            for index, item in enumerate(environment):
                key, _, value = str(item).partition("=")
                where = self._where(("services", name, "environment", index))
                out[key.strip()] = EnvSetting(_unescape(value), where, "compose")
        return out

    def _environment_keys(self, name: str) -> list[str]:
        service = self.services.get(name)
        environment = service.get("environment") if isinstance(service, dict) else None
        if isinstance(environment, dict):
            return [str(k) for k in environment]
        if isinstance(environment, list):
            return [str(item).partition("=")[0].strip() for item in environment]
        return []

    @property
    def librechat_service(self) -> str | None:
        """The name of LibreChat's service (see the module's docstring), or None."""
        if not hasattr(self, "_librechat_service"):
            self._librechat_service = self._find_librechat_service()
        return self._librechat_service

    def _find_librechat_service(self) -> str | None:
        services = {str(n): s for n, s in self.services.items() if isinstance(s, dict)}

        def openid(name: str) -> bool:
            return any(k.startswith("OPENID_") for k in self._environment_keys(name))

        by_image = [n for n, s in services.items() if is_librechat_image(s.get("image"))]
        for found in ([n for n in by_image if openid(n)], by_image,
                      [n for n in services if openid(n)]):
            if found:
                return API_SERVICE if API_SERVICE in found else found[0]
        api = services.get(API_SERVICE)
        if api is not None and "image" not in api:
            return API_SERVICE
        return None

    def env_files(self, name: str | None = None) -> list[Path]:
        """The env_file entries of a service (LibreChat's by default), relative to this file."""
        name = self.librechat_service if name is None else name
        if name is None:
            return []
        service = self.services.get(name)
        if not isinstance(service, dict):
            return []
        raw = service.get("env_file")
        items = raw if isinstance(raw, list) else [raw] if raw else []
        base = Path(self.path).parent
        out = []
        for item in items:
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str):
                out.append(base / path)
        return out

    def api_environment(self, same_as: Path | None = None) -> dict[str, EnvSetting]:
        """What Compose puts into LibreChat's environment: env_file first, environment over it.

        An env_file that is the .env itself (`same_as`; LibreChat's own compose file has
        `env_file: .env`) adds nothing to it and is skipped.
        """
        out: dict[str, EnvSetting] = {}
        for path in self.env_files():
            if same_as is not None and path.resolve() == Path(same_as).resolve():
                continue
            try:
                require_regular_file(path)
                env = read_dotenv(path)
            except (OSError, DotEnvError, ConfigInputError):
                continue  # reported by whoever reads the file as LibreChat's .env
            for key, value in env.values.items():
                entry = env.winner(key)
                out[key] = EnvSetting(value, env.where(entry.line), "env_file")
        if self.librechat_service is not None:
            out.update(self.service_environment(self.librechat_service))
        return out

    def librechat_version(self) -> str | None:
        """The version in the tag of LibreChat's image (its service's first)."""
        names = [self.librechat_service] if self.librechat_service else []
        names += [str(n) for n in self.services]
        for name in names:
            service = self.services.get(name)
            image = service.get("image") if isinstance(service, dict) else None
            if is_librechat_image(image):
                match = _TAG.search(str(image).strip())
                if match:
                    return match.group(1)
        return None

    def authelia_service(self) -> str | None:
        """The name of the service that runs Authelia's image, if this file has one."""
        for name, service in self.services.items():
            if isinstance(service, dict) and is_authelia_image(service.get("image")):
                return str(name)
        for name, service in self.services.items():
            image = service.get("image") if isinstance(service, dict) else None
            if "authelia" in str(name).lower() and isinstance(image, str) \
                    and image.strip().startswith("$"):
                return str(name)
        return None

    def authelia_environment(self) -> dict[str, str]:
        """AUTHELIA_* variables set on any service (Authelia's container, usually)."""
        out: dict[str, str] = {}
        for name in self.services:
            for key, setting in self.service_environment(name).items():
                if key.startswith("AUTHELIA_"):
                    out[key] = setting.where
        return out


def read_compose(path: str | Path) -> Compose:
    """ConfigInputError when missing or unreadable; YamlDocError when it does not parse."""
    path = user_path(path)
    return Compose(YamlDoc(read_text(path), path))
