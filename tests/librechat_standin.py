"""The Authelia stand-in (doctor_standins.py) with users, as LibreChat's login meets them.

Configured from the rendered Authelia block itself: the client's redirect URIs, scopes,
token_endpoint_auth_method (enforced: another method gets invalid_client), the group of its
authorization policy (others get access_denied) and the claims its claims policy puts into
the ID token. As Authelia 4.39 does, the ID token carries only the standard claims unless a
claims policy lists more; name, preferred_username, email and groups come from the userinfo
endpoint, each with its scope.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml
from doctor_standins import AutheliaHandler, AutheliaState, Client, sign_jwt

# The claims each scope releases at the userinfo endpoint (Authelia's standard claims).
SCOPE_CLAIMS = {"profile": ("name", "preferred_username"), "email": ("email", "email_verified"),
                "groups": ("groups",)}


@dataclass
class User:
    name: str
    email: str
    groups: list


@dataclass
class PolicyClient(Client):
    required_group: str = ""  # from the client's authorization policy
    id_token_claims: tuple = ()  # from the client's claims policy


@dataclass
class UsersState(AutheliaState):
    users: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)  # token -> (user, scopes)

    def claims(self, user: str, scopes, names) -> dict:
        person = self.users[user]
        known = {"name": person.name, "preferred_username": user, "email": person.email,
                 "email_verified": True, "groups": list(person.groups)}
        return {name: known[name] for scope in scopes for name in SCOPE_CLAIMS.get(scope, ())
                if name in names}


def client_from_block(block: str, secret: str) -> tuple[str, PolicyClient]:
    """The client of a rendered Authelia block (YAML), with the plaintext secret it hashes."""
    oidc = yaml.safe_load(block)["identity_providers"]["oidc"]
    (entry,) = oidc["clients"]
    group = ""
    policy = (oidc.get("authorization_policies") or {}).get(entry["authorization_policy"])
    if policy:
        (rule,) = policy["rules"]
        group = rule["subject"].removeprefix("group:")
    claims = ()
    if entry.get("claims_policy"):
        claims = tuple(oidc["claims_policies"][entry["claims_policy"]].get("id_token", ()))
    return entry["client_id"], PolicyClient(
        secret=secret, redirect_uris=list(entry["redirect_uris"]), scopes=list(entry["scopes"]),
        auth_method=entry["token_endpoint_auth_method"], required_group=group,
        id_token_claims=claims)


class UsersHandler(AutheliaHandler):
    def do_GET(self):
        if urlsplit(self.path).path == "/api/oidc/userinfo":
            return self._userinfo()
        return super().do_GET()

    def _userinfo(self):
        self._read()
        state: UsersState = self.server.state
        auth = self.headers.get("authorization", "")
        held = state.access_tokens.get(auth[7:]) if auth.lower().startswith("bearer ") else None
        if held is None:
            return self._send(401, {"error": "invalid_token"},
                              {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        user, scopes = held
        return self._send(200, {"sub": user, **state.claims(user, scopes, _ALL_CLAIMS)})

    def _authorize(self, q):
        state: UsersState = self.server.state
        client = state.clients.get(q.get("client_id", ""))
        user = state.login_user
        if isinstance(client, PolicyClient) and client.required_group and user is not None \
                and q.get("redirect_uri") in client.redirect_uris \
                and client.required_group not in state.users[user].groups:
            return self._back(q["redirect_uri"], {
                "error": "access_denied", "state": q.get("state", ""), "iss": state.issuer,
                "error_description": "The resource owner or authorization server denied the "
                                     "request."})
        return super()._authorize(q)

    def _token(self, form):
        grant = self.server.state.codes.get(form.get("code", ""))
        self._grant = dict(grant) if grant else None
        return super()._token(form)

    def _send(self, status, body=b"", headers=None, content_type="application/json"):
        grant = getattr(self, "_grant", None)
        if status == 200 and isinstance(body, dict) and "id_token" in body and grant:
            self._grant = None
            body = self._with_user_claims(body, grant)
        return super()._send(status, body, headers, content_type)

    def _with_user_claims(self, body: dict, grant: dict) -> dict:
        state: UsersState = self.server.state
        scopes = grant.get("scope", "").split()
        client = state.clients[grant["client_id"]]
        claims = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[1] + "=="))
        claims.update(state.claims(grant["user"], scopes,
                                   getattr(client, "id_token_claims", ())))
        access = "authelia_at_" + secrets.token_urlsafe(32)
        state.access_tokens[access] = (grant["user"], scopes)
        return {**body, "access_token": access, "id_token": sign_jwt(claims)}


_ALL_CLAIMS = tuple(name for names in SCOPE_CLAIMS.values() for name in names)
