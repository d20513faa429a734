"""What every probe shares: the run's state, its output, its time budget, and the rules.

The client secret goes only to the token endpoint of a discovery document fetched from the
issuer, on the issuer's own origin, over https (http only on loopback), never to LibreChat's
origin (`token_refusal`). Every request has a timeout within the run's deadline; no redirect
is followed.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import parse_qsl, urlsplit

import httpx

from ..core.hosts import is_loopback
from . import tlsprobe
from .answers import origin
from .findings import Finding, redact

_BACKSTOP_S = 0.25
HTTP_ERRORS = (httpx.HTTPError, OSError, asyncio.TimeoutError)


def run_deadline(timeout: float) -> float:
    """The longest a whole run takes, in seconds."""
    return 2 * timeout + 1


def token_refusal(endpoint: str, target) -> str:
    """Why the client secret must not go to `endpoint`; empty when it may."""
    scheme, host, _ = origin(endpoint)
    if origin(endpoint) != origin(target.issuer):
        return "the token endpoint is not on the issuer's origin"
    if scheme != "https" and not (scheme == "http" and is_loopback(host)):
        return "the token endpoint is not https (http only on loopback)"
    if origin(endpoint) == origin(target.app_url):
        return "the token endpoint is on LibreChat's origin"
    if not target.client_secret:
        return "there is no client secret to check"
    if target.auth_method not in ("client_secret_post", "client_secret_basic"):
        return f"the auth method {target.auth_method} sends no client secret"
    return ""


def in_daemon_thread(fn, *args) -> asyncio.Future:
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


def json_body(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return None


def failure_reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, (asyncio.TimeoutError, httpx.TimeoutException)):
        return f"no answer within {timeout:g} s"
    return str(error) or type(error).__name__




def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


class RunBase:
    """The state of one run; the probes are mixed in (authelia_probes, librechat_probes)."""

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
        # httpx's own timeouts fire first and close the socket; wait_for is the backstop
        # for a server that drips bytes (each read within httpx's timeout, the whole not).
        return await asyncio.wait_for(
            client.request(method, url, timeout=budget, follow_redirects=False, **kwargs),
            budget + _BACKSTOP_S)

    # Waiting on the other branch, never past the deadline ---------------------------------

    async def _wait_discovery(self):
        return await self._wait(self.discovery)

    async def _wait(self, future):
        remaining = self.deadline - asyncio.get_running_loop().time()
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.05, remaining))
        except asyncio.TimeoutError:
            return None
