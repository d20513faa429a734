"""Placeholders: values that are not values yet.

Two kinds, told apart from real values before any rule checks them as literals:

- expressions another program fills in: `${VAR}`, `${VAR:-default}`, `$VAR` (Authelia's
  expand-env filter, envsubst, Compose interpolation). With `{{ ... }}` templates (Authelia's
  template filter, Jinja, Helm: yamldoc swaps them for tokens) they make a value "not
  checkable" (`has_expression`).
- literals left from a guide or an example that nobody replaced: `[YourClientID]`,
  `<tenant-id>`, `your-client-secret`, `insecure_secret`, `changeme`, `xxxxx`
  (`looks_like_placeholder`). Those are findings: the login cannot work with them.

Hugo shortcodes (`{{< ... >}}`, `{{% ... %}}`) are documentation markup, never an
expression: filekind says such a file is a documentation page.
"""

from __future__ import annotations

import re

from ..core import facts
from ..core.shown import shown
from .masking import is_sensitive_key
from .rules.registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# ${VAR}, ${VAR:-default}, ${VAR?err}; $VAR only in capitals and not followed by more of a
# word or a $ (so a digest like $pbkdf2-sha512$... or a secret like $uperS3cret$ is not one).
_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+=-][^}]*)?\}"
                       r"|(?<!\$)\$[A-Z_][A-Z0-9_]*(?![A-Za-z0-9_$])")
_TEMPLATE = re.compile(r"\{\{(?![<%]).*?\}\}")

_PLACEHOLDER = re.compile(r"""(?ix)
    ^\[[^\]]+\]$                          # [YourClientID]
  | <[a-z][\w .-]*>                       # <tenant-id>, https://auth.<your-domain>
  | (?<![a-z])your[-_ ]?[a-z]             # your-client-secret, YourClientID, yourdomain
  | ^insecure_(session_)?secret$          # the Authelia and LibreChat guides' examples
  | (?<![a-z])change[-_ ]?me(?![a-z])     # changeme, change-me, CHANGE_ME
  | ^(x{4,}|\*{4,}|\.{3,})$               # xxxxx, ****, ...
  | (?<![a-z])replace[-_ ]?(me|this|with)(?![a-z])
""")


def has_expression(value: Any) -> bool:
    """Whether a value (or anything inside it) holds ${VAR}, $VAR or a {{ }} template."""
    if isinstance(value, str):
        return bool(_VARIABLE.search(value) or _TEMPLATE.search(value))
    if isinstance(value, dict):
        return any(has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(has_expression(v) for v in value)
    return False


def looks_like_placeholder(value: Any) -> bool:
    return isinstance(value, str) and bool(_PLACEHOLDER.search(value.strip()))


# The LibreChat variables whose value must be real for the login to work.
ENV_KEYS = (facts.ENV_CLIENT_ID, facts.ENV_CLIENT_SECRET, facts.ENV_ISSUER,
            facts.ENV_SESSION_SECRET, facts.ENV_DOMAIN_SERVER, facts.ENV_DOMAIN_CLIENT)
# The client's keys (and the provider's) whose value must be real.
CLIENT_KEYS = ("client_id", "id", "client_secret", "secret", "redirect_uris")

CODES: dict[str, tuple[str, str]] = {
    "placeholder-value": ("error", "a value left from a guide or an example ([YourClientID], "
                          "<tenant-id>, your-client-secret, insecure_secret, changeme, "
                          "xxxxx) in .env or the configuration; a secret's value is never "
                          "quoted"),
}


def _described(key: str, value: str) -> str:
    """The key, and the value itself only when the key is not a secret's."""
    if is_sensitive_key(key):
        return f"{key} holds a placeholder"
    return f"{key} holds the placeholder {shown(value)}"


@rule("placeholder-value")
def check_placeholders(run: Any) -> None:
    """placeholder-value: a value left from a guide ([YourClientID], <tenant-id>, changeme)."""
    for key in ENV_KEYS:
        setting = run.settings.get(key)
        value = setting.value if setting else None
        if looks_like_placeholder(value):
            run.add("placeholder-value", setting.where,
                    f"{_described(key, value)}, not a real value: the login cannot work",
                    f"set {key} to the real value (librechat-authelia render env writes "
                    "them)", severity=CODES["placeholder-value"][0])
    config = run.config
    if config is None:
        return
    oidc_path = ("identity_providers", "oidc")
    oidc = config.get(oidc_path)
    if not isinstance(oidc, dict):
        return
    if looks_like_placeholder(oidc.get("hmac_secret")):
        run.add("placeholder-value", config.where((*oidc_path, "hmac_secret")),
                "identity_providers.oidc.hmac_secret holds a placeholder, not a real secret",
                "set it to 64 random characters (authelia crypto rand --length 64 --charset "
                "alphanumeric)", severity=CODES["placeholder-value"][0])
    for index, client in config.clients():
        if not isinstance(client, dict):
            continue
        for key in CLIENT_KEYS:
            values = client.get(key)
            for value in values if isinstance(values, list) else [values]:
                if looks_like_placeholder(value):
                    run.add("placeholder-value",
                            config.where((*oidc_path, "clients", index, key)),
                            f"client {index + 1}'s {_described(key, value)}, not a real "
                            "value: the login cannot work",
                            f"set the client's {key} to the real value (librechat-authelia "
                            "apply authelia writes it)", severity=CODES["placeholder-value"][0])
                    break
