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

from . import answers, tlsprobe
from .answers import origin, strip_query
from .base import (
    HTTP_ERRORS,
    failure_reason,
    in_daemon_thread,
    is_loopback,
    json_body,
    token_refusal,
)
from .findings import Finding


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
                f"OPENID_ISSUER is {target.issuer}: openid-client 6 (LibreChat 0.7.9 and "
                "newer) refuses http:// issuers, and Authelia answers only requests that "
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
                f"{host} does not resolve here ({failure_reason(error, self.timeout)})",
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
                if outcome.state in (tlsprobe.FAILED, tlsprobe.UNTRUSTED):
                    self.issuer_state = "tls" if outcome.state == tlsprobe.UNTRUSTED \
                        else "connect"
                    return
            code = "connect-failed" if isinstance(error, (httpx.ConnectError, OSError)) \
                else "discovery-failed"
            self.issuer_state = "connect" if code == "connect-failed" else "discovery"
            self.emit(Finding(code, "error",
                              f"{target.discovery_url}: {failure_reason(error, self.timeout)}",
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
                "connect-failed", "error", f"{host}:{port}: no answer within "
                f"{self.timeout:g} s", "check that Authelia's proxy is running"), "")
        self.tls = outcome
        self.emit(outcome.finding)
        if not self.tls_done.done():
            self.tls_done.set_result(outcome)
        return outcome

    def _discovery_document(self, response: httpx.Response):
        target = self.target
        url = target.discovery_url
        if response.is_redirect:
            where = response.headers.get("location", "")
            self.emit(Finding(
                "discovery-failed", "error",
                f"{url} redirects to {where} (not followed; LibreChat does not follow it "
                "either)", "set OPENID_ISSUER to the URL Authelia really answers at"))
            return None
        document = json_body(response) if response.status_code == 200 else None
        if not isinstance(document, dict):
            what = f"answered {response.status_code}" if response.status_code != 200 \
                else "did not answer JSON"
            self.emit(Finding(
                "discovery-failed", "error", f"{url} {what}",
                "check that OPENID_ISSUER is Authelia's public URL and that the reverse proxy "
                "passes /.well-known/ to Authelia"))
            return None
        problems = 0
        issuer = document.get("issuer")
        if issuer != target.issuer:
            problems += 1
            self.emit(Finding(
                "discovery-issuer-mismatch", "error",
                f"discovery's issuer is {issuer!r}, OPENID_ISSUER is {target.issuer!r}: "
                "openid-client requires them equal",
                f"set OPENID_ISSUER={issuer} (or Authelia's session.cookies authelia_url to "
                f"{target.issuer})"))
        if "S256" not in (document.get("code_challenge_methods_supported") or []):
            problems += 1
            self.emit(Finding(
                "discovery-no-s256", "error",
                "discovery does not offer the S256 PKCE challenge method LibreChat sends",
                "remove pkce_challenge_method: plain from the client, and check that the "
                "proxy serves Authelia's own discovery document"))
        methods = document.get("token_endpoint_auth_methods_supported") or []
        if target.auth_method not in methods:
            problems += 1
            self.emit(Finding(
                "discovery-auth-method-unsupported", "error",
                f"discovery does not offer {target.auth_method}, the method this LibreChat "
                f"version sends the client secret with (offered: {', '.join(methods) or 'none'})",
                "upgrade Authelia to 4.38 or newer, or set the LibreChat version in the "
                "profile to the one deployed"))
        for key, flag in (("authorization_endpoint", "_authorize_ok"),
                          ("token_endpoint", "_token_ok"), ("jwks_uri", "_jwks_ok")):
            value = document.get(key)
            if not isinstance(value, str) or not value:
                problems += 1
                self.emit(Finding("discovery-failed", "error", f"discovery has no {key}",
                                  "check that the proxy serves Authelia's discovery document"))
            elif origin(value) != origin(target.issuer):
                problems += 1
                self.emit(Finding(
                    "discovery-endpoint-off-origin", "error",
                    f"discovery's {key} {strip_query(value)} is not on the issuer's origin "
                    "(not probed)",
                    "serve Authelia under one public URL and set it as OPENID_ISSUER"))
            else:
                document[flag] = True
        if not problems:
            self.emit(Finding("discovery-ok", "ok",
                              f"discovery at {url}: issuer matches, S256 and "
                              f"{target.auth_method} offered, endpoints on the issuer's origin",
                              ""))
        return document

    async def _jwks(self, client, url) -> None:
        try:
            response = await self._request(client, "GET", url)
        except HTTP_ERRORS as error:
            self.emit(Finding("jwks-unusable", "error",
                              f"JWKS {url}: {failure_reason(error, self.timeout)}",
                              "check that the proxy passes Authelia's jwks.json"))
            return
        document = json_body(response) if response.status_code == 200 else None
        keys = document.get("keys") if isinstance(document, dict) else None
        usable = [k for k in keys or [] if isinstance(k, dict) and k.get("kty") == "RSA"
                  and k.get("alg", "RS256") == "RS256" and k.get("use", "sig") == "sig"]
        if usable:
            self.emit(Finding("jwks-ok", "ok",
                              f"JWKS has an RS256 signing key ({usable[0].get('kid', 'no kid')})",
                              ""))
            return
        what = f"answered {response.status_code}" if document is None else \
            "has no RSA key for RS256 signatures"
        self.emit(Finding("jwks-unusable", "error", f"JWKS {url} {what}",
                          "add an RSA key (2048 bits or more) with algorithm RS256 and use sig "
                          "to identity_providers.oidc.jwks and restart Authelia"))

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
            return Finding("authorize-failed", "error",
                           f"{who} authorization request: {failure_reason(error, self.timeout)}",
                           "check that the proxy passes /api/oidc/ to Authelia")
        location = response.headers.get("location", "") if response.is_redirect else ""
        return answers.classify_authorize(
            response.status_code, location, None if location else json_body(response),
            issuer=self.target.issuer, redirect_uri=redirect_uri, scopes=scopes, who=who)

    async def _token(self, client, document, authorize) -> None:
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
            return
        if self.token_requests:
            return  # never more than one per run: each failure counts towards the rate limit
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
            self.emit(Finding("token-unexpected", "error",
                              f"token endpoint: {failure_reason(error, self.timeout)}",
                              "check that the proxy passes /api/oidc/token to Authelia"))
            return
        known = None
        if authorize is not None:
            verdict = await authorize
            if verdict is not None and verdict.code in (
                    "authorize-ok", "authorize-redirect-mismatch", "authorize-scope-not-allowed"):
                known = True
            elif verdict is not None and verdict.code == "authorize-client-unknown":
                known = False
        self.emit(answers.classify_token(response.status_code, json_body(response),
                                         response.headers.get("retry-after", ""),
                                         client_known=known, method=target.auth_method))

    # LibreChat ---------------------------------------------------------------------------

