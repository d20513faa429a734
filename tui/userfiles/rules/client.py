"""LibreChat's client in Authelia's configuration, held against LibreChat's .env.

`check_client` finds the client whose client_id is OPENID_CLIENT_ID, then runs
CLIENT_RULES on it in order. A key of the client that comes from a template is reported
once per rule that reads it (`value-not-checkable`), never guessed.
"""

from __future__ import annotations

from ...core import digest, facts
from ...core.shown import shown
from ..authelia_config import CLIENTS, OIDC
from .common import (
    AUTHELIA_DEFAULT_SCOPES,
    LIBRECHAT_DEFAULT_DOMAIN,
    as_list,
    env_auth_method,
    truthy,
)
from .registry import rule

# Not `from typing import TYPE_CHECKING`: importing typing costs the CLI ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .common import Run


class Client:
    """The client as the rules see it: its keys, where each is written, what LibreChat
    sends it."""

    def __init__(self, run: Run, oidc: dict, index: int) -> None:
        assert run.config is not None
        self.run = run
        self.config = run.config
        self.oidc = oidc
        self.base = (*CLIENTS, index)
        self.data: dict[str, Any] = self.config.get(self.base)
        self.public = self.data.get("public") is True
        self.env_secret = run.value(facts.ENV_CLIENT_SECRET)
        scopes = self.data.get("scopes")
        self.allowed = as_list(scopes) if scopes is not None else list(AUTHELIA_DEFAULT_SCOPES)

    def where(self, key: str) -> str | None:
        """The line of `key`, or of the client when the key is not written."""
        if key in self.data:
            return self.config.where((*self.base, key))
        return self.config.where(self.base)

    def templated(self, key: str) -> bool:
        """Report (value-not-checkable) and return True when `key` comes from a template."""
        if key in self.data and self.config.is_templated(self.data[key]):
            self.run.add("value-not-checkable", self.where(key),
                         f"the client's {key} comes from a template; not checked",
                         "check it by hand")
            return True
        return False


def _matching_clients(run: Run, client_id: str) -> tuple[list[int], bool]:
    """The indexes of the clients with this client_id, and whether any client_id is a
    template (then the client may be there)."""
    assert run.config is not None
    matches, templated = [], False
    for index, client in run.config.clients():
        if not isinstance(client, dict):
            continue
        cid = client.get("client_id", client.get("id"))
        if run.config.is_templated(cid):
            templated = True
        elif cid == client_id:
            matches.append(index)
    return matches, templated


def find_client(run: Run, oidc: dict) -> Client | None:
    """The client named by OPENID_CLIENT_ID; reports a missing or duplicated one."""
    config = run.config
    assert config is not None
    client_id = run.value(facts.ENV_CLIENT_ID)
    if not client_id:
        return None
    matches, templated = _matching_clients(run, client_id)
    if not matches:
        if templated:
            run.add("value-not-checkable", config.where(CLIENTS),
                    "a client_id comes from a template; the client may be there",
                    "check the client by hand")
            return None
        run.add("client-not-found", config.where(CLIENTS) or config.where(OIDC),
                f"no client has client_id '{shown(client_id)}' (OPENID_CLIENT_ID, "
                f"{run.where(facts.ENV_CLIENT_ID)})",
                "add LibreChat's client (librechat-authelia apply authelia) or fix "
                "OPENID_CLIENT_ID")
        return None
    if len(matches) > 1:
        lines = ", ".join(config.where((*CLIENTS, i)) or "?" for i in matches)
        run.add("client-id-duplicate", config.where((*CLIENTS, matches[1])),
                f"{len(matches)} clients have client_id '{shown(client_id)}' ({lines})",
                "keep one of them: Authelia refuses duplicate client IDs")
    return Client(run, oidc, matches[0])


@rule("client-not-found", "client-id-duplicate", "value-not-checkable")
def check_client(run: Run, oidc: dict) -> None:
    """The client with OPENID_CLIENT_ID exists once (client-not-found, client-id-duplicate;
    value-not-checkable when a client_id is a template), then CLIENT_RULES on it."""
    client = find_client(run, oidc)
    if client is None:
        return
    for check in CLIENT_RULES:
        check(run, client)


def librechat_redirect_uris(client: Any) -> list[str]:
    """The client's redirect URIs that end in LibreChat's callback paths (the login's and
    the admin panel's)."""
    uris = as_list(client.get("redirect_uris")) if isinstance(client, dict) else []
    return [u for u in uris if isinstance(u, str)
            and u.endswith((facts.CALLBACK_PATH, facts.ADMIN_CALLBACK_PATH))]


def _first_shared_uri(run: Run) -> tuple[str, int, int] | None:
    """(uri, first client, second client) for the first LibreChat redirect URI that two
    clients with different client_ids list (a template is not compared)."""
    assert run.config is not None
    seen: dict[str, int] = {}
    clients = dict(run.config.clients())
    for index, client in clients.items():
        if run.config.is_templated(client.get("redirect_uris") if isinstance(client, dict)
                                   else None):
            continue
        for uri in librechat_redirect_uris(client):
            first = seen.setdefault(uri, index)
            if first != index and _client_id(clients[first]) != _client_id(client):
                return uri, first, index
    return None


def _client_id(client: Any) -> Any:
    return client.get("client_id", client.get("id")) if isinstance(client, dict) else None


@rule("redirect-uri-shared")
def check_shared_redirect(run: Run, oidc: dict) -> None:
    """Two clients list the same LibreChat redirect URI (redirect-uri-shared): LibreChat
    logs in with one, the other is left over and still accepts logins (its old secret)."""
    assert run.config is not None
    found = _first_shared_uri(run)
    if found is None:
        return
    uri, first, second = found
    config = run.config
    ids = [_client_id(config.get((*CLIENTS, i))) for i in (first, second)]
    used = run.value(facts.ENV_CLIENT_ID)
    unused = ids[1] if used != ids[1] else ids[0]
    where = [config.where((*CLIENTS, i)) or "?" for i in (first, second)]
    run.add("redirect-uri-shared", where[1],
            f"two clients serve the LibreChat at {shown(uri)}: '{shown(ids[0])}' ({where[0]}) "
            f"and '{shown(ids[1])}' ({where[1]}) both list it; LibreChat logs in with one "
            "(OPENID_CLIENT_ID), the other is left over and still accepts logins",
            f"remove the client '{shown(unused)}' (or its redirect URI); if LibreChat should "
            "use it, set OPENID_CLIENT_ID to it instead")


# The rules ---------------------------------------------------------------------------------


@rule("client-secret-plaintext", "client-secret-mismatch", "value-not-checkable")
def check_client_secret(run: Run, client: Client) -> None:
    """The stored secret is a digest (client-secret-plaintext, a warning) made from
    OPENID_CLIENT_SECRET (client-secret-mismatch; verified once per audit: it is slow)."""
    stored = client.data.get("client_secret", client.data.get("secret"))
    if stored is None or client.public or client.templated("client_secret"):
        return
    stored = str(stored)
    plaintext = digest.is_plaintext(stored) or not stored.startswith("$")
    if plaintext:
        run.add("client-secret-plaintext", client.where("client_secret"),
                "the client secret is stored as plaintext, which Authelia deprecates",
                "store a digest: librechat-authelia hash < secret-file")
    if not client.env_secret or not run.verifying:
        return
    try:
        ok = run.verify_secret(client.env_secret, stored, plaintext)
    except digest.NotADigest as error:
        run.add("client-secret-mismatch", client.where("client_secret"), shown(error),
                "store the digest of OPENID_CLIENT_SECRET (librechat-authelia hash)")
        return
    if not ok:
        run.add("client-secret-mismatch", client.where("client_secret"),
                "the client's client_secret was not made from OPENID_CLIENT_SECRET "
                f"({run.where(facts.ENV_CLIENT_SECRET)}): Authelia answers invalid_client",
                "store the digest of OPENID_CLIENT_SECRET (librechat-authelia hash), or "
                "put the matching secret in .env")


@rule("public-client")
def check_public_client(run: Run, client: Client) -> None:
    """A public client (public: true) while LibreChat sends a secret (public-client)."""
    if client.public and client.env_secret:
        run.add("public-client", client.where("public"),
                "the client is public: true, but LibreChat sends OPENID_CLIENT_SECRET",
                "set public: false (and keep client_secret), or remove "
                "OPENID_CLIENT_SECRET and set OPENID_USE_PKCE=true")


@rule("auth-method-mismatch", "value-not-checkable")
def check_auth_method(run: Run, client: Client) -> None:
    """token_endpoint_auth_method (default client_secret_basic, none for a public client)
    is the method this LibreChat sends (auth-method-mismatch)."""
    if client.templated("token_endpoint_auth_method"):
        return
    default = "none" if client.public else "client_secret_basic"
    method = client.data.get("token_endpoint_auth_method") or default
    sends = env_auth_method(run) or (
        "none" if not client.env_secret and truthy(run.value("OPENID_USE_PKCE"))
        else facts.token_endpoint_auth_method(run.librechat))
    if method != sends:
        run.add("auth-method-mismatch", client.where("token_endpoint_auth_method"),
                f"the client's token_endpoint_auth_method is {shown(method)}"
                f"{' (the default)' if 'token_endpoint_auth_method' not in client.data else ''}"
                f", but LibreChat {run.librechat} sends {shown(sends)}: Authelia answers "
                "invalid_client",
                f"set token_endpoint_auth_method: '{shown(sends)}'")


@rule("redirect-uri-mismatch", "value-not-checkable")
def check_redirect(run: Run, client: Client) -> None:
    """DOMAIN_SERVER + OPENID_CALLBACK_URL is one of redirect_uris (redirect-uri-mismatch)."""
    if client.templated("redirect_uris"):
        return
    domain = run.value(facts.ENV_DOMAIN_SERVER)
    callback = run.value(facts.ENV_CALLBACK_URL)
    if callback is None or not run.checkable(facts.ENV_DOMAIN_SERVER):
        return
    sent = (domain if domain is not None else LIBRECHAT_DEFAULT_DOMAIN) + callback
    if sent not in as_list(client.data.get("redirect_uris")):
        run.add("redirect-uri-mismatch", client.where("redirect_uris"),
                f"LibreChat sends redirect_uri {shown(sent)} (DOMAIN_SERVER + "
                "OPENID_CALLBACK_URL), which is not in the client's redirect_uris",
                "make them equal: redirect_uris: ['https://<LibreChat's public "
                f"URL>{facts.CALLBACK_PATH}'], the same URL as DOMAIN_SERVER")


@rule("admin-redirect-uri-mismatch", "value-not-checkable")
def check_admin_redirect(run: Run, client: Client) -> None:
    """A redirect URI ending in the admin panel's callback is LibreChat's admin panel's:
    DOMAIN_SERVER + that path (admin-redirect-uri-mismatch; info when this LibreChat has no
    admin panel login)."""
    if client.templated("redirect_uris") or not run.checkable(facts.ENV_DOMAIN_SERVER):
        return
    admin = [u for u in as_list(client.data.get("redirect_uris"))
             if isinstance(u, str) and u.endswith(facts.ADMIN_CALLBACK_PATH)]
    if not admin:
        return
    domain = run.value(facts.ENV_DOMAIN_SERVER) or LIBRECHAT_DEFAULT_DOMAIN
    sent = domain + facts.ADMIN_CALLBACK_PATH
    if run.librechat < facts.LIBRECHAT_ADMIN_PANEL:
        run.add("admin-redirect-uri-mismatch", client.where("redirect_uris"),
                f"the client lists the admin panel's redirect URI, but LibreChat "
                f"{run.librechat} has no admin panel login (it arrived in "
                f"{facts.LIBRECHAT_ADMIN_PANEL}): the URI is unused",
                "remove it, or upgrade LibreChat to use the admin panel", severity="info")
    elif sent not in admin:
        run.add("admin-redirect-uri-mismatch", client.where("redirect_uris"),
                f"LibreChat's admin panel sends redirect_uri {sent} (DOMAIN_SERVER + "
                f"{facts.ADMIN_CALLBACK_PATH}), which is not in the client's redirect_uris "
                f"(it lists {', '.join(shown(u) for u in admin)})",
                f"make them equal: the admin panel URI is DOMAIN_SERVER + "
                f"{facts.ADMIN_CALLBACK_PATH}")


@rule("scope-not-allowed", "value-not-checkable")
def check_scopes(run: Run, client: Client) -> None:
    """Every scope of OPENID_SCOPE is one the client allows (scope-not-allowed, one finding
    per scope)."""
    if client.templated("scopes") or not run.value(facts.ENV_SCOPE):
        return
    for scope in (run.value(facts.ENV_SCOPE) or "").split():
        if scope not in client.allowed:
            run.add("scope-not-allowed", client.where("scopes"),
                    f"OPENID_SCOPE asks for '{shown(scope)}', which the client does "
                    f"not allow ({shown(', '.join(map(str, client.allowed)))})",
                    f"add '{shown(scope)}' to the client's scopes, or remove it from "
                    "OPENID_SCOPE")


@rule("policy-undefined", "value-not-checkable")
def check_policy(run: Run, client: Client) -> None:
    """authorization_policy is one_factor, two_factor or a policy defined under
    identity_providers.oidc.authorization_policies (policy-undefined)."""
    policy = client.data.get("authorization_policy") or facts.DEFAULT_POLICY
    policies = client.oidc.get("authorization_policies")
    defined = set(policies) if isinstance(policies, dict) else set()
    if not client.templated("authorization_policy") and policy not in facts.POLICIES \
            and policy not in defined:
        run.add("policy-undefined", client.where("authorization_policy"),
                f"authorization_policy '{shown(policy)}' is not one_factor, two_factor or a "
                "policy under identity_providers.oidc.authorization_policies",
                "define the policy (apply authelia adds it) or use two_factor")


@rule("pkce-method-invalid", "value-not-checkable")
def check_pkce(run: Run, client: Client) -> None:
    """pkce_challenge_method, when written, is S256 (pkce-method-invalid)."""
    if "pkce_challenge_method" not in client.data or client.templated("pkce_challenge_method"):
        return
    method = client.data.get("pkce_challenge_method")
    if method != "S256":
        run.add("pkce-method-invalid", client.where("pkce_challenge_method"),
                f"pkce_challenge_method is '{shown(method)}'; LibreChat sends S256"
                + (" and the 4.38 schema rejects an empty value" if not method else ""),
                "set pkce_challenge_method: 'S256' (or remove the key)")


@rule("refresh-token-without-offline-access")
def check_refresh_token(run: Run, client: Client) -> None:
    """grant_types with refresh_token needs offline_access among the client's scopes
    (refresh-token-without-offline-access, a warning: Authelia warns too)."""
    grants = as_list(client.data.get("grant_types"))
    if "refresh_token" in grants and facts.REFRESH_SCOPE not in client.allowed:
        run.add("refresh-token-without-offline-access", client.where("grant_types"),
                "grant_types has refresh_token but scopes lack offline_access: Authelia "
                "logs a warning and issues no refresh token",
                "add offline_access to scopes (and OPENID_SCOPE), or drop refresh_token")


@rule("audience-not-allowed", "value-not-checkable")
def check_audience(run: Run, client: Client) -> None:
    """OPENID_AUDIENCE, when set, is in the client's audience (audience-not-allowed)."""
    audience = run.value("OPENID_AUDIENCE")
    if audience and not client.templated("audience") \
            and audience not in as_list(client.data.get("audience")):
        run.add("audience-not-allowed", client.where("audience"),
                f"OPENID_AUDIENCE is '{shown(audience)}', which the client's audience does "
                "not list: Authelia answers 'Requested audience ... has not been "
                "whitelisted'",
                f"add '{shown(audience)}' to the client's audience, or unset "
                "OPENID_AUDIENCE")


def _groups_problems(run: Run, client: Client, prefix: str, kind: str) -> list[str]:
    """Why the token LibreChat reads for `prefix` will not carry the groups claim."""
    problems = []
    if kind == "access" and (client.data.get("access_token_signed_response_alg")
                             in (None, "none")):
        problems.append(f"{prefix}_TOKEN_KIND=access, but Authelia's access tokens are "
                        "opaque")
    if "groups" not in (run.value(facts.ENV_SCOPE) or "").split():
        problems.append("OPENID_SCOPE does not ask for groups")
    if "groups" not in client.allowed:
        problems.append("the client does not allow the groups scope")
    return problems


def _claims_policy_has_groups(client: Client) -> bool:
    name = client.data.get("claims_policy")
    policies = client.oidc.get("claims_policies")
    if not name or not isinstance(policies, dict):
        return False
    policy = policies.get(name)
    return isinstance(policy, dict) and "groups" in as_list(policy.get("id_token"))


@rule("groups-claim-missing")
def check_groups(run: Run, client: Client) -> None:
    """A role check of LibreChat on groups gets a token that carries them
    (groups-claim-missing; a warning when only 4.39's claims policy is missing)."""
    for prefix in ("OPENID_REQUIRED_ROLE", "OPENID_ADMIN_ROLE"):
        path = run.value(f"{prefix}_PARAMETER_PATH") or ""
        if not run.value(prefix) or "groups" not in path.split("."):
            continue
        kind = (run.value(f"{prefix}_TOKEN_KIND") or "").strip() or "id"
        problems = _groups_problems(run, client, prefix, kind)
        if problems:
            run.add("groups-claim-missing", run.where(prefix),
                    f"{prefix} checks {shown(path)}, but the token will not carry it: "
                    + "; ".join(problems),
                    f"set {prefix}_TOKEN_KIND=id, {prefix}_PARAMETER_PATH=groups, and "
                    "the groups scope in OPENID_SCOPE and the client's scopes")
        elif kind == "id" and not _claims_policy_has_groups(client):
            run.add("groups-claim-missing", client.where("claims_policy"),
                    f"{prefix} reads groups from the ID token; from Authelia 4.39 the ID "
                    "token carries groups only with a claims_policy that lists them in "
                    "id_token",
                    "give the client a claims_policy whose id_token includes groups",
                    severity="warning")


# In order: the order of the findings.
CLIENT_RULES = [
    check_client_secret,
    check_public_client,
    check_auth_method,
    check_redirect,
    check_admin_redirect,
    check_scopes,
    check_policy,
    check_pkce,
    check_refresh_token,
    check_audience,
    check_groups,
]
