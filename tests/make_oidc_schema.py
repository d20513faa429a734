"""Make tui/userfiles/oidc_schema.json from Authelia's JSON schemas (tests/data/authelia).

    python tests/make_oidc_schema.py

The audit checks `identity_providers.oidc` against the schema of the target Authelia
version. Authelia's schemas are ~150 KB each; the package ships only what that check needs:
the definitions reachable from IdentityProvidersOpenIDConnect, with the keywords it reads
(types, properties, items, references, alternatives, deprecated, and the PEM patterns).
tests/test_userfiles_schema.py checks that the shipped file is what this script makes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"4.38": "configuration.schema.v4.38.json", "4.39": "configuration.schema.v4.39.json"}
TARGET = ROOT / "tui" / "userfiles" / "oidc_schema.json"
START = "IdentityProvidersOpenIDConnect"
KEPT = ("type", "properties", "patternProperties", "additionalProperties", "items", "$ref",
        "oneOf", "anyOf", "deprecated")


def _compact(node):
    if isinstance(node, list):
        return [_compact(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties"):
            out[key] = {k: _compact(v) for k, v in value.items()}
        elif key in KEPT:
            out[key] = _compact(value)
        elif key == "pattern" and "BEGIN" in value:
            out["pem"] = True  # the value must be a PEM block (a key or certificates)
    return out


def compact(schema: dict) -> dict:
    """The definitions reachable from the OpenID Connect section, compacted."""
    definitions = schema["$defs"]
    seen: dict[str, dict] = {}
    todo = [START]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = _compact(definitions[name])
        todo += re.findall(r"#/\$defs/(\w+)", json.dumps(definitions[name]))
    return {"root": START, "defs": dict(sorted(seen.items()))}


def build(directory: Path) -> dict:
    return {version: compact(json.loads((directory / name).read_text()))
            for version, name in SOURCES.items()}


def text(directory: Path) -> str:
    return json.dumps(build(directory), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "authelia"
    TARGET.write_text(text(source))
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size:,} bytes from {source}")
