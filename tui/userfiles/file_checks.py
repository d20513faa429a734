"""Checks on the files themselves, run after the audit's rules: what a file really is, the
Compose file's services found by what they run, and Authelia's own validation of the OIDC
section (schema.py).

`check_files(run)` is the one call the audit makes; it adds findings through `run.add` and,
where a finding here explains a misleading one better (a Helm values file is not "a
configuration without identity_providers.oidc"), replaces it.
"""

from __future__ import annotations

from pathlib import Path

from ..core.shown import shown, shown_path
from . import schema
from .filekind import commented_out_oidc, kind_of
from .rules.registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FILTER_KEY = "X_AUTHELIA_CONFIG_FILTERS"

# code -> (usual severity, when it is reported); docs/audit-codes.md lists them.
CODES: dict[str, tuple[str, str]] = {
    "authelia-file-kind": ("error", "a file given as Authelia's configuration is something "
                           "else: a Helm chart's values (configMap:), a Kubernetes ConfigMap, "
                           "a Compose file, a bare client list, clients:/oidc: at the top, "
                           "documentation markup ({{< ... >}}); the message says where its "
                           "configuration belongs"),
    "compose-librechat-not-found": ("info", "no service in the Compose file runs LibreChat "
                                    "(by its image, or OPENID_* in its environment): its "
                                    "variables were not read, only .env was checked"),
    "template-filter-not-checked": ("info", "Authelia's Compose service may set "
                                    "X_AUTHELIA_CONFIG_FILTERS in an env_file that cannot "
                                    "be read here (or from a variable): the template filter "
                                    "was not checked"),
    **schema.CODES,
}


def check_files(run: Any) -> None:
    for check in FILE_RULES:
        check(run)


def _drop(run: Any, code: str, path: str | None = None) -> list:
    """Remove (and return) the findings with this code (in this file, when given)."""
    gone = [f for f in run.findings if f.code == code
            and (path is None or (f.where or "").split(":")[0] == shown_path(path))]
    run.findings[:] = [f for f in run.findings if not any(f is g for g in gone)]
    return gone


def _texts(config: Any) -> list[tuple[str, str, Any]]:
    """(path, text, parsed root or None) of every configuration file, read or not."""
    from .authelia_config import ConfigInputError, read_text
    from .yamldoc import YamlDocError

    out = [(doc.path, doc.text, doc.root) for doc in config.docs]
    for error in config.errors:
        try:
            out.append((error.path, read_text(Path(error.path)), None))
        except (ConfigInputError, YamlDocError, OSError):
            continue
    return out


@rule("authelia-file-kind", "oidc-missing")
def _check_file_kinds(run: Any) -> None:
    """authelia-file-kind: a file that is not an Authelia configuration says what it is (Helm
    values, a client list, a docs page); oidc-missing moves to a commented-out section's line."""
    config = run.config
    if config is None:
        return
    oidc_missing = not isinstance(config.get(schema.OIDC), dict)
    for path, text, root in _texts(config):
        found = kind_of(text, root)
        if found is not None:
            _drop(run, "authelia-unreadable", path)
            if oidc_missing:
                _drop(run, "oidc-missing")
            run.add("authelia-file-kind", f"{path}:{found.line}" if found.line else path,
                    found.message, found.fix, severity=CODES["authelia-file-kind"][0])
            continue
        line = commented_out_oidc(text) if oidc_missing else None
        if line is not None and _drop(run, "oidc-missing"):
            run.add("oidc-missing", f"{path}:{line}",
                    "identity_providers.oidc is commented out here: Authelia's OpenID "
                    "Connect provider is off",
                    "remove the # in front of the section (and of its keys), or add "
                    "identity_providers.oidc with hmac_secret, jwks and LibreChat's client "
                    "(librechat-authelia apply authelia adds the client)", severity="error")


@rule("compose-librechat-not-found", "template-filter-not-checked")
def _check_compose(run: Any) -> None:
    """compose-librechat-not-found: no service runs LibreChat; template-filter-not-checked:
    the filter may be set in an env_file that cannot be read."""
    compose = run.compose
    if compose is None:
        return
    if compose.librechat_service is None:
        run.add("compose-librechat-not-found", compose.path,
                "no service in this Compose file runs LibreChat (an image "
                "ghcr.io/danny-avila/librechat..., librechat/librechat..., or OPENID_* "
                "variables in its environment): its variables were not read, only .env "
                "was checked",
                "pass the Compose file that runs LibreChat with --compose (or leave it out)",
                severity=CODES["compose-librechat-not-found"][0])
    _check_filter_in_env_files(run)


def _check_filter_in_env_files(run: Any) -> None:
    """The template filter may be set in the Authelia service's env_file: read those files
    (relative to the Compose file); one that cannot be read makes the check an info."""
    from .authelia_config import ConfigInputError, require_regular_file
    from .dotenv import DotEnvError, read_dotenv

    compose = run.compose
    service = compose.authelia_service()
    if service is None or not any(f.code == "template-filter-off" for f in run.findings):
        return
    unread: list[Path] = []
    for path in compose.env_files(service):
        try:
            require_regular_file(path)
            env = read_dotenv(path)
        except (OSError, DotEnvError, ConfigInputError):
            unread.append(path)
            continue
        value = env.values.get(FILTER_KEY)
        if value is None:
            continue
        if "template" in [v.strip() for v in value.split(",")]:
            _drop(run, "template-filter-off")
            return
        if "$" in value:
            unread.append(path)
    if unread:
        gone = _drop(run, "template-filter-off")
        where = gone[0].where if gone else compose.path
        names = ", ".join(shown_path(p) for p in unread)
        run.add("template-filter-not-checked", where,
                f"this file uses {{{{ ... }}}} templates, and the Compose service "
                f"'{shown(service)}' may turn Authelia's template filter on in its env_file "
                f"({names}), which is missing here or sets it from a variable: not checked",
                f"check that {FILTER_KEY} includes template in {names}",
                severity=CODES["template-filter-not-checked"][0])


@rule("oidc-key-unknown", "oidc-key-wrong-type", "oidc-key-not-pem", "oidc-key-deprecated")
def _check_oidc_schema(run: Any) -> None:
    """oidc-key-unknown, oidc-key-wrong-type, oidc-key-not-pem, oidc-key-deprecated: Authelia's
    own validation of identity_providers.oidc against its schema."""
    schema.check_oidc_schema(run)


FILE_RULES = (_check_file_kinds, _check_compose, _check_oidc_schema)
