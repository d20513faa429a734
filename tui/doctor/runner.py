"""The doctor's run: probes Authelia and LibreChat concurrently, bounded in time.

Two branches run side by side. Authelia: resolve -> (TLS ‖ discovery) -> (JWKS ‖ the
profile's authorization request ‖ one token request). LibreChat: (/api/config ‖
/oauth/openid) -> LibreChat's own authorization request sent to Authelia. Each finding is
handed to `on_finding` as soon as its probe completes.

Rules: every request has a timeout and the whole run a deadline (2 x timeout + 1 s), even
when a host accepts connections and never answers; no redirect is followed; the client
secret goes only to the token endpoint of a discovery document fetched from the issuer, on
the issuer's own origin, over https (http only on loopback), never to LibreChat's origin.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import quote, urlencode, urlsplit

import httpx

from . import answers, tlsprobe
from .answers import origin, strip_query
from .findings import Finding, redact

DEFAULT_TIMEOUT_S = 5.0
_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
_HTTP_ERRORS = (httpx.HTTPError, OSError, asyncio.TimeoutError)


def run_deadline(timeout: float) -> float:
    """The longest a whole run takes, in seconds."""
    return 2 * timeout + 1


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_refusal(endpoint: str, target) -> str:
    """Why the client secret must not go to `endpoint`; empty when it may."""
    scheme, host, _ = origin(endpoint)
    if origin(endpoint) != origin(target.issuer):
        return "the token endpoint is not on the issuer's origin"
    if scheme != "https" and not (scheme == "http" and _is_loopback(host)):
        return "the token endpoint is not https (http only on loopback)"
    if origin(endpoint) == origin(target.app_url):
        return "the token endpoint is on LibreChat's origin"
    if not target.client_secret:
        return "there is no client secret to check"
    if target.auth_method not in ("client_secret_post", "client_secret_basic"):
        return f"the auth method {target.auth_method} sends no client secret"
    return ""


def _in_daemon_thread(fn, *args) -> asyncio.Future:
    """fn(*args) in a daemon thread: a hung resolver never holds up the run or the exit."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(ok, value):
        if not future.done():
            (future.set_result if ok else future.set_exception)(value)

    def work():
        try:
            result, ok = fn(*args), True
        except Exception as error:  # handed to the awaiting coroutine
            result, ok = error, False
        try:
            loop.call_soon_threadsafe(settle, ok, result)
        except RuntimeError:  # the loop has closed: nobody waits any more
            pass

    threading.Thread(target=work, daemon=True, name="doctor-probe").start()
    return future


def _json(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, (asyncio.TimeoutError, httpx.TimeoutException)):
        return f"no answer within {timeout:g} s"
    return str(error) or type(error).__name__


class _Run:
    def __init__(self, target, *, timeout, token_probe, on_finding, resolver):
        self.target = target
        self.timeout = timeout
        self.token_probe = token_probe
        self.on_finding = on_finding
        self.resolver = resolver or tlsprobe.resolve
        self.findings: list[Finding] = []
        self.token_requests = 0
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + run_deadline(timeout)
        self.discovery: asyncio.Future = loop.create_future()  # dict, or None on failure
        self.issuer_state = ""  # "dns", "tls", "connect", "discovery", "ok"
        self.tls: tlsprobe.TlsOutcome | None = None
        self.tls_done: asyncio.Future = loop.create_future()  # None, or the outcome

    # Output ------------------------------------------------------------------------------

    def emit(self, finding: Finding | None) -> None:
        if finding is None:
            return
        hidden = (self.target.client_secret,)
        finding = finding._replace(message=redact(finding.message, hidden),
                                   fix=redact(finding.fix, hidden))
        self.findings.append(finding)
        if self.on_finding is not None:
            self.on_finding(finding)

    # Requests ----------------------------------------------------------------------------

    def _budget(self) -> float:
        remaining = self.deadline - asyncio.get_running_loop().time()
        return max(0.05, min(self.timeout, remaining))

    async def _request(self, client: httpx.AsyncClient, method: str, url: str, **kwargs):
        budget = self._budget()
        return await asyncio.wait_for(
            client.request(method, url, timeout=budget, follow_redirects=False, **kwargs),
            budget)

    # Authelia ----------------------------------------------------------------------------

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
        if parts.scheme == "http" and not _is_loopback(host):
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
            await asyncio.wait_for(_in_daemon_thread(self.resolver, host, port), self._budget())
        except (OSError, asyncio.TimeoutError) as error:
            discovery.cancel()
            await asyncio.gather(discovery, return_exceptions=True)
            self.issuer_state = "dns"
            self.emit(Finding(
                "dns-failed", "error",
                f"{host} does not resolve here ({_reason(error, self.timeout)})",
                "add a DNS record (or a hosts entry) for Authelia's public name; LibreChat's "
                "container must resolve it too"))
            return

        tls_task = None
        if parts.scheme == "https":
            tls_task = asyncio.ensure_future(self._tls(host, port))
        try:
            response = await discovery
        except _HTTP_ERRORS as error:
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
                              f"{target.discovery_url}: {_reason(error, self.timeout)}",
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
                _in_daemon_thread(tlsprobe.check_tls, host, port, self.target.ca_file,
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
        document = _json(response) if response.status_code == 200 else None
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
        except _HTTP_ERRORS as error:
            self.emit(Finding("jwks-unusable", "error",
                              f"JWKS {url}: {_reason(error, self.timeout)}",
                              "check that the proxy passes Authelia's jwks.json"))
            return
        document = _json(response) if response.status_code == 200 else None
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
                                        self.target.scopes, "the profile's")
        self.emit(finding)
        return finding

    async def _authorize(self, client, url, redirect_uri, scopes, who) -> Finding:
        try:
            response = await self._request(client, "GET", url)
        except _HTTP_ERRORS as error:
            return Finding("authorize-failed", "error",
                           f"{who} authorization request: {_reason(error, self.timeout)}",
                           "check that the proxy passes /api/oidc/ to Authelia")
        location = response.headers.get("location", "") if response.is_redirect else ""
        return answers.classify_authorize(
            response.status_code, location, None if location else _json(response),
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
        except _HTTP_ERRORS as error:
            self.emit(Finding("token-unexpected", "error",
                              f"token endpoint: {_reason(error, self.timeout)}",
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
        self.emit(answers.classify_token(response.status_code, _json(response),
                                         response.headers.get("retry-after", ""),
                                         client_known=known, method=target.auth_method))

    # LibreChat ---------------------------------------------------------------------------

    async def librechat(self, client: httpx.AsyncClient) -> None:
        app = self.target.app_url
        config, openid = await asyncio.gather(
            self._fetch(client, app + "/api/config"), self._fetch(client, app + "/oauth/openid"))
        config_reached = self._check_config(app, config)
        await self._check_openid(client, app, openid, config_reached)

    async def _fetch(self, client, url):
        try:
            return await self._request(client, "GET", url)
        except _HTTP_ERRORS as error:
            return error

    def _check_config(self, app, response) -> bool:
        url = app + "/api/config"
        if isinstance(response, BaseException):
            self.emit(Finding("librechat-unreachable", "error",
                              f"{url}: {_reason(response, self.timeout)}",
                              "check that LibreChat runs and that DOMAIN_SERVER is its public "
                              "URL (the one this profile names)"))
            return False
        config = _json(response) if response.status_code == 200 else None
        if not isinstance(config, dict):
            what = f"answered {response.status_code}" if response.status_code != 200 \
                else "did not answer JSON"
            self.emit(Finding("librechat-unreachable", "error", f"{url} {what}",
                              "check that the reverse proxy passes /api/ to LibreChat"))
            return True
        problems = 0
        off = [key for key in ("socialLoginEnabled", "openidLoginEnabled")
               if config.get(key) is not True]
        if off:
            problems += 1
            self.emit(Finding(
                "librechat-openid-disabled", "error",
                f"LibreChat reports {' and '.join(f'{k}=false' for k in off)}",
                "set ALLOW_SOCIAL_LOGIN=true and OPENID_CLIENT_ID, OPENID_CLIENT_SECRET, "
                "OPENID_ISSUER and OPENID_SESSION_SECRET in LibreChat's environment, then "
                "restart LibreChat"))
        domain = config.get("serverDomain")
        if domain != self.target.app_url:
            problems += 1
            self.emit(Finding(
                "librechat-server-domain-mismatch", "error",
                f"LibreChat's serverDomain is {domain!r}, the profile's URL is "
                f"{self.target.app_url!r}: the redirect URI will not match",
                f"set DOMAIN_SERVER={self.target.app_url} (and DOMAIN_CLIENT) in LibreChat's "
                "environment and restart it"))
        if not problems:
            self.emit(Finding("librechat-config-ok", "ok",
                              "LibreChat offers the OpenID login, serverDomain matches", ""))
        return True

    async def _check_openid(self, client, app, response, config_reached) -> None:
        url = app + "/oauth/openid"
        if isinstance(response, BaseException):
            if config_reached:
                self.emit(Finding("librechat-unreachable", "error",
                                  f"{url}: {_reason(response, self.timeout)}",
                                  "check that the reverse proxy passes /oauth/ to LibreChat"))
            return
        location = response.headers.get("location", "") if response.is_redirect else ""
        if not location:
            await self._strategy_failed(url, response)
            return
        document = await self._wait_discovery()
        params = _query(location)
        expected_endpoint = document.get("authorization_endpoint") if document else None
        target = self.target
        differences = []
        if expected_endpoint and strip_query(location) != strip_query(expected_endpoint):
            differences.append(("the authorization endpoint", strip_query(location),
                                strip_query(expected_endpoint), "OPENID_ISSUER"))
        elif not expected_endpoint and origin(location) != origin(target.issuer):
            differences.append(("the authorization server", strip_query(location),
                                target.issuer, "OPENID_ISSUER"))
        checks = (
            ("client_id", params.get("client_id", ""), target.client_id, "OPENID_CLIENT_ID"),
            ("redirect_uri", params.get("redirect_uri", ""), target.redirect_uri,
             "DOMAIN_SERVER and OPENID_CALLBACK_URL"),
            ("scope", params.get("scope", ""), " ".join(target.scopes), "OPENID_SCOPE"),
            ("code_challenge_method", params.get("code_challenge_method", ""), "S256",
             "OPENID_USE_PKCE / the LibreChat version"),
        )
        for name, seen, wanted, variable in checks:
            same = set(seen.split()) == set(wanted.split()) if name == "scope" else seen == wanted
            if not same:
                differences.append((name, seen, wanted, variable))
        for name, seen, wanted, variable in differences:
            self.emit(Finding(
                "librechat-request-mismatch", "error",
                f"LibreChat's authorization request has {name} {seen!r}, the profile "
                f"{wanted!r}",
                f"set {variable} in LibreChat's environment to match the profile (or the "
                "profile to match LibreChat), then restart LibreChat"))
        if not differences:
            self.emit(Finding("librechat-request-ok", "ok",
                              "LibreChat's authorization request matches the profile "
                              "(client, redirect URI, scope, S256)", ""))
        # The deployed pair: LibreChat's own request, as Authelia sees it.
        if document is None or origin(location) != origin(target.issuer):
            return
        own = {**params, "prompt": "none"}
        own_url = f"{strip_query(location)}?{urlencode(own)}"
        self.emit(await self._authorize(
            client, own_url, params.get("redirect_uri", ""), tuple(params.get("scope",
                                                                              "").split()),
            "LibreChat's own"))

    async def _wait_discovery(self):
        return await self._wait(self.discovery)

    async def _wait(self, future):
        remaining = self.deadline - asyncio.get_running_loop().time()
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.05, remaining))
        except asyncio.TimeoutError:
            return None

    async def _strategy_failed(self, url, response) -> None:
        text = response.text[:2000] if response.status_code >= 400 else ""
        seen = "Unknown authentication strategy \"openid\"" if "Unknown authentication" in text \
            else f"answered {response.status_code} without a redirect"
        await self._wait_discovery()
        await self._wait(self.tls_done)  # the likely cause depends on the TLS verdict
        likely = self._likely_inside_cause()
        discovery = self.target.discovery_url
        self.emit(Finding(
            "librechat-strategy-failed", "error",
            f"{url} {seen}: LibreChat's own discovery failed when it started. {likely}",
            "test from inside LibreChat's container: docker compose exec api node -e "
            f"\"fetch('{discovery}').then(r=>console.log(r.status),e=>console.log(e.cause||e))\""
            "; fix what it shows, then restart LibreChat (it runs discovery only at start)"))

    def _likely_inside_cause(self) -> str:
        tls, state = self.tls, self.issuer_state
        issuer = urlsplit(self.target.issuer)
        if issuer.scheme == "http":
            return ("Likely cause: OPENID_ISSUER is http://, which openid-client 6 (LibreChat "
                    "0.7.9 and newer) refuses.")
        if state == "dns":
            return "Likely cause: Authelia's name does not resolve (not even here)."
        if tls is not None and tls.state in (tlsprobe.CA_FILE_ONLY, tlsprobe.UNTRUSTED) \
                and tls.node_code:
            return (f"Likely cause: Authelia's certificate is not trusted by Node "
                    f"({tls.node_code}): the CA is not in NODE_EXTRA_CA_CERTS in the "
                    "container's environment.")
        if state in ("connect", "tls", "discovery"):
            return "Likely cause: Authelia's discovery fails from here too (see above)."
        return ("Discovery works from here, so likely the container cannot reach Authelia's "
                "public name: Docker hairpin NAT or split DNS (usual fix: extra_hosts: "
                f"[\"{issuer.hostname}:host-gateway\"] in a compose override).")


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


async def run_async(target, *, timeout: float = DEFAULT_TIMEOUT_S, token_probe: bool = True,
                    on_finding=None, resolver=None, findings: list | None = None) -> list[Finding]:
    """Run every probe; returns the findings in the order they completed.

    `on_finding(finding)` is called as each completes (from the event loop's thread).
    `findings`, when given, is filled as the run goes (what a cancelled run had found).
    """
    run = _Run(target, timeout=timeout, token_probe=token_probe, on_finding=on_finding,
               resolver=resolver)
    if findings is not None:
        run.findings = findings
    context = tlsprobe.verify_context(target.ca_file)
    limits = httpx.Timeout(timeout)
    # trust_env=False: no proxy from the environment sees the requests (or the secret).
    # TCP_NODELAY: h11 writes a POST's headers and body separately, and Nagle's algorithm
    # would hold the body for the server's delayed ACK (40 ms on Linux).
    def client() -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(verify=context, socket_options=_NODELAY)
        return httpx.AsyncClient(transport=transport, timeout=limits, trust_env=False)

    async with client() as authelia, client() as librechat:
        tasks = [asyncio.ensure_future(run.authelia(authelia)),
                 asyncio.ensure_future(run.librechat(librechat))]
        done, pending = await asyncio.wait(tasks, timeout=run_deadline(timeout) + 0.5)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)
        for task in done:
            task.result()  # a bug in a probe is a bug: let it surface
    return run.findings


class _DaemonExecutor(ThreadPoolExecutor):
    """The loop's default executor (httpx resolves names in it), with daemon threads that
    nobody waits for: a resolver that never answers holds up neither the run nor the exit.
    """

    def submit(self, fn, /, *args, **kwargs):
        future = Future()

        def work():
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:  # handed to the awaiting coroutine
                future.set_exception(error)

        threading.Thread(target=work, daemon=True, name="doctor-executor").start()
        return future

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass


def run(target, *, timeout: float = DEFAULT_TIMEOUT_S, token_probe: bool = True,
        on_finding=None, cancel: threading.Event | None = None, resolver=None) -> list[Finding]:
    """run_async in its own event loop, for a CLI or a worker thread.

    Setting `cancel` stops the run within ~50 ms; the findings so far are returned.
    """
    findings: list[Finding] = []
    loop = asyncio.new_event_loop()
    loop.set_default_executor(_DaemonExecutor(max_workers=1))

    async def main():
        task = asyncio.ensure_future(run_async(
            target, timeout=timeout, token_probe=token_probe, on_finding=on_finding,
            resolver=resolver, findings=findings))
        while cancel is not None and not task.done():
            await asyncio.wait([task], timeout=0.05)
            if cancel.is_set():
                task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    try:
        loop.run_until_complete(main())
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()  # never waits for a daemon probe thread
    return findings
