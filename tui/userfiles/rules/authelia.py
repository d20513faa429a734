"""Authelia's side: its configuration reads, the OpenID Connect provider is complete, the
issuer is LibreChat's OPENID_ISSUER, templates are turned on.

The audit runs `report_unreadable`, then (with an oidc section) AUTHELIA_RULES in order,
or (without one) `report_oidc_missing` and `check_issuer`.
"""

from __future__ import annotations

from ...core import facts
from ...core.shown import shown
from ..authelia_config import OIDC
from .client import check_client, check_shared_redirect
from .common import issuer_root, url_error
from .registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .common import Run


@rule("authelia-unreadable")
def report_unreadable(run: Run) -> None:
    """Each configuration file parses (authelia-unreadable, with the line)."""
    assert run.config is not None
    for error in run.config.errors:
        run.add("authelia-unreadable", f"{error.path}:{error.line}" if error.line
                else error.path, shown(error.problem),
                "fix the YAML at that line (templates {{ ... }} are fine)")


@rule("oidc-missing")
def report_oidc_missing(run: Run) -> None:
    """There is no identity_providers.oidc section (oidc-missing): run only when so."""
    assert run.config is not None
    run.add("oidc-missing", run.config.where(("identity_providers",)),
            "there is no identity_providers.oidc section: Authelia's OpenID Connect "
            "provider is off",
            "add identity_providers.oidc with hmac_secret, jwks and LibreChat's "
            "client (librechat-authelia apply authelia adds the client)")


# The provider ------------------------------------------------------------------------------


@rule("hmac-secret-missing", "value-not-checkable")
def check_hmac_secret(run: Run, oidc: dict) -> None:
    """identity_providers.oidc has an hmac_secret, in the file or from the environment
    (hmac-secret-missing; value-not-checkable when it comes from a template or a variable)."""
    assert run.config is not None
    if not oidc.get("hmac_secret") and not run.not_checkable((*OIDC, "hmac_secret"),
                                                             "hmac_secret"):
        run.add("hmac-secret-missing", run.config.where(OIDC),
                "identity_providers.oidc has no hmac_secret: Authelia does not start",
                "add hmac_secret: 64 random alphanumeric characters "
                "(authelia crypto rand --length 64 --charset alphanumeric)")
    elif oidc.get("hmac_secret"):
        run.not_checkable((*OIDC, "hmac_secret"), "hmac_secret")


def _old_key(run: Run, oidc: dict) -> Any:
    assert run.config is not None
    return oidc.get("issuer_private_key") or run.config.from_environment(
        (*OIDC, "issuer_private_key"))


@rule("issuer-private-key-deprecated")
def check_issuer_private_key(run: Run, oidc: dict) -> None:
    """No pre-4.38 issuer_private_key (issuer-private-key-deprecated: a warning, an error
    together with jwks)."""
    assert run.config is not None
    if not _old_key(run, oidc):
        return
    both = bool(oidc.get("jwks"))
    run.add("issuer-private-key-deprecated",
            run.config.where((*OIDC, "issuer_private_key")),
            "issuer_private_key is the pre-4.38 form" +
            (" and cannot be used together with jwks" if both else " (deprecated)"),
            "move the key into identity_providers.oidc.jwks as "
            "{key_id, algorithm: RS256, use: sig, key}",
            severity="error" if both else None)


def _rsa_bits(key: Any) -> int | None:
    """The size of an RSA private key, 0 for another kind of key, None when unreadable."""
    if not isinstance(key, str):
        return None
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        loaded = load_pem_private_key(key.strip().encode(), password=None)
    except Exception:  # ValueError, TypeError, UnsupportedAlgorithm: all "cannot be read"
        return None
    return loaded.key_size if isinstance(loaded, rsa.RSAPrivateKey) else 0


def _check_jwks_key(run: Run, index: int, entry: dict) -> tuple[bool, bool]:
    """One jwks entry: (usable for RS256, from a template and claiming RS256)."""
    config = run.config
    assert config is not None
    where = config.where((*OIDC, "jwks", index, "key"))
    algorithm = entry.get("algorithm") or "RS256"
    key = entry.get("key")
    if config.is_templated(key) or config.is_templated(algorithm):
        run.add("value-not-checkable", where,
                f"jwks key {index + 1} comes from a template; not checked",
                "check that it is an RSA key of 2048 bits or more")
        return False, algorithm == "RS256"
    bits = _rsa_bits(key)
    if bits is None:
        run.add("jwks-no-rs256", where,
                f"jwks key {index + 1} cannot be read as an unencrypted PEM private "
                "key: Authelia does not start",
                "paste the whole PEM (-----BEGIN PRIVATE KEY----- ... END) as a "
                "literal block (key: |)")
        return False, False
    if 0 < bits < 2048:
        run.add("jwks-key-weak", where,
                f"jwks key {index + 1} is RSA {bits} bits; Authelia refuses RSA keys "
                "under 2048 bits",
                "generate a 2048-bit (or larger) RSA key")
    return bits >= 2048 and algorithm == "RS256", False


@rule("jwks-missing", "jwks-no-rs256", "jwks-key-weak", "value-not-checkable")
def check_jwks(run: Run, oidc: dict) -> None:
    """jwks (or the old issuer_private_key) is there (jwks-missing), is a list of readable
    keys (jwks-no-rs256), none an RSA key under 2048 bits (jwks-key-weak), one an RSA key
    for RS256 (jwks-no-rs256); a key from a template is value-not-checkable."""
    config = run.config
    assert config is not None
    jwks = oidc.get("jwks")
    if not jwks:
        if not _old_key(run, oidc):
            run.add("jwks-missing", config.where(OIDC),
                    "identity_providers.oidc has no jwks: there is no key to sign tokens",
                    "add a jwks entry with an RSA key of 2048 bits or more "
                    "(authelia crypto pair rsa generate)")
        return
    if not isinstance(jwks, list):
        run.add("jwks-no-rs256", config.where((*OIDC, "jwks")), "jwks is not a list",
                "write jwks as a list of {key_id, algorithm, use, key}")
        return
    usable, unknown = False, False
    for index, entry in enumerate(jwks):
        if isinstance(entry, dict):
            key_usable, key_unknown = _check_jwks_key(run, index, entry)
            usable, unknown = usable or key_usable, unknown or key_unknown
    if not usable and not unknown:
        run.add("jwks-no-rs256", config.where((*OIDC, "jwks")),
                "no jwks key is an RSA key usable for RS256; Authelia requires one",
                "add an RSA key (2048 bits or more) with algorithm: RS256")


# The issuer and templates ------------------------------------------------------------------


@rule("url-invalid", "value-not-checkable", "issuer-mismatch")
def check_issuer(run: Run, oidc: dict | None = None) -> None:
    """Each session.cookies[].authelia_url is a URL (url-invalid), and OPENID_ISSUER is one
    of them (issuer-mismatch; value-not-checkable when one comes from a template)."""
    config = run.config
    assert config is not None
    issuer = run.value(facts.ENV_ISSUER)
    cookies = config.get(("session", "cookies")) if issuer else None
    if not isinstance(cookies, list):
        return
    urls = [(i, c.get("authelia_url")) for i, c in enumerate(cookies)
            if isinstance(c, dict) and c.get("authelia_url")]
    for index, url in urls:
        why = url_error(url) if isinstance(url, str) and not config.is_templated(url) \
            else None
        if why:
            run.add("url-invalid", config.where(("session", "cookies", index,
                                                 "authelia_url")),
                    f"authelia_url is not a valid URL ({why}): Authelia does not start",
                    "write authelia_url as https://host (with :port when needed)")
    if not urls:
        return
    if any(config.is_templated(url) for _, url in urls):
        run.add("value-not-checkable", config.where(("session", "cookies")),
                "an authelia_url comes from a template; the issuer is not checked",
                "check that OPENID_ISSUER is Authelia's public URL")
        return
    wanted = issuer_root(issuer or "")
    if not any(str(url).rstrip("/") == wanted for _, url in urls):
        first = urls[0]
        run.add("issuer-mismatch", run.where(facts.ENV_ISSUER),
                f"OPENID_ISSUER is {shown(wanted)}, but Authelia's authelia_url is "
                f"{shown(first[1])} ({config.where(('session', 'cookies', first[0]))}): "
                "discovery returns another issuer and LibreChat rejects it",
                f"set OPENID_ISSUER={shown(str(first[1]).rstrip('/'))}")


@rule("template-filter-off")
def check_template_filter(run: Run, oidc: dict | None = None) -> None:
    """A configuration with {{ ... }} templates is read with Authelia's template filter on:
    X_AUTHELIA_CONFIG_FILTERS=template in the Compose file's Authelia service
    (template-filter-off; FACTS.md)."""
    config = run.config
    service = run.compose.authelia_service() if run.compose is not None else None
    templated = [d for d in config.docs if d.template_lines] if config else []
    if service is None or not templated:
        return
    assert run.compose is not None
    setting = run.compose.service_environment(service).get("X_AUTHELIA_CONFIG_FILTERS")
    if setting is not None and (setting.value is None
                                or "template" in setting.value.split(",")):
        return
    first = templated[0]
    run.add("template-filter-off", f"{first.path}:{min(first.template_lines)}",
            f"this file uses {{{{ ... }}}} templates, but the Compose service "
            f"'{shown(service)}' "
            "does not turn Authelia's template filter on: Authelia cannot read it",
            f"add X_AUTHELIA_CONFIG_FILTERS: 'template' to services.{shown(service)}"
            ".environment")


# With an oidc section, in order: the order of the findings.
AUTHELIA_RULES = [
    check_hmac_secret,
    check_issuer_private_key,
    check_jwks,
    check_client,
    check_shared_redirect,
    check_issuer,
    check_template_filter,
]
