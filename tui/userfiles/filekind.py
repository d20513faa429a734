"""What a file given as Authelia's configuration really is, when it is not one.

Self-hosters pass what they keep: the values file of Authelia's Helm chart (the
configuration sits under `configMap:`, in the chart's own shape), a Kubernetes ConfigMap
(the configuration is text under `data:`), a Compose file, a bare list of clients (`-
client_id: ...`, which belongs under identity_providers.oidc.clients), a fragment whose
`clients:` or `oidc:` sits at the top, a documentation page (Markdown with Hugo shortcodes
`{{< ... >}}`), or a configuration whose OIDC section is commented out. Each gets one
finding that says what the file is and where its configuration belongs, in place of the
misleading "no identity_providers.oidc" or "not valid YAML".
"""

from __future__ import annotations

import re
from collections import namedtuple

from ..core.words import plural

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# kind: a short name; line: 1-based or None; message and fix: the finding's words.
FileKind = namedtuple("FileKind", "kind line message fix")

_SHORTCODE = re.compile(r"\{\{[<%]-?\s*/?[\w.-]+.*?-?[>%]\}\}")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^#{1,6} \S")
_COMMENTED = re.compile(r"^(\s*)#+[ \t]*(identity_providers|oidc)[ \t]*:")
_CONFIG_KEYS = ("identity_providers", "session", "authentication_backend", "access_control",
                "storage", "notifier", "server")


def _key_line(root: Any, key: str) -> int | None:
    lc = getattr(root, "lc", None)
    try:
        return lc.key(key)[0] + 1 if lc is not None else None
    except (KeyError, TypeError, AttributeError):
        return None


def _first_line(text: str, pattern: re.Pattern) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def documentation_markup(text: str) -> FileKind | None:
    """A Markdown page with Hugo shortcodes ({{< ... >}}, {{% ... %}}): documentation."""
    line = _first_line(text, _SHORTCODE)
    if line is None:
        headings = _first_line(text, _HEADING)
        fences = _first_line(text, _FENCE)
        if headings is None or fences is None:
            return None
        line = fences
        what = "Markdown (headings and ``` code blocks)"
    else:
        what = "documentation markup: Markdown with Hugo shortcodes ({{< ... >}})"
    return FileKind("documentation", line,
                    f"this file is {what}, not an Authelia configuration: Authelia cannot "
                    "read it",
                    "copy the YAML from the page's ```yaml block into configuration.yml "
                    "(replacing every {{< ... >}} with your own value), and audit that file")


def kind_of(text: str, root: Any) -> FileKind | None:
    """What the file is when it is not an Authelia configuration (or its OIDC section is
    commented out); None for a configuration (or a part of one) Authelia reads."""
    docs = documentation_markup(text)
    if docs is not None:
        return docs
    if isinstance(root, list):
        return _client_list(root)
    if not isinstance(root, dict) or "identity_providers" in root:
        return None
    for kind in (_helm_values, _config_map, _compose_file, _fragment):
        found = kind(root)
        if found is not None:
            return found
    return None


def _client_list(root: list) -> FileKind | None:
    if not root or not all(isinstance(i, dict) and ("client_id" in i or "id" in i)
                           for i in root):
        return None
    return FileKind("client-list", 1,
                    f"this file is a bare list of "
                    f"{plural(len(root), 'OpenID Connect client')}, not a whole "
                    "configuration: Authelia reads clients only under "
                    "identity_providers.oidc.clients",
                    "put the list under identity_providers: / oidc: / clients: in "
                    "configuration.yml (indented), or in a file of its own that starts "
                    "with those three keys")


def _helm_values(root: dict) -> FileKind | None:
    if not isinstance(root.get("configMap"), dict):
        return None
    return FileKind("helm-values", _key_line(root, "configMap"),
                    "this file is the values file of Authelia's Helm chart: the "
                    "configuration is under configMap: (this line), in the chart's own "
                    "shape (secrets under their own keys), and the chart renders "
                    "Authelia's configuration.yml from it",
                    "audit the configuration the chart renders: helm template ... -f "
                    "values.yaml, then save the ConfigMap's configuration.yaml and pass "
                    "that file")


def _config_map(root: dict) -> FileKind | None:
    if root.get("kind") != "ConfigMap" or not isinstance(root.get("data"), dict):
        return None
    keys = ", ".join(str(k) for k in root["data"]) or "(none)"
    return FileKind("configmap", _key_line(root, "data"),
                    "this file is a Kubernetes ConfigMap: Authelia's configuration is the "
                    f"text under data: ({keys}), not the manifest itself",
                    "save the text under data: as configuration.yml and pass that file")


def _compose_file(root: dict) -> FileKind | None:
    if not isinstance(root.get("services"), dict) or any(k in root for k in _CONFIG_KEYS):
        return None
    return FileKind("compose", _key_line(root, "services"),
                    "this file is a Docker Compose file, not Authelia's configuration",
                    "pass it with --compose, and Authelia's configuration.yml with "
                    "--authelia-config")


def _fragment(root: dict) -> FileKind | None:
    for key, where in (("clients", "identity_providers.oidc.clients"),
                       ("oidc", "identity_providers.oidc")):
        if key in root:
            return FileKind("fragment", _key_line(root, key),
                            f"{key}: sits at the top of this file, where Authelia does not "
                            f"look for it: it belongs under {where}",
                            f"indent it under {where.rpartition('.')[0] or where}: (Authelia "
                            "reads OpenID Connect only there)")
    return None


def commented_out_oidc(text: str) -> int | None:
    """The line of a commented-out identity_providers: or oidc: key, when there is one."""
    return _first_line(text, _COMMENTED)
