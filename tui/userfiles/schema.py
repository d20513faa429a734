"""Authelia's own validation of `identity_providers.oidc`: unknown keys, wrong types, keys
that are not PEM, and the pre-4.38 names Authelia maps with a warning.

The shape comes from Authelia's JSON schema of the target version (oidc_schema.json, made
from the vendored schemas by tests/make_oidc_schema.py). How Authelia reads values
(internal/configuration/provider.go, read at authelia/authelia 23572030b404): koanf and
mapstructure with WeaklyTypedInput, so "true" is a boolean, 3 is a string, a single value
is a one-item list; a mapping where a value is expected (or the reverse) is an error, as is
any key the schema does not know ("configuration key not expected", validator/keys.go).
Values from a template or a `${VAR}` placeholder are not checked for type.

The deprecated names and their new ones are Authelia's (internal/configuration/
deprecation.go at authelia/authelia 23572030b404, last changed in 0c5675ec0ca7): all
deprecated in 4.38 and mapped automatically, except issuer_private_key and
issuer_certificate_chain, which go to jwks by hand (issuer_private_key has its own audit
code, issuer-private-key-deprecated, and is not reported again here).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from ..core import facts
from ..core.shown import shown
from ..core.versions import Version, VersionError

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

SCHEMA_FILE = Path(__file__).with_name("oidc_schema.json")
OIDC = ("identity_providers", "oidc")

# code -> (usual severity, when it is reported); docs/audit-codes.md lists them.
CODES: dict[str, tuple[str, str]] = {
    "oidc-key-unknown": ("error", "a key under identity_providers.oidc (the provider, a client, "
                         "a policy...) that the target Authelia version does not know: "
                         "Authelia refuses to start"),
    "oidc-key-wrong-type": ("error", "a value of the wrong kind (a list or a mapping where a "
                            "value is expected, or the reverse; text where a boolean is)"),
    "oidc-key-not-pem": ("error", "issuer_private_key, issuer_certificate_chain or a jwks "
                         "certificate_chain that is not a PEM block"),
    "oidc-key-deprecated": ("warning", "a pre-4.38 name (id, secret, description, "
                            "*_lifespan, ...): Authelia maps it and warns; the new name is "
                            "given"),
}

# Authelia's deprecation map for the OIDC section: old key -> new key (see the docstring).
DEPRECATED_PROVIDER = {
    "access_token_lifespan": "lifespans.access_token",
    "authorize_code_lifespan": "lifespans.authorize_code",
    "id_token_lifespan": "lifespans.id_token",
    "refresh_token_lifespan": "lifespans.refresh_token",
    "issuer_private_key": "jwks",
    "issuer_certificate_chain": "jwks",
}
DEPRECATED_CLIENT = {
    "id": "client_id",
    "secret": "client_secret",
    "description": "client_name",
    "sector_identifier": "sector_identifier_uri",
    "userinfo_signing_algorithm": "userinfo_signed_response_alg",
}
DEPRECATED_IN = "4.38"
# Covered by other audit codes, not reported again: issuer_private_key's deprecation
# (issuer-private-key-deprecated) and a provider jwks key that is no PEM (jwks-no-rs256).
COVERED_DEPRECATED = {"issuer_private_key"}

_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----\s.*?-----END [A-Z0-9 ]+-----", re.DOTALL)
_PLACEHOLDER = re.compile(r"\$\{?[A-Za-z_][A-Za-z0-9_]*")
_BOOLEAN_TEXT = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false",
                 "False"}
_KIND = {"string": "text", "integer": "a whole number", "number": "a number",
         "boolean": "true or false", "array": "a list", "object": "a mapping"}


@cache
def _schemas() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def schema_version(authelia: str | None) -> str:
    """The schema that applies to this Authelia version: the newest one not after it
    (4.38 for anything older; a version this program does not know: the newest)."""
    versions = sorted(_schemas(), key=Version.parse)
    try:
        wanted = Version.parse(authelia or facts.DEFAULT_AUTHELIA)
    except VersionError:
        return versions[-1]
    fitting = [v for v in versions if Version.parse(v) <= wanted]
    return fitting[-1] if fitting else versions[0]


def _type_ok(value: Any, kind: str) -> bool:
    """Whether mapstructure, weakly typed, turns `value` into `kind` (None: the zero value)."""
    if value is None:
        return True
    if kind == "string":
        return not isinstance(value, (dict, list))
    if kind == "boolean":
        return isinstance(value, (bool, int, float)) or (
            isinstance(value, str) and value in _BOOLEAN_TEXT)
    if kind in ("integer", "number"):
        if isinstance(value, (bool, int, float)):
            return True
        if isinstance(value, str):
            try:
                int(value, 0) if kind == "integer" else float(value)
            except ValueError:
                return False
            return True
        return False
    if kind == "array":
        return not isinstance(value, dict) or not value
    if kind == "object":
        return isinstance(value, dict) or value == [] or (
            isinstance(value, list) and all(isinstance(v, dict) for v in value))
    return True


class _Walker:
    def __init__(self, version: str, skip: Any) -> None:
        self.defs = _schemas()[version]["defs"]
        self.root = _schemas()[version]["root"]
        self.skip = skip  # value -> True when it comes from a template (not checkable)

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            node = self.defs[node["$ref"].rpartition("/")[2]]
        return node

    def alternatives(self, node: dict) -> list[dict]:
        node = self.resolve(node)
        options = node.get("oneOf") or node.get("anyOf")
        if not options:
            return [node]
        out = []
        for option in options:
            out += self.alternatives(option)
        return out

    def walk(self, value: Any, node: dict, path: tuple) -> Iterator[tuple[str, tuple, str]]:
        if self.skip(value):
            return
        options = self.alternatives(node)
        fitting = [o for o in options if _type_ok(value, o.get("type", ""))]
        if not fitting:
            kinds = " or ".join(dict.fromkeys(_KIND.get(o.get("type", ""), "a value")
                                              for o in options))
            yield "oidc-key-wrong-type", path, kinds
            return
        # A list where a list fits, else the first kind that fits (a single value is a list
        # of one).
        node = next((o for o in fitting if isinstance(value, list) == (o.get("type") == "array")),
                    fitting[0])
        kind = node.get("type")
        if node.get("pem") and isinstance(value, str) and value.strip():
            provider_key = path[len(OIDC):] and path[len(OIDC)] == "jwks" \
                and len(path) == len(OIDC) + 3 and path[-1] == "key"
            if not _PEM.search(value) and not provider_key:
                yield "oidc-key-not-pem", path, ""
        if kind == "object" and isinstance(value, dict):
            yield from self.walk_mapping(value, node, path)
        elif kind == "array" and "items" in node:
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                yield from self.walk(item, node["items"], (*path, index)
                                     if isinstance(value, list) else path)

    def walk_mapping(self, value: dict, node: dict, path: tuple
                     ) -> Iterator[tuple[str, tuple, str]]:
        properties = node.get("properties", {})
        patterns = node.get("patternProperties", {})
        deprecated = (DEPRECATED_PROVIDER if path == OIDC
                      else DEPRECATED_CLIENT if len(path) == len(OIDC) + 2
                      and path[len(OIDC)] == "clients" else {})
        for key, child in value.items():
            if not isinstance(key, str) or self.skip(key):
                continue
            here = (*path, key)
            if key in deprecated:
                if key not in COVERED_DEPRECATED:
                    yield "oidc-key-deprecated", here, deprecated[key]
                if key in properties:
                    yield from self.walk(child, properties[key], here)
                continue
            if key in properties:
                yield from self.walk(child, properties[key], here)
                continue
            pattern = next((p for p in patterns if re.fullmatch(p, key)), None)
            if pattern is not None:
                yield from self.walk(child, patterns[pattern], here)
            elif node.get("additionalProperties") is False:
                yield "oidc-key-unknown", here, ""


def problems(oidc: Any, *, authelia: str | None = None, skip: Any = None
             ) -> list[tuple[str, tuple, str]]:
    """(code, path, detail) for everything Authelia's validation of `oidc` (the plain value
    of identity_providers.oidc) would refuse or warn about; detail is the new name for
    oidc-key-deprecated, the expected kind for oidc-key-wrong-type."""
    version = schema_version(authelia)
    walker = _Walker(version, skip or (lambda value: False))
    return list(walker.walk(oidc, {"$ref": walker.root}, OIDC))


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def check_oidc_schema(run: Any, *, authelia: str | None = None) -> None:
    """Add the findings of Authelia's validation of identity_providers.oidc to an audit."""
    config = run.config
    oidc = config.get(OIDC) if config is not None else None
    if not isinstance(oidc, dict):
        return

    def skip(value: Any) -> bool:
        if isinstance(value, str):
            return config.is_templated(value) or bool(_PLACEHOLDER.search(value))
        return False

    version = schema_version(authelia or getattr(run, "authelia_version", None))
    for code, path, detail in problems(oidc, authelia=version, skip=skip):
        name = shown(_dotted(path))
        where = config.where(path)
        if code == "oidc-key-unknown":
            run.add(code, where, f"{name} is not a key Authelia {version} knows: Authelia "
                    "refuses to start (configuration key not expected)",
                    f"remove {shown(path[-1])} or fix its name (see Authelia's OpenID Connect "
                    "documentation for this version)", severity=CODES[code][0])
        elif code == "oidc-key-wrong-type":
            run.add(code, where, f"{name} must be {detail}: Authelia cannot read this value "
                    "and does not start", f"write {shown(path[-1])} as {detail}",
                    severity=CODES[code][0])
        elif code == "oidc-key-not-pem":
            run.add(code, where, f"{name} is not a PEM block (-----BEGIN ...-----): Authelia "
                    "does not start", "paste the PEM itself as a literal block (key: |), or "
                    "read the file with a template: {{ secret \"/path/to/key.pem\" | mindent "
                    "10 \"|\" | msquote }}", severity=CODES[code][0])
        else:
            run.add(code, where, f"{name} is the pre-{DEPRECATED_IN} name of {shown(detail)}: "
                    "Authelia maps it and logs a deprecation warning",
                    f"rename {shown(path[-1])} to {shown(detail)}", severity=CODES[code][0])
