"""Checks on the values themselves, run after the audit's rules: placeholders left from a
guide, the literal parts of partly templated URLs, and what the profile's checks catch
(login_rules.py).

`check_values(run)` is the one call the audit makes. A URL like
`https://{{ env "HOST" }}/auth/oidc.callback` is "not checkable" to the audit's rules; its
literal path still can never be LibreChat's callback, so here such a URL is matched with
each template standing for any text, and a URL that cannot match replaces the "not
checkable" note with the error.
"""

from __future__ import annotations

import re

from ..core import facts
from ..core.shown import shown
from . import login_rules, placeholders
from .login_rules import librechat_client
from .placeholders import _TEMPLATE, _VARIABLE
from .rules.registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

OIDC = ("identity_providers", "oidc")
_TOKEN = re.compile(r"LCATEMPLATE[0-9]+X")

CODES: dict[str, tuple[str, str]] = {**placeholders.CODES, **login_rules.CODES}


def check_values(run: Any) -> None:
    for check in VALUE_RULES:
        check(run)


def _pattern(value: str) -> re.Pattern | None:
    """A regex for what a partly templated value can become (None: nothing is templated)."""
    parts = re.split(f"{_TOKEN.pattern}|{_VARIABLE.pattern}|{_TEMPLATE.pattern}", value)
    if len(parts) == 1:
        return None
    return re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)


def _could_be(value: Any, wanted: str | None, tail: str) -> bool:
    """Whether a (partly templated) value can equal `wanted`, or, that unknown, end in
    `tail`."""
    if not isinstance(value, str):
        return True
    pattern = _pattern(value)
    if pattern is None:
        return value == wanted if wanted is not None else value.endswith(tail)
    if wanted is not None:
        return bool(pattern.fullmatch(wanted))
    last = re.split(f"{_TOKEN.pattern}|{_VARIABLE.pattern}|{_TEMPLATE.pattern}", value)[-1]
    return last.endswith(tail) or tail.endswith(last)


def _replace_note(run: Any, where: str | None, words: str) -> None:
    """Drop the "not checkable" note at `where` that an error now replaces."""
    run.findings[:] = [f for f in run.findings if not (
        f.code == "value-not-checkable" and f.where == where and words in f.message)]


@rule("redirect-uri-mismatch")
def _check_redirect_literal_parts(run: Any) -> None:
    """redirect-uri-mismatch: a partly templated redirect URI whose literal parts can never
    become LibreChat's callback."""
    found = librechat_client(run)
    if found is None or facts.ENV_CALLBACK_URL not in run.settings \
            or not run.checkable(facts.ENV_CALLBACK_URL):
        return
    index, client = found
    uris = client.get("redirect_uris")
    uris = uris if isinstance(uris, list) else [uris]
    if not any(isinstance(u, str) and run.config.is_templated(u) for u in uris):
        return  # all literal: the audit's own rule checked them
    callback = run.value(facts.ENV_CALLBACK_URL) or ""
    domain = run.value(facts.ENV_DOMAIN_SERVER)
    sent = (domain + callback) if domain and run.checkable(facts.ENV_DOMAIN_SERVER) else None
    if any(_could_be(u, sent, callback) for u in uris):
        return
    where = run.config.where((*OIDC, "clients", index, "redirect_uris"))
    _replace_note(run, where, "redirect_uris")
    run.add("redirect-uri-mismatch", where,
            "no redirect URI of the client can be "
            + (f"LibreChat's {shown(sent)}" if sent else f"a URL ending in {shown(callback)}")
            + ": the parts around the templates are literal (like the path) and differ",
            f"make the literal part LibreChat's: https://<LibreChat's public URL>"
            f"{facts.CALLBACK_PATH}", severity="error")


@rule("issuer-mismatch")
def _check_issuer_literal_parts(run: Any) -> None:
    """issuer-mismatch: a partly templated authelia_url whose literal parts can never become
    OPENID_ISSUER."""
    config = run.config
    issuer = run.value(facts.ENV_ISSUER)
    if config is None or not issuer or not run.checkable(facts.ENV_ISSUER):
        return
    cookies = config.get(("session", "cookies"))
    if not isinstance(cookies, list):
        return
    urls = [c.get("authelia_url") for c in cookies
            if isinstance(c, dict) and isinstance(c.get("authelia_url"), str)]
    if not urls or not any(config.is_templated(u) for u in urls):
        return
    wanted = issuer.strip()
    if wanted.endswith(facts.DISCOVERY_PATH):
        wanted = wanted[: -len(facts.DISCOVERY_PATH)]
    wanted = wanted.rstrip("/")
    if any(_could_be(u.rstrip("/"), wanted, "") or _could_be(u, wanted + "/", "")
           for u in urls):
        return
    where = config.where(("session", "cookies"))
    _replace_note(run, where, "authelia_url")
    run.add("issuer-mismatch", run.where(facts.ENV_ISSUER),
            f"OPENID_ISSUER is {shown(wanted)}, which no authelia_url ({where}) can become: "
            "their literal parts (the scheme, the path) differ, so discovery returns another "
            "issuer and LibreChat rejects it",
            "make OPENID_ISSUER Authelia's public URL, the authelia_url of its session cookie",
            severity="error")


VALUE_RULES = (placeholders.check_placeholders, _check_redirect_literal_parts,
               _check_issuer_literal_parts, *login_rules.LOGIN_RULES)
