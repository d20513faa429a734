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
import socket
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import httpx

from . import tlsprobe
from .authelia_probes import AutheliaProbes
from .base import RunBase, run_deadline, token_refusal
from .findings import Finding
from .librechat_probes import LibreChatProbes

__all__ = ["DEFAULT_TIMEOUT_S", "run", "run_async", "run_deadline", "token_refusal"]

DEFAULT_TIMEOUT_S = 5.0
_NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class _Run(AutheliaProbes, LibreChatProbes, RunBase):
    """One run: the two branches over the shared state."""


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
    from .env_checks import auth_method_findings, credential_findings

    # The .env's own mistakes, and whose secret is sent, before any request.
    for finding in (*auth_method_findings(target), *credential_findings(target)):
        run.emit(finding)
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
