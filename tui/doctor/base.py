"""What every probe shares: the run's state, its output, its time budget, and the rules.

The client secret goes only to the token endpoint of a discovery document fetched from the
issuer, on the issuer's own origin, over https (http only on loopback), never to LibreChat's
origin (`token_refusal`). Every request has a timeout within the run's deadline; no redirect
is followed; every answer is read with a cap (replies.py). Every string a server sent is
put into a finding through `show` (secret hidden first, then `tui.core.shown.shown`), and
`emit` escapes the whole message and fix once more, so no control character ever leaves.
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import httpx

from ..core.findings import Finding
from ..core.hosts import is_loopback
from ..core.shown import shown
from . import tlsprobe
from .answers import origin
from .findings import redact
from .replies import ACCEPT_ENCODING, Reply, ResponseTooLarge, read_capped

_BACKSTOP_S = 0.25
# ResponseTooLarge first: each probe reports it as response-too-large (`failed`).
HTTP_ERRORS = (ResponseTooLarge, httpx.HTTPError, httpx.InvalidURL, OSError,
               asyncio.TimeoutError)


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


def failure_reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, (asyncio.TimeoutError, httpx.TimeoutException)):
        return f"no answer within {timeout:g} s"
    return shown(str(error) or type(error).__name__)


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def strip_url(url: str) -> str:
    """`url` without its query (which may hold a state or a challenge), for messages."""
    return url.split("?", 1)[0]


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

    def _hidden(self) -> tuple[str, ...]:
        secret = self.target.client_secret
        return (secret, quote(secret, safe=""), quote_plus(secret)) if secret else ()

    def show(self, value: object) -> str:
        """A server's value as it may appear in a finding: the secret hidden (before the cut,
        so no part of it survives), controls escaped, long values cut."""
        return shown(redact(value if isinstance(value, str) else str(value), self._hidden()))

    def emit(self, finding: Finding | None) -> None:
        if finding is None:
            return
        hidden = self._hidden()
        finding = finding._replace(message=shown(redact(finding.message, hidden), limit=None),
                                   fix=shown(redact(finding.fix, hidden), limit=None))
        self.findings.append(finding)
        if self.on_finding is not None:
            self.on_finding(finding)

    # Requests ----------------------------------------------------------------------------

    def _budget(self) -> float:
        remaining = self.deadline - asyncio.get_running_loop().time()
        return max(0.05, min(self.timeout, remaining))

    async def _request(self, client: httpx.AsyncClient, method: str, url: str,
                       **kwargs) -> Reply:
        """One request, never followed, its body read with a cap (ResponseTooLarge)."""
        budget = self._budget()
        # httpx's own timeouts fire first and close the socket; wait_for is the backstop
        # for a server that drips bytes (each read within httpx's timeout, the whole not).
        return await asyncio.wait_for(self._capped(client, method, url, budget, **kwargs),
                                      budget + _BACKSTOP_S)

    async def _capped(self, client, method, url, budget, **kwargs) -> Reply:
        headers = {"Accept-Encoding": ACCEPT_ENCODING, **kwargs.pop("headers", {})}
        async with client.stream(method, url, timeout=budget, follow_redirects=False,
                                 headers=headers, **kwargs) as response:
            body = await read_capped(response, strip_url(url))
            return Reply(response.status_code, response.headers, body)

    def failed(self, error: BaseException, code: str, text: str, fix: str) -> Finding:
        """The finding for a request that raised one of HTTP_ERRORS: `code` with the reason,
        or response-too-large."""
        if isinstance(error, ResponseTooLarge):
            return Finding(
                "response-too-large", "error",
                f"{self.show(error.url)} answered more than {error.limit // (1024 * 1024)} MB "
                "(decoded); the rest was not read",
                "check what answers at this URL (a proxy's error page, another service, or a "
                "hostile server): Authelia's and LibreChat's answers here are a few KB")
        return Finding(code, "error", f"{text}: {failure_reason(error, self.timeout)}", fix)

    # Waiting on the other branch, never past the deadline ---------------------------------

    async def _wait_discovery(self):
        return await self._wait(self.discovery)

    async def _wait(self, future):
        remaining = self.deadline - asyncio.get_running_loop().time()
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.05, remaining))
        except asyncio.TimeoutError:
            return None
