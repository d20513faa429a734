"""The Authelia branch: resolve -> (TLS ‖ discovery) -> (JWKS ‖ the profile's authorization
request ‖ one token request)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from urllib.parse import quote, urlencode, urlsplit

import httpx

from ..core.findings import Finding
from . import answers, tlsprobe
from .answers import origin, strip_query
from .base import (
    HTTP_ERRORS,
    failure_reason,
    in_daemon_thread,
    is_loopback,
    token_refusal,
)
from .env_checks import not_checked_finding, secret_source
from .replies import (
    NOT_JSON,
    OBJECTS,
    STRING,
    STRINGS,
    ResponseTooLarge,
    kind_of,
    read_json,
    url_problem,
    wrong_fields,
)

# The fields of discovery the doctor uses, and their JSON types.
_DISCOVERY_FIELDS = {
    "issuer": STRING, "authorization_endpoint": STRING, "token_endpoint": STRING,
    "jwks_uri": STRING, "code_challenge_methods_supported": STRINGS,
    "token_endpoint_auth_methods_supported": STRINGS,
}
_ENDPOINTS = (("authorization_endpoint", "_authorize_ok"), ("token_endpoint", "_token_ok"),
              ("jwks_uri", "_jwks_ok"))
_JWK_FIELDS = {"kty": STRING, "alg": STRING, "use": STRING, "kid": STRING}
_TOKEN_FIELDS = {"error": STRING, "error_description": STRING, "error_hint": STRING}


class AutheliaProbes:
    async def authelia(self, client: httpx.AsyncClient) -> None:
        try:
            await self._authelia(client)
        finally:
            for future in (self.discovery, self.tls_done):
                if not future.done():
                    future.set_result(None)

    async def _authelia(self, client) -> None:
        target = self.target
        parts = urlsplit(target.issuer)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme == "http" and not is_loopback(host):
            self.emit(Finding(
                "issuer-not-https", "error",
                f"OPENID_ISSUER is {self.show(target.issuer)}: openid-client 6 (LibreChat "
                "0.7.9 and newer) refuses http:// issuers, and Authelia answers only requests that "
                "arrive as https for its cookie domain (no client secret is sent over it)",
                "set OPENID_ISSUER to Authelia's public https URL (like "
                "https://auth.example.com), never the container's http://authelia:9091"))
        # Discovery starts at once; the resolver's verdict only decides what a failure means.
        discovery = asyncio.ensure_future(self._request(client, "GET", target.discovery_url))
        try:
            await asyncio.wait_for(in_daemon_thread(self.resolver, host, port), self._budget())
        except (OSError, asyncio.TimeoutError) as error:
            discovery.cancel()
            await asyncio.gather(discovery, return_exceptions=True)
            self.issuer_state = "dns"
            self.emit(Finding(
                "dns-failed", "error",
                f"{self.show(host)} does not resolve here "
                f"({failure_reason(error, self.timeout)})",
                "add a DNS record (or a hosts entry) for Authelia's public name; LibreChat's "
                "container must resolve it too"))
            return

        tls_task = None
        if parts.scheme == "https":
            tls_task = asyncio.ensure_future(self._tls(host, port))
        try:
            response = await discovery
        except HTTP_ERRORS as error:
            if tls_task is not None:
                outcome = await tls_task
                if outcome.state in (tlsprobe.FAILED, tlsprobe.UNTRUSTED) \
                        and not isinstance(error, ResponseTooLarge):
                    self.issuer_state = "tls" if outcome.state == tlsprobe.UNTRUSTED \
                        else "connect"
                    return
            code = "connect-failed" if isinstance(error, (httpx.ConnectError, OSError)) \
                else "discovery-failed"
            self.issuer_state = "connect" if code == "connect-failed" else "discovery"
            self.emit(self.failed(error, code, self.show(target.discovery_url),
                                  "check that Authelia and its reverse proxy are running and "
                                  "reachable at OPENID_ISSUER"))
            return
        local_now = time.time()
        document = self._discovery_document(response)
        if document is None:
            self.issuer_state = "discovery"
            if tls_task is not None:
                await tls_task
            return
        self.issuer_state = "ok"
        self.emit(answers.classify_clock(response.headers.get("date", ""), local_now))
        self.discovery.set_result(document)

        probes = []
        if document.get("_jwks_ok"):
            probes.append(self._jwks(client, document["jwks_uri"]))
        authorize = None
        if document.get("_authorize_ok"):
            authorize = asyncio.ensure_future(self._authorize_profile(client, document))
            probes.append(authorize)
        probes.append(self._token(client, document, authorize))
        if tls_task is not None:
            probes.append(tls_task)
        await asyncio.gather(*probes)

    async def _tls(self, host, port) -> tlsprobe.TlsOutcome:
        try:
            outcome = await asyncio.wait_for(
                in_daemon_thread(tlsprobe.check_tls, host, port, self.target.ca_file,
                                  self._budget()),
                self._budget() + 0.5)
        except asyncio.TimeoutError:
            outcome = tlsprobe.TlsOutcome(tlsprobe.FAILED, Finding(
                "connect-failed", "error", f"{self.show(host)}:{port}: no answer within "
                f"{self.timeout:g} s", "check that Authelia's proxy is running"), "")
        self.tls = outcome
        self.emit(outcome.finding)
        if not self.tls_done.done():
            self.tls_done.set_result(outcome)
        return outcome

    def _discovery_json(self, response):
        """Discovery's JSON object, or None after a finding (a redirect, another status, not
        JSON, not an object)."""
        url = self.show(self.target.discovery_url)
        if response.is_redirect:
            where = self.show(response.headers.get("location", ""))
            self.emit(Finding(
                "discovery-failed", "error",
                f"{url} redirects to {where} (not followed; LibreChat does not follow it "
                "either)", "set OPENID_ISSUER to the URL Authelia really answers at"))
            return None
        fix_proxy = ("check that OPENID_ISSUER is Authelia's public URL and that the reverse "
                     "proxy passes /.well-known/ to Authelia")
        if response.status_code != 200:
            self.emit(Finding("discovery-failed", "error",
                              f"{url} answered {response.status_code}", fix_proxy))
            return None
        document, problem = read_json(response)
        if problem == NOT_JSON:
            self.emit(Finding("discovery-failed", "error", f"{url} did not answer JSON",
                              fix_proxy))
            return None
        if problem or not isinstance(document, dict):
            what = problem or f"JSON that is {kind_of(document)}, not an object"
            self.emit(Finding("discovery-malformed", "error", f"{url} answered {what}",
                              fix_proxy))
            return None
        return document

    def _discovery_document(self, response):
        """What discovery says, checked: a new dict holding only the values whose type and
        URL were checked, and a flag per endpoint that may be probed; None if unusable."""
        target = self.target
        document = self._discovery_json(response)
        if document is None:
            return None
        problems = 0
        wrong = wrong_fields(document, _DISCOVERY_FIELDS)
        for key, what in wrong.items():
            problems += 1
            self.emit(Finding(
                "discovery-malformed", "error",
                f"discovery's {key} is {what}, not {_DISCOVERY_FIELDS[key]} (not used)",
                "check that the proxy serves Authelia's own discovery document"))
        checked = {key: document[key] for key in _DISCOVERY_FIELDS
                   if key in document and key not in wrong}
        issuer = checked.get("issuer")
        if issuer is None and "issuer" not in wrong:
            problems += 1
            self.emit(Finding(
                "discovery-issuer-mismatch", "error",
                f"discovery has no issuer, OPENID_ISSUER is '{self.show(target.issuer)}': "
                "openid-client requires them equal",
                "check that the proxy serves Authelia's own discovery document"))
        elif issuer is not None and issuer != target.issuer:
            problems += 1
            self.emit(Finding(
                "discovery-issuer-mismatch", "error",
                f"discovery's issuer is '{self.show(issuer)}', OPENID_ISSUER is "
                f"'{self.show(target.issuer)}': openid-client requires them equal",
                f"set OPENID_ISSUER={self.show(issuer)} (or Authelia's session.cookies "
                f"authelia_url to {self.show(target.issuer)})"))
        if "code_challenge_methods_supported" not in wrong \
                and "S256" not in checked.get("code_challenge_methods_supported", []):
            problems += 1
            self.emit(Finding(
                "discovery-no-s256", "error",
                "discovery does not offer the S256 PKCE challenge method LibreChat sends",
                "remove pkce_challenge_method: plain from the client, and check that the "
                "proxy serves Authelia's own discovery document"))
        methods = checked.get("token_endpoint_auth_methods_supported", [])
        if "token_endpoint_auth_methods_supported" not in wrong \
                and target.auth_method not in methods:
            problems += 1
            offered = self.show(", ".join(methods)) or "none"
            self.emit(Finding(
                "discovery-auth-method-unsupported", "error",
                f"discovery does not offer {self.show(target.auth_method)}, the method this "
                f"LibreChat version sends the client secret with (offered: {offered})",
                "upgrade Authelia to 4.38 or newer, or set the LibreChat version in the "
                "profile to the one deployed"))
        for key, flag in _ENDPOINTS:
            value = checked.pop(key, None)
            if key in wrong:
                continue
            if not value:
                problems += 1
                self.emit(Finding("discovery-failed", "error", f"discovery has no {key}",
                                  "check that the proxy serves Authelia's discovery document"))
                continue
            bad = url_problem(value)
            if bad:
                problems += 1
                self.emit(Finding(
                    "discovery-malformed", "error",
                    f"discovery's {key} '{self.show(value)}' is not a valid URL "
                    f"({self.show(bad)}; not probed)",
                    "check that the proxy serves Authelia's own discovery document"))
                continue
            checked[key] = value  # a valid URL: LibreChat's branch may compare with it
            if origin(value) != origin(target.issuer):
                problems += 1
                self.emit(Finding(
                    "discovery-endpoint-off-origin", "error",
                    f"discovery's {key} {self.show(strip_query(value))} is not on the "
                    "issuer's origin (not probed)",
                    "serve Authelia under one public URL and set it as OPENID_ISSUER"))
            else:
                checked[flag] = True
        if not problems:
            self.emit(Finding("discovery-ok", "ok",
                              f"discovery at {self.show(target.discovery_url)}: issuer "
                              "matches, S256 and "
                              f"{self.show(target.auth_method)} offered, endpoints on the "
                              "issuer's origin", ""))
        return checked

    async def _jwks(self, client, url) -> None:
        fix = ("add an RSA key (2048 bits or more) with algorithm RS256 and use sig to "
               "identity_providers.oidc.jwks and restart Authelia")
        where = f"JWKS {self.show(url)}"
        try:
            response = await self._request(client, "GET", url)
        except HTTP_ERRORS as error:
            self.emit(self.failed(error, "jwks-unusable", where,
                                  "check that the proxy passes Authelia's jwks.json"))
            return
        if response.status_code != 200:
            self.emit(Finding("jwks-unusable", "error",
                              f"{where} answered {response.status_code}", fix))
            return
        document, problem = read_json(response)
        if problem == NOT_JSON:
            self.emit(Finding("jwks-unusable", "error", f"{where} did not answer JSON", fix))
            return
        malformed = problem or (f"JSON that is {kind_of(document)}, not an object"
                                if not isinstance(document, dict) else "")
        if not malformed:
            wrong = wrong_fields(document, {"keys": OBJECTS})
            if wrong:
                malformed = f"keys that is {wrong['keys']}, not {OBJECTS}"
            else:
                for key in document.get("keys", []):
                    wrong = wrong_fields(key, _JWK_FIELDS)
                    if wrong:
                        name, what = next(iter(wrong.items()))
                        malformed = f"a key whose {name} is {what}, not {_JWK_FIELDS[name]}"
                        break
        if malformed:
            self.emit(Finding("jwks-malformed", "error", f"{where} answered {malformed}",
                              "check that the proxy passes Authelia's own jwks.json"))
            return
        usable = [k for k in document.get("keys", []) if k.get("kty") == "RSA"
                  and k.get("alg", "RS256") == "RS256" and k.get("use", "sig") == "sig"]
        if usable:
            kid = self.show(usable[0]["kid"]) if "kid" in usable[0] else "no kid"
            self.emit(Finding("jwks-ok", "ok", f"JWKS has an RS256 signing key ({kid})", ""))
            return
        self.emit(Finding("jwks-unusable", "error",
                          f"{where} has no RSA key for RS256 signatures", fix))

    def _authorization_url(self, endpoint: str) -> str:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({
            "client_id": self.target.client_id, "response_type": "code",
            "scope": " ".join(self.target.scopes), "redirect_uri": self.target.redirect_uri,
            "state": secrets.token_urlsafe(24), "code_challenge": challenge,
            "code_challenge_method": "S256", "prompt": "none",
        })
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    async def _authorize_profile(self, client, document) -> Finding | None:
        url = self._authorization_url(document["authorization_endpoint"])
        finding = await self._authorize(client, url, self.target.redirect_uri,
                                        self.target.scopes, "the expected")
        self.emit(finding)
        return finding

    async def _authorize(self, client, url, redirect_uri, scopes, who) -> Finding:
        try:
            response = await self._request(client, "GET", url)
        except HTTP_ERRORS as error:
            return self.failed(error, "authorize-failed", f"{who} authorization request",
                               "check that the proxy passes /api/oidc/ to Authelia")
        location = response.headers.get("location", "") if response.is_redirect else ""
        body = None
        if not location:
            body, problem = read_json(response)
            if problem and problem != NOT_JSON:
                return Finding("authorize-failed", "error",
                               f"{who} authorization request: Authelia answered "
                               f"{response.status_code} with {problem}",
                               "check what answers at Authelia's authorization endpoint")
        return answers.classify_authorize(
            response.status_code, location, body, issuer=self.target.issuer,
            redirect_uri=redirect_uri, scopes=scopes, who=who, show=self.show)

    async def _token(self, client, document, authorize) -> None:
        token = await self._token_request(client, document, authorize)
        if token is not None or getattr(self.target, "env_note", ""):
            self.emit(not_checked_finding(self.target, token))

    async def _token_request(self, client, document, authorize) -> Finding | None:
        """The token probe; its finding, or None when no request was answered."""
        if not self.token_probe:
            self.emit(Finding("token-probe-skipped", "info",
                              "no token request sent (--no-token-probe): the client secret "
                              "and auth method are not checked", ""))
            return
        endpoint = document.get("token_endpoint", "")
        refusal = "discovery has no usable token endpoint" if not document.get("_token_ok") \
            else token_refusal(endpoint, self.target)
        if refusal:
            self.emit(Finding("token-probe-skipped", "warning",
                              f"no token request sent: {refusal}; the client secret is not "
                              "checked", ""))
            return None
        if self.token_requests:
            return None  # never more than one per run: each failure counts towards the rate limit
        self.token_requests += 1
        target = self.target
        data = {"grant_type": "authorization_code",
                "code": "doctor-made-up-code-" + secrets.token_urlsafe(16),
                "redirect_uri": target.redirect_uri,
                "code_verifier": secrets.token_urlsafe(48)}
        headers = {}
        if target.auth_method == "client_secret_post":
            data.update(client_id=target.client_id, client_secret=target.client_secret)
        else:
            pair = f"{quote(target.client_id, safe='')}:{quote(target.client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        try:
            response = await self._request(client, "POST", endpoint, data=data, headers=headers)
        except HTTP_ERRORS as error:
            finding = self.failed(error, "token-unexpected", "token endpoint",
                                  "check that the proxy passes /api/oidc/token to Authelia")
            self.emit(finding)
            return finding
        body, problem = read_json(response)
        malformed = problem if problem != NOT_JSON else ""
        if not malformed and body is not None:
            wrong = wrong_fields(body, _TOKEN_FIELDS) if isinstance(body, dict) else {}
            if not isinstance(body, dict):
                malformed = f"JSON that is {kind_of(body)}, not an object"
            elif wrong:
                name, what = next(iter(wrong.items()))
                malformed = f"JSON whose {name} is {what}, not a string"
        if malformed and response.status_code != 429:
            finding = Finding("token-response-malformed", "error",
                              f"token endpoint: answered {response.status_code} with "
                              f"{malformed}",
                              "check what answers at Authelia's token endpoint (a proxy in "
                              "front of it?) and read Authelia's log")
            self.emit(finding)
            return finding
        known = None
        if authorize is not None:
            verdict = await authorize
            if verdict is not None and verdict.code in (
                    "authorize-ok", "authorize-redirect-mismatch", "authorize-scope-not-allowed"):
                known = True
            elif verdict is not None and verdict.code == "authorize-client-unknown":
                known = False
        finding = answers.classify_token(response.status_code, None if malformed else body,
                                         response.headers.get("retry-after", ""),
                                         client_known=known, method=target.auth_method,
                                         show=self.show, whose=secret_source(target))
        self.emit(finding)
        return finding

    # LibreChat ---------------------------------------------------------------------------

