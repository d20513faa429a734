"""Name resolution, TCP and TLS towards Authelia, with the standard `ssl` module.

Blocking functions with a socket timeout; the runner calls them in daemon threads. The TLS
verdict names the error code Node (LibreChat) meets: Node reports OpenSSL's verify error
under the same name, less the X509_V_ERR_ prefix.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections import namedtuple

from .findings import Finding

# OpenSSL verify codes (include/openssl/x509_vfy.h) -> Node's error code.
_NODE_CODES = {
    2: "UNABLE_TO_GET_ISSUER_CERT",
    9: "CERT_NOT_YET_VALID",
    10: "CERT_HAS_EXPIRED",
    18: "DEPTH_ZERO_SELF_SIGNED_CERT",
    19: "SELF_SIGNED_CERT_IN_CHAIN",
    20: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    21: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
}
_ISSUER_NOT_LOCAL = 20
EXPIRED = {9, 10}
NAME_MISMATCH = {62, 64}  # X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
_MISSING_ISSUER = 21

# What the runner needs to know beyond the finding, for librechat-strategy-failed.
TRUSTED, CA_FILE_ONLY, UNTRUSTED, FAILED = "trusted", "ca-file-only", "untrusted", "failed"
TlsOutcome = namedtuple("TlsOutcome", "state finding node_code")

_NODE_EXTRA_CA_FIX = (
    "give LibreChat's container the CA certificate: NODE_EXTRA_CA_CERTS=/path/in/container/"
    "ca.pem in the api service's environment (a compose override with the file mounted; in "
    ".env it does nothing, Node reads it only at start), then recreate the container; or use "
    "a certificate from a public CA"
)
#: What to do when this check (not LibreChat) lacks the CA: the doctor cannot tell a private
#: CA from a wrong certificate, so it prescribes nothing for LibreChat's container.
NO_CA_FILE_FIX = (
    "pass --ca-file PATH with the CA certificate that issued it (or set the profile's CA "
    "file; one PEM file may hold several CAs), then run again"
)
_FULL_CHAIN_FIX = (
    "the server does not send the intermediate certificate: configure the reverse proxy in "
    "front of Authelia with the full chain (e.g. fullchain.pem, not cert.pem)"
)


def resolve(host: str, port: int) -> list[str]:
    """The addresses of `host`; raises OSError (socket.gaierror) when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


_contexts: dict = {}
_contexts_lock = threading.Lock()


def verify_context(ca_file: str = "") -> ssl.SSLContext:
    """The system store (plus `ca_file`), made once per process: loading the system store
    costs tens of milliseconds of CPU, which would otherwise hold up every probe."""
    import os

    from .target import load_ca

    try:
        key = (ca_file, os.stat(ca_file).st_mtime_ns if ca_file else 0)
    except OSError:  # gone since it was checked: load_ca names the problem
        key = (ca_file, 0)
    with _contexts_lock:
        context = _contexts.get(key)
        if context is None:
            context = ssl.create_default_context()
            if ca_file:
                load_ca(context, ca_file)  # through the guard: never a FIFO, never huge
            _contexts[key] = context
        return context


def _handshake(host: str, port: int, context: ssl.SSLContext, timeout: float):
    """None when the chain verifies; the SSLCertVerificationError otherwise.

    OSError (connection) and other ssl.SSLError propagate.
    """
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        try:
            with context.wrap_socket(sock, server_hostname=host):
                return None
        except ssl.SSLCertVerificationError as error:
            return error


def _peer_chain_length(host: str, port: int, timeout: float) -> int:
    """How many certificates the server sends (0 when this Python cannot tell)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # loads no store: cheap
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        with context.wrap_socket(sock, server_hostname=host) as tls:
            chain = getattr(tls, "get_unverified_chain", None)  # public from Python 3.13
            if chain is None:
                chain = getattr(tls._sslobj, "get_unverified_chain", None)
            return len(chain() or ()) if chain is not None else 0


def node_code(verify_code: int, chain_length: int) -> str:
    """Node's name for OpenSSL's verify error.

    Node reports UNABLE_TO_GET_ISSUER_CERT_LOCALLY as UNABLE_TO_VERIFY_LEAF_SIGNATURE when
    the server sent only its own certificate (checked against Node by
    tests/test_doctor_openid_client.py).
    """
    if verify_code == _ISSUER_NOT_LOCAL and chain_length == 1:
        return _NODE_CODES[_MISSING_ISSUER]
    return _NODE_CODES.get(verify_code, "")


def check_tls(host: str, port: int, ca_file: str, timeout: float) -> TlsOutcome:
    where = f"{host}:{port}"
    try:
        # The context the requests use first: one handshake when the chain is trusted.
        error = _handshake(host, port, verify_context(ca_file), timeout)
        if error is None and not ca_file:
            return TlsOutcome(TRUSTED, Finding(
                "tls-ok", "ok", f"{where}: certificate trusted by the system store and valid "
                "for the name", ""), "")
        if error is None:
            # Trusted with the CA file: would the system store (and so Node) trust it alone?
            system_error = _handshake(host, port, verify_context(""), timeout)
            if system_error is None:
                return TlsOutcome(TRUSTED, Finding(
                    "tls-ok", "ok", f"{where}: certificate trusted by the system store and "
                    "valid for the name", ""), "")
            code = system_error.verify_code
            length = _peer_chain_length(host, port, timeout) if code == _ISSUER_NOT_LOCAL else 0
            node = node_code(code, length) or "an untrusted-certificate error"
            return TlsOutcome(CA_FILE_ONLY, Finding(
                "tls-ok", "info",
                f"{where}: certificate trusted through the CA file (not by the system "
                f"store): without that CA LibreChat meets {node}",
                "make sure LibreChat's container has this CA in NODE_EXTRA_CA_CERTS "
                "(in the container's environment, not in .env)"), node)
        length = _peer_chain_length(host, port, timeout) \
            if error.verify_code == _ISSUER_NOT_LOCAL else 0
        return _verdict(where, error, bool(ca_file), length)
    except TimeoutError:
        return TlsOutcome(FAILED, Finding(
            "connect-failed", "error",
            f"{where}: no answer within {timeout:g} s (connection or TLS handshake)",
            "check that Authelia's proxy is running and that no firewall drops the packets"),
            "")
    except ssl.SSLError as error:
        return TlsOutcome(FAILED, Finding(
            "connect-failed", "error", f"{where}: TLS handshake failed ({error.reason or error})",
            "check that the port serves HTTPS (the reverse proxy's TLS port, not Authelia's "
            "plain 9091)"), "")
    except OSError as error:
        return TlsOutcome(FAILED, Finding(
            "connect-failed", "error", f"{where}: cannot connect ({error.strerror or error})",
            "check that Authelia's reverse proxy listens on this port and that a firewall "
            "lets this machine in"), "")


def _verdict(where: str, error: ssl.SSLCertVerificationError, had_ca_file: bool,
             chain_length: int) -> TlsOutcome:
    code = error.verify_code
    node = node_code(code, chain_length)
    leaf_only = node == _NODE_CODES[_MISSING_ISSUER]
    detail = error.verify_message or str(error)
    if code in EXPIRED:
        state = "has expired" if node == "CERT_HAS_EXPIRED" else "is not valid yet"
        return TlsOutcome(UNTRUSTED, Finding(
            "tls-expired", "error",
            f"{where}: the certificate {state} (LibreChat meets {node})",
            "renew the certificate (check the proxy's ACME client), and this machine's "
            "clock"), node)
    if code in NAME_MISMATCH:
        return TlsOutcome(UNTRUSTED, Finding(
            "tls-name-mismatch", "error",
            f"{where}: the certificate is not valid for this name ({detail}; LibreChat meets "
            "ERR_TLS_CERT_ALTNAME_INVALID)",
            "issue the certificate for Authelia's public host name (the one in "
            "OPENID_ISSUER), or set OPENID_ISSUER to a name the certificate carries"), node)
    if leaf_only and had_ca_file:
        return TlsOutcome(UNTRUSTED, Finding(
            "tls-untrusted", "error",
            f"{where}: the server sends no certificate that links its certificate to the "
            f"CA, even with the CA file: LibreChat meets {node}",
            _FULL_CHAIN_FIX), node)
    if node and not had_ca_file:
        fix = NO_CA_FILE_FIX + ("; if the CA is public, " + _FULL_CHAIN_FIX if leaf_only else
                                "; if it should come from a public CA, the proxy serves "
                                "another certificate")
        return TlsOutcome(UNTRUSTED, Finding(
            "tls-untrusted", "error",
            f"{where}: this check does not trust the certificate ({detail}; Node without its "
            f"CA meets {node}): nothing behind it was checked", fix), node)
    if node:  # with a CA file (leaf-only was named above): not the CA that issued it
        return TlsOutcome(UNTRUSTED, Finding(
            "tls-untrusted", "error",
            f"{where}: certificate not trusted ({detail}): LibreChat meets {node} and logs "
            "'fetch failed'",
            "the CA file (--ca-file or the profile's ca_file) did not issue this chain: use "
            "the right CA file; then " + _NODE_EXTRA_CA_FIX), node)
    return TlsOutcome(UNTRUSTED, Finding(
        "tls-untrusted", "error", f"{where}: certificate not accepted ({detail})",
        "serve a certificate from a CA LibreChat trusts, valid for this name"), node)
