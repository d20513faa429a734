"""LibreChat's side: the .env as dotenv reads it, and the values LibreChat's OpenID login
needs, with Compose's environment over the .env (AuditRun.settings).

ENV_RULES run first, in order, with or without Authelia's configuration.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...core import facts
from ...core.hosts import is_loopback
from ...core.shown import shown
from ...core.words import plural
from .common import (
    DUPLICATE_LINES_SHOWN,
    LIBRECHAT_DEFAULT_DOMAIN,
    REQUIRED_ENV,
    URL_ENV,
    issuer_root,
    truthy,
    url_error,
)
from .registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .common import Run


# The file ----------------------------------------------------------------------------------


@rule("env-unreadable")
def check_ignored_lines(run: Run) -> None:
    """Every line of .env is KEY=value, a comment or blank (env-unreadable, a warning)."""
    env = run.env
    if env is None:
        return
    for number in env.ignored_lines:
        run.add("env-unreadable", env.where(number),
                "dotenv ignores this line: it is not KEY=value",
                "write it as KEY=value or comment it out with #", severity="warning")


@rule("env-duplicate-key")
def check_duplicate_keys(run: Run) -> None:
    """No key is set twice in .env (env-duplicate-key, saying which line wins)."""
    env = run.env
    if env is None:
        return
    for key, entries in env.duplicates().items():
        lines = ", ".join(str(e.line) for e in entries[:DUPLICATE_LINES_SHOWN])
        if len(entries) > DUPLICATE_LINES_SHOWN:
            lines += f" and {len(entries) - DUPLICATE_LINES_SHOWN:,} more"
        run.add("env-duplicate-key", env.where(entries[-1].line),
                f"{key} is set {len(entries):,} times (lines {lines}); dotenv uses the "
                f"last one (line {entries[-1].line})",
                f"keep one {key} line (apply env comments out the later ones)")


@rule("env-value-truncated")
def check_truncated_values(run: Run) -> None:
    """No unquoted value holds a # that dotenv cuts it at (env-value-truncated)."""
    env = run.env
    if env is None:
        return
    for entry in env.entries:
        if entry.truncated:
            run.add("env-value-truncated", env.where(entry.line),
                    f"{entry.key}'s value is cut at '#': dotenv reads only "
                    f"{plural(len(entry.value), 'character')} of it",
                    f"quote the value: {entry.key}='...'")


@rule("extra-ca-in-dotenv")
def check_extra_ca(run: Run) -> None:
    """NODE_EXTRA_CA_CERTS is not in .env, where Node ignores it (extra-ca-in-dotenv), unless
    Compose loads that .env with env_file: then it is in the container's environment at
    start, where Node does read it."""
    env = run.env
    if env is None:
        return
    loaded = run.compose is not None and env.path is not None and any(
        p.resolve() == env.path.resolve() for p in run.compose.env_files())
    if env.get("NODE_EXTRA_CA_CERTS") is not None and not loaded:
        run.add("extra-ca-in-dotenv", env.where(env.winner("NODE_EXTRA_CA_CERTS").line),
                "NODE_EXTRA_CA_CERTS in .env does nothing: Node reads it only at process "
                "start",
                "set it under services.api.environment in docker-compose.override.yml "
                "(and mount the CA file)")


# The values --------------------------------------------------------------------------------


@rule("env-missing")
def check_required(run: Run) -> None:
    """Each variable the OpenID strategy needs is set and not empty (env-missing, named)."""
    for key in REQUIRED_ENV:
        if not run.value(key) and run.checkable(key):
            run.add("env-missing", run.where(key),
                    f"{key} is {'empty' if key in run.settings else 'missing'}: "
                    "LibreChat does not register the OpenID login without it",
                    f"set {key} (librechat-authelia render env)")


@rule("env-missing")
def check_client_secret_set(run: Run) -> None:
    """OPENID_CLIENT_SECRET is set, unless OPENID_USE_PKCE is on (env-missing)."""
    pkce = truthy(run.value("OPENID_USE_PKCE"))
    if not run.value(facts.ENV_CLIENT_SECRET) and not pkce \
            and run.checkable(facts.ENV_CLIENT_SECRET, "OPENID_USE_PKCE"):
        run.add("env-missing", run.where(facts.ENV_CLIENT_SECRET),
                f"{facts.ENV_CLIENT_SECRET} is missing or empty (and OPENID_USE_PKCE is "
                "not on): LibreChat does not register the OpenID login",
                f"set {facts.ENV_CLIENT_SECRET} to the client secret")


@rule("social-login-disabled")
def check_social_login(run: Run) -> None:
    """ALLOW_SOCIAL_LOGIN is true, else LibreChat shows no OpenID button
    (social-login-disabled)."""
    if run.checkable(facts.ENV_ALLOW_SOCIAL_LOGIN) \
            and not truthy(run.value(facts.ENV_ALLOW_SOCIAL_LOGIN)):
        run.add("social-login-disabled", run.where(facts.ENV_ALLOW_SOCIAL_LOGIN),
                "ALLOW_SOCIAL_LOGIN is not true: LibreChat shows no OpenID button",
                "set ALLOW_SOCIAL_LOGIN=true")


def _invalid_urls(run: Run) -> dict[str, str]:
    """The URL-valued variables (URL_ENV, in order) that cannot be read as a URL: why."""
    invalid = {}
    for key in URL_ENV:
        value = run.value(key)
        why = url_error(value) if value else None
        if why:
            invalid[key] = why
    return invalid


@rule("url-invalid")
def check_urls(run: Run) -> None:
    """DOMAIN_SERVER, DOMAIN_CLIENT and OPENID_ISSUER can be read as URLs (url-invalid);
    the rules after this one leave an invalid one alone."""
    for key, why in _invalid_urls(run).items():
        run.add("url-invalid", run.where(key),
                f"{key} is not a valid URL ({why}): LibreChat cannot use it",
                f"write {key} as https://host (with :port when needed)")


def _issuer_parts(run: Run):
    """OPENID_ISSUER taken apart (less the discovery suffix), None when unset or invalid."""
    issuer = run.value(facts.ENV_ISSUER)
    if not issuer or facts.ENV_ISSUER in _invalid_urls(run):
        return None
    return urlsplit(issuer_root(issuer))


@rule("issuer-not-https")
def check_issuer_https(run: Run) -> None:
    """OPENID_ISSUER is https:// with openid-client 6 (LibreChat >= 0.7.9), which refuses
    an http issuer (issuer-not-https)."""
    parts = _issuer_parts(run)
    if parts is not None and parts.scheme == "http" \
            and run.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6:
        run.add("issuer-not-https", run.where(facts.ENV_ISSUER),
                f"OPENID_ISSUER uses http://; LibreChat {run.librechat} "
                "(openid-client 6) refuses http issuers",
                "serve Authelia over https:// and set OPENID_ISSUER to that URL")


@rule("domain-server-default", "domain-trailing-slash")
def check_domain_server(run: Run) -> None:
    """DOMAIN_SERVER is set and not localhost while Authelia is remote
    (domain-server-default), and does not end with / (domain-trailing-slash)."""
    domain = run.value(facts.ENV_DOMAIN_SERVER)
    if not run.checkable(facts.ENV_DOMAIN_SERVER) \
            or facts.ENV_DOMAIN_SERVER in _invalid_urls(run):
        return
    parts = _issuer_parts(run)
    issuer_host = (parts.hostname or "") if parts is not None else ""
    host = urlsplit(domain or LIBRECHAT_DEFAULT_DOMAIN).hostname or ""
    if (not domain or is_loopback(host)) and issuer_host and not is_loopback(issuer_host):
        run.add("domain-server-default", run.where(facts.ENV_DOMAIN_SERVER),
                f"DOMAIN_SERVER is {'unset' if not domain else 'a localhost URL'}: "
                "LibreChat sends a localhost redirect URI that Authelia never matches",
                "set DOMAIN_SERVER (and DOMAIN_CLIENT) to LibreChat's public URL, "
                "like https://chat.example.com")
    if domain and domain.endswith("/"):
        run.add("domain-trailing-slash", run.where(facts.ENV_DOMAIN_SERVER),
                "DOMAIN_SERVER ends with '/': the callback URL gets a double slash",
                "remove the trailing slash from DOMAIN_SERVER")


@rule("callback-url-absolute", "callback-path-wrong")
def check_callback_url(run: Run) -> None:
    """OPENID_CALLBACK_URL is a path (callback-url-absolute), LibreChat's route
    /oauth/openid/callback (callback-path-wrong)."""
    callback = run.value(facts.ENV_CALLBACK_URL)
    if not callback:
        return
    if callback.startswith(("http://", "https://")):
        run.add("callback-url-absolute", run.where(facts.ENV_CALLBACK_URL),
                "OPENID_CALLBACK_URL is a full URL; LibreChat appends it to "
                "DOMAIN_SERVER, so it must be only the path",
                f"set OPENID_CALLBACK_URL={facts.CALLBACK_PATH}")
    elif callback != facts.CALLBACK_PATH:
        run.add("callback-path-wrong", run.where(facts.ENV_CALLBACK_URL),
                f"OPENID_CALLBACK_URL is '{shown(callback)}'; LibreChat's route is "
                f"{facts.CALLBACK_PATH}",
                f"set OPENID_CALLBACK_URL={facts.CALLBACK_PATH}")


@rule("session-secret-reused")
def check_session_secret(run: Run) -> None:
    """OPENID_SESSION_SECRET is not the client secret (session-secret-reused)."""
    secret = run.value(facts.ENV_CLIENT_SECRET)
    if secret and secret == run.value(facts.ENV_SESSION_SECRET):
        run.add("session-secret-reused", run.where(facts.ENV_SESSION_SECRET),
                "OPENID_SESSION_SECRET equals OPENID_CLIENT_SECRET",
                "set OPENID_SESSION_SECRET to its own random value "
                "(librechat-authelia rand)")


@rule("end-session-unsupported")
def check_end_session(run: Run) -> None:
    """OPENID_USE_END_SESSION_ENDPOINT is off: Authelia has no end-session endpoint
    (end-session-unsupported, a warning)."""
    if truthy(run.value("OPENID_USE_END_SESSION_ENDPOINT")):
        run.add("end-session-unsupported", run.where("OPENID_USE_END_SESSION_ENDPOINT"),
                "Authelia has no end-session endpoint: logout stays local to LibreChat",
                "remove OPENID_USE_END_SESSION_ENDPOINT or set it to false")


# How LibreChat sends the secret and checks roles (FACTS.md) ---------------------------------


@rule("env-auth-method-unset", "env-auth-method-unknown", "env-auth-method-ignored")
def check_env_auth_method(run: Run) -> None:
    """OPENID_TOKEN_ENDPOINT_AUTH_METHOD is set (env-auth-method-unset, LibreChat >= 0.7.9),
    known (env-auth-method-unknown) and what released LibreChat sends
    (env-auth-method-ignored).

    Released LibreChat reads no OPENID_TOKEN_ENDPOINT_AUTH_METHOD and posts the secret; a
    development build reads it (default client_secret_basic, also for a value it does not
    know). Only the line equal to what releases send makes every build agree."""
    key = facts.ENV_TOKEN_ENDPOINT_AUTH_METHOD
    if not run.checkable(key):
        return
    value = run.value(key)
    pkce_only = not run.value(facts.ENV_CLIENT_SECRET) and truthy(run.value("OPENID_USE_PKCE"))
    released = facts.token_endpoint_auth_method(run.librechat)
    if not value:
        if run.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6 and not pkce_only:
            run.add("env-auth-method-unset", run.where(key),
                    f"{key} is not set: released LibreChat {run.librechat} posts the client "
                    f"secret ({released}), but a development build sends HTTP Basic "
                    f"({facts.DEV_BUILD_AUTH_METHOD_DEFAULT}): the method depends on the build",
                    f"add {key}={released} to .env (apply env adds it), the same method as the "
                    "client's token_endpoint_auth_method")
        return
    if value not in facts.TOKEN_ENDPOINT_AUTH_METHODS:
        run.add("env-auth-method-unknown", run.where(key),
                f"{key} is {shown(value)}, which LibreChat does not know: a build that reads "
                f"it falls back to {facts.DEV_BUILD_AUTH_METHOD_DEFAULT}",
                f"set {key}={released} (one of {', '.join(facts.TOKEN_ENDPOINT_AUTH_METHODS)})")
        return
    if value != released and not pkce_only:
        run.add("env-auth-method-ignored", run.where(key),
                f"{key} is {value}, but released LibreChat {run.librechat} ignores it and "
                f"sends {released}"
                + (f": only a development build sends {value}"
                   if run.librechat >= facts.LIBRECHAT_OPENID_CLIENT_6 else ""),
                f"set {key}={released} and the client's token_endpoint_auth_method: "
                f"'{released}', so every build agrees")


def _admin_role_complete(run: Run, keys: tuple[str, ...]) -> bool | None:
    """The admin role's three variables: True all set, None none set, False some (then
    admin-role-incomplete is reported)."""
    present = [k for k in keys if run.value(k)]
    if not present:
        return None
    if len(present) == len(keys):
        return True
    missing = [k for k in keys if k not in present]
    run.add("admin-role-incomplete", run.where(present[0]),
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: "
            "LibreChat checks the admin role only with all three, so it promotes "
            "nobody",
            f"set {facts.ENV_ADMIN_ROLE}=<group>, "
            f"{facts.ENV_ADMIN_ROLE_PARAMETER_PATH}={facts.ADMIN_ROLE_PARAMETER_PATH} "
            f"and {facts.ENV_ADMIN_ROLE_TOKEN_KIND}={facts.ADMIN_ROLE_TOKEN_KIND}")
    return False


@rule("admin-role-incomplete", "role-token-kind-invalid")
def check_role_variables(run: Run) -> None:
    """OPENID_ADMIN_ROLE comes with its parameter path and token kind
    (admin-role-incomplete), and each role's token kind, which has no default, is one this
    LibreChat reads (role-token-kind-invalid)."""
    for prefix in ("OPENID_REQUIRED_ROLE", facts.ENV_ADMIN_ROLE):
        kind_key = f"{prefix}_TOKEN_KIND"
        keys = (prefix, f"{prefix}_PARAMETER_PATH", kind_key)
        if not run.checkable(*keys):
            continue
        kinds = facts.role_token_kinds(prefix, run.librechat)
        if prefix == facts.ENV_ADMIN_ROLE:
            if not _admin_role_complete(run, keys):
                continue
        elif not run.value(prefix):
            continue
        kind = run.value(kind_key)
        if kind not in kinds:
            what = (f"{kind_key} is {shown(kind)}" if kind else f"{kind_key} is not set")
            effect = ("every login is refused" if prefix != facts.ENV_ADMIN_ROLE
                      else "every login fails")
            run.add("role-token-kind-invalid", run.where(kind_key if kind else prefix),
                    f"{what}: LibreChat {run.librechat} reads {' or '.join(kinds)}, so "
                    f"{effect}",
                    f"set {kind_key}=id (Authelia's access tokens are opaque: the groups "
                    "claim is read from the ID token)")


# In order: the order of the findings.
ENV_RULES = [
    check_ignored_lines,
    check_duplicate_keys,
    check_truncated_values,
    check_extra_ca,
    check_required,
    check_client_secret_set,
    check_social_login,
    check_urls,
    check_issuer_https,
    check_domain_server,
    check_callback_url,
    check_session_secret,
    check_end_session,
    check_env_auth_method,
    check_role_variables,
]
