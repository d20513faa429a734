"""Stand-ins for a running Authelia and LibreChat, served over HTTPS on 127.0.0.1.

They answer as FACTS.md ("Checking a running Authelia without a browser login", "LibreChat's
side, seen from outside") describes; each test changes their state to produce one failure.
tests/test_doctor_openid_client.py runs LibreChat's real client library (openid-client 6)
through a full login against the Authelia stand-in, so its answers are not our own guess.

A hostile server: `state.raw[path] = Raw(...)` answers that path with any status, headers
(raw bytes allowed: C1 controls in a Location) and body, including an endless one
(`endless`) or a compression bomb (`gzip_bomb`); `HOSTILE` is a value that would take over
a terminal if it were printed raw.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import secrets
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KID = "standin-rs256"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

# Authelia's (fosite's) texts, from FACTS.md.
CLIENT_AUTH_FAILED = ("Client authentication failed (e.g., unknown client, no client "
                      "authentication included, or unsupported authentication method).")
METHOD_NOT_ALLOWED = ("The request was determined to be using 'token_endpoint_auth_method' "
                      "method '{}', however the OAuth 2.0 client registration does not allow "
                      "this method.")
INVALID_GRANT = ("The provided authorization grant (e.g., authorization code, resource owner "
                 "credentials) or refresh token is invalid, expired, revoked, does not match "
                 "the redirection URI used in the authorization request, or was issued to "
                 "another client.")
INVALID_REQUEST = ("The request is missing a required parameter, includes an invalid "
                   "parameter value, includes a parameter more than once, or is otherwise "
                   "malformed.")
REDIRECT_HINT = ("The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's "
                 "pre-registered 'redirect_uris'.")
CLIENT_HINT = "The requested OAuth 2.0 Client does not exist."
SCOPE_HINT = "The OAuth 2.0 Client is not allowed to request scope '{}'."
LOGIN_REQUIRED = "The Authorization Server requires End-User authentication."


# An OSC 52 that writes the clipboard, a CSI that clears the screen, the C1 forms of CSI and
# OSC, a bidi override, Rich/Textual markup and an action link.
HOSTILE = "\x1b]52;c;aGk=\x07\x1b[2J\x9b31m\x9d0;t\x07\u202e[bold red]x[/][@click=app.quit]"
# What a terminal must never receive from the doctor: C0 (but tab and newline), DEL, C1, bidi.
RAW_CONTROLS = frozenset([*map(chr, range(0x00, 0x09)), *map(chr, range(0x0B, 0x20)), "\x7f",
                          *map(chr, range(0x80, 0xA0)), *map(chr, range(0x202A, 0x202F)),
                          *map(chr, range(0x2066, 0x206A))])


def hostile(tag: str) -> str:
    """A hostile value that names its place, so a test can find it (escaped) in the output."""
    return f"{tag}{HOSTILE}"


@dataclass
class Raw:
    """Any answer: `body` is bytes, or a callable giving chunks, sent without a length until
    the client hangs up. Header values may be bytes (sent as they are)."""

    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: dict = field(default_factory=dict)


def endless(total: int = 1 << 30, chunk: int = 64 * 1024) -> Callable[[], Iterable[bytes]]:
    """A body of `total` bytes (1 GiB by default), made as it is sent."""
    def chunks():
        block = b" " * chunk
        for _ in range(total // chunk):
            yield block
    return chunks


@functools.lru_cache(maxsize=8)
def gzip_bomb(decoded: int = 64 << 20, layers: int = 1) -> bytes:
    """`decoded` bytes of zeros, gzipped `layers` times (64 MiB is about 64 KB)."""
    data = None
    for _ in range(layers):
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        if data is None:
            block = bytes(1 << 20)
            parts = [packer.compress(block) for _ in range(decoded >> 20)]
        else:
            parts = [packer.compress(data)]
        data = b"".join(parts) + packer.flush()
    return data


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwk() -> dict:
    numbers = _KEY.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
            "n": _b64url(numbers.n.to_bytes(256, "big")),
            "e": _b64url(numbers.e.to_bytes(3, "big"))}


def sign_jwt(claims: dict) -> str:
    header = {"alg": "RS256", "kid": KID, "typ": "JWT"}
    signing_input = (_b64url(json.dumps(header).encode()) + "."
                     + _b64url(json.dumps(claims).encode()))
    signature = _KEY.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64url(signature)


def public_key_pem() -> str:
    return _KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class Client:
    secret: str
    redirect_uris: list
    scopes: list = field(default_factory=lambda: ["openid", "profile", "email", "groups"])
    auth_method: str = "client_secret_post"


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class AutheliaState:
    version: str = "4.39"  # "4.38": errors that cannot redirect are a JSON body
    clients: dict = field(default_factory=dict)
    issuer: str = ""  # set when the server starts
    issuer_override: str | None = None
    discovery_changes: dict = field(default_factory=dict)
    jwks_keys: list | None = None
    clock_offset_s: float = 0.0
    delay_s: float = 0.0
    rate_limited: bool = False
    login_user: str | None = None  # issue codes for this user without a browser
    discovery_status: int = 200
    # A misbehaving server that quotes the request back: this text, the secret, the form.
    echo_token_form: str | None = None
    discovery_location: str = ""  # answer discovery with a redirect there
    raw: dict = field(default_factory=dict)  # path -> Raw: a hostile answer
    requests: list = field(default_factory=list)
    codes: dict = field(default_factory=dict)

    def discovery(self) -> dict:
        base = self.issuer
        document = {
            "issuer": self.issuer_override if self.issuer_override is not None else base,
            "authorization_endpoint": base + "/api/oidc/authorization",
            "token_endpoint": base + "/api/oidc/token",
            "userinfo_endpoint": base + "/api/oidc/userinfo",
            "jwks_uri": base + "/jwks.json",
            "response_types_supported": ["code", "id_token", "code id_token"],
            "response_modes_supported": ["form_post", "query", "fragment"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256", "none"],
            "scopes_supported": ["offline_access", "openid", "profile", "groups", "email"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic", "client_secret_post", "client_secret_jwt",
                "private_key_jwt", "none"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce"],
        }
        document.update(self.discovery_changes)
        return document


@dataclass
class LibreChatState:
    app_url: str = ""
    config: dict = field(default_factory=dict)
    strategy_failed: bool = False
    authorization_endpoint: str = ""
    params: dict = field(default_factory=dict)  # the query of /oauth/openid's redirect
    delay_s: float = 0.0
    raw: dict = field(default_factory=dict)  # path -> Raw: a hostile answer
    requests: list = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        # As Go's net/http (Authelia) does: no Nagle delay on small writes.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def log_message(self, *args):  # quiet
        pass

    def date_time_string(self, timestamp=None):
        offset = getattr(self.server.state, "clock_offset_s", 0.0)
        return formatdate(time.time() + offset, usegmt=True)

    def _read(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.state.requests.append(
            Request(self.command, self.path, dict(self.headers.items()), body))
        return body

    def _send(self, status: int, body=b"", headers=None, content_type="application/json"):
        if self.server.state.delay_s:
            time.sleep(self.server.state.delay_s)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, url: str):
        self._send(status, b"", {"Location": url}, "text/html")

    def _send_raw(self) -> bool:
        """Answer with state.raw's entry for this path, if there is one."""
        raw = self.server.state.raw.get(urlsplit(self.path).path)
        if raw is None:
            return False
        self.send_response(raw.status)
        headers = {"Content-Type": "application/json", **raw.headers}
        for key, value in headers.items():
            if isinstance(value, str):
                value = value.encode("utf-8")
            self._headers_buffer.append(key.encode("ascii") + b": " + value + b"\r\n")
        if not callable(raw.body):
            self.send_header("Content-Length", str(len(raw.body)))
            self.end_headers()
            self.wfile.write(raw.body)
            return True
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        try:
            for chunk in raw.body():
                self.wfile.write(chunk)
        except (OSError, ssl.SSLError):  # the client hung up (the doctor, past its cap)
            pass
        return True


class AutheliaHandler(_Handler):
    def do_GET(self):
        self._read()
        if self._send_raw():
            return
        state: AutheliaState = self.server.state
        parts = urlsplit(self.path)
        if parts.path == "/.well-known/openid-configuration":
            if state.discovery_location:
                return self._redirect(301, state.discovery_location)
            if state.discovery_status != 200:
                return self._send(state.discovery_status, "<html>Not Found</html>",
                                  content_type="text/html")
            return self._send(200, state.discovery())
        if parts.path == "/jwks.json":
            keys = state.jwks_keys if state.jwks_keys is not None else [_jwk()]
            return self._send(200, {"keys": keys})
        if parts.path == "/api/oidc/authorization":
            return self._authorize(dict(parse_qsl(parts.query, keep_blank_values=True)))
        return self._send(404, {"error": "not_found"})

    def do_POST(self):
        body = self._read()
        if self._send_raw():
            return
        if urlsplit(self.path).path == "/api/oidc/token":
            return self._token(dict(parse_qsl(body.decode(), keep_blank_values=True)))
        return self._send(404, {"error": "not_found"})

    # The authorization endpoint: client, redirect_uri, scope, response_type, state.
    def _unredirectable(self, error, description, hint, status):
        state: AutheliaState = self.server.state
        if state.version == "4.38":
            return self._send(status, {"error": error, "error_description": description,
                                       "error_hint": hint})
        query = urlencode({"error": error, "error_description": description,
                           "error_hint": hint})
        return self._redirect(302, f"{state.issuer}/consent/completion?{query}")

    def _back(self, redirect_uri, values):
        return self._redirect(303, f"{redirect_uri}?{urlencode(values)}")

    def _authorize(self, q):
        state: AutheliaState = self.server.state
        client = state.clients.get(q.get("client_id", ""))
        if client is None:
            return self._unredirectable("invalid_client", CLIENT_AUTH_FAILED, CLIENT_HINT, 401)
        redirect_uri = q.get("redirect_uri", "")
        if redirect_uri not in client.redirect_uris:
            return self._unredirectable("invalid_request", INVALID_REQUEST, REDIRECT_HINT, 400)
        back = {"state": q.get("state", ""), "iss": state.issuer}
        for scope in q.get("scope", "").split():
            if scope not in client.scopes:
                return self._back(redirect_uri, {
                    "error": "invalid_scope",
                    "error_description": "The requested scope is invalid, unknown, or "
                    "malformed. " + SCOPE_HINT.format(scope), **back})
        if q.get("response_type") != "code":
            return self._back(redirect_uri, {"error": "unsupported_response_type", **back})
        if len(q.get("state", "")) < 8:
            return self._back(redirect_uri, {"error": "invalid_state", **back})
        if q.get("prompt") == "none":
            return self._back(redirect_uri, {"error": "login_required",
                                             "error_description": LOGIN_REQUIRED, **back})
        if state.login_user is None:
            return self._redirect(302, f"{state.issuer}/?rd=login")
        code = "authelia_ac_" + secrets.token_urlsafe(32)
        state.codes[code] = dict(q, user=state.login_user)
        return self._back(redirect_uri, {"code": code, "scope": q.get("scope", ""), **back})

    # The token endpoint: rate limit, then client authentication (method before secret),
    # then the grant.
    def _token(self, form):
        state: AutheliaState = self.server.state
        if state.rate_limited:
            return self._send(429, {"error": "temporarily_unavailable",
                                    "error_description": "The authorization server is "
                                    "currently unable to handle the request."},
                              {"Retry-After": "60"})
        if state.echo_token_form is not None:
            return self._send(400, {"error": "invalid_request", "error_description":
                                    f"{state.echo_token_form}{form.get('client_secret')} "
                                    f"{form}"})
        method, client_id, secret = "none", form.get("client_id", ""), ""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            pair = base64.b64decode(auth[6:]).decode()
            user, _, password = pair.partition(":")
            method, client_id, secret = "client_secret_basic", unquote(user), unquote(password)
        elif "client_secret" in form:
            method, secret = "client_secret_post", form["client_secret"]
        client = state.clients.get(client_id)
        if client is None:
            return self._send(401, {"error": "invalid_client",
                                    "error_description": CLIENT_AUTH_FAILED})
        if method != client.auth_method:
            return self._send(401, {"error": "invalid_client", "error_description":
                                    CLIENT_AUTH_FAILED + " " + METHOD_NOT_ALLOWED.format(method)})
        if not secrets.compare_digest(secret.encode(), client.secret.encode()):
            return self._send(401, {"error": "invalid_client",
                                    "error_description": CLIENT_AUTH_FAILED})
        grant = state.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None \
                or grant.get("client_id") != client_id \
                or grant.get("redirect_uri") != form.get("redirect_uri"):
            return self._send(400, {"error": "invalid_grant", "error_description": INVALID_GRANT})
        verifier = form.get("code_verifier", "")
        challenge = _b64url(hashlib.sha256(verifier.encode()).digest())
        if grant.get("code_challenge_method") != "S256" or challenge != grant.get("code_challenge"):
            return self._send(400, {"error": "invalid_grant", "error_description": INVALID_GRANT
                                    + " The PKCE code challenge did not match the code "
                                    "verifier."})
        now = int(time.time() + state.clock_offset_s)
        claims = {"iss": state.issuer, "sub": grant["user"], "aud": [client_id],
                  "exp": now + 3600, "iat": now, "auth_time": now, "amr": ["pwd"],
                  "azp": client_id}
        if grant.get("nonce"):
            claims["nonce"] = grant["nonce"]
        return self._send(200, {
            "access_token": "authelia_at_" + secrets.token_urlsafe(32), "token_type": "bearer",
            "expires_in": 3599, "scope": grant.get("scope", ""), "id_token": sign_jwt(claims)},
            {"Cache-Control": "no-store", "Pragma": "no-cache"})


class LibreChatHandler(_Handler):
    def do_GET(self):
        self._read()
        if self._send_raw():
            return
        state: LibreChatState = self.server.state
        path = urlsplit(self.path).path
        if path == "/api/config":
            return self._send(200, state.config)
        if path == "/oauth/openid":
            if state.strategy_failed:
                return self._send(500, 'Error: Unknown authentication strategy "openid"',
                                  content_type="text/html")
            return self._redirect(302, f"{state.authorization_endpoint}?"
                                       f"{urlencode(state.params)}")
        return self._send(404, {"message": "not found"})


class Server:
    """A threaded HTTPS server on 127.0.0.1 and a free port."""

    def __init__(self, handler, state, context: ssl.SSLContext | None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # refused handshakes
        self.httpd.state = state
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True,
                                                    do_handshake_on_connect=False)
        self.port = self.httpd.server_address[1]
        scheme = "https" if context is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.state = state
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def server_context(leaf, *, include_root=None) -> ssl.SSLContext:
    """A server context for a trustme leaf; include_root appends that CA's own certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    if include_root is not None:
        pem = b"".join(blob.bytes() for blob in leaf.cert_chain_pems)
        pem += include_root.cert_pem.bytes()
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pem") as chain, \
                tempfile.NamedTemporaryFile(suffix=".pem") as key:
            chain.write(pem)
            chain.flush()
            key.write(leaf.private_key_pem.bytes())
            key.flush()
            context.load_cert_chain(chain.name, key.name)
    return context


def leaf_only_context(leaf) -> ssl.SSLContext:
    """A server that sends only its own certificate (no intermediate)."""
    import tempfile

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.NamedTemporaryFile(suffix=".pem") as chain, \
            tempfile.NamedTemporaryFile(suffix=".pem") as key:
        chain.write(leaf.cert_chain_pems[0].bytes())
        chain.flush()
        key.write(leaf.private_key_pem.bytes())
        key.flush()
        context.load_cert_chain(chain.name, key.name)
    return context


def self_signed_context(host: str = "127.0.0.1") -> ssl.SSLContext:
    """A server whose certificate is its own issuer (DEPTH_ZERO_SELF_SIGNED_CERT)."""
    import datetime
    import ipaddress
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
                ipaddress.ip_address(host))]), critical=False)
            .sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.NamedTemporaryFile(suffix=".pem") as chain, \
            tempfile.NamedTemporaryFile(suffix=".pem") as key_file:
        chain.write(cert.public_bytes(serialization.Encoding.PEM))
        chain.flush()
        key_file.write(key.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
        key_file.flush()
        context.load_cert_chain(chain.name, key_file.name)
    return context


class BlackHole:
    """A port that accepts TCP connections into its backlog and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"

    def close(self):
        self.sock.close()


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy_pair(profile_factory, ca, *, librechat_version="0.8.7"):
    """An Authelia and a LibreChat stand-in that agree with one profile.

    Returns (authelia, librechat, profile); the caller stops both servers.
    """
    leaf = ca.issue_cert("127.0.0.1")
    authelia = Server(AutheliaHandler, AutheliaState(), server_context(leaf)).start()
    librechat = Server(LibreChatHandler, LibreChatState(), server_context(leaf)).start()
    authelia.state.issuer = authelia.url
    profile = profile_factory(app_url=librechat.url, auth_url=authelia.url,
                              librechat_version=librechat_version)
    configure_pair(authelia, librechat, profile)
    return authelia, librechat, profile


def configure_pair(authelia, librechat, profile):
    authelia.state.clients = {profile.client_id: Client(
        secret=profile.client_secret, redirect_uris=[profile.redirect_uri],
        auth_method=profile.token_endpoint_auth_method())}
    librechat.state.app_url = profile.app_url
    librechat.state.config = {
        "appTitle": "LibreChat", "socialLogins": ["openid"], "socialLoginEnabled": True,
        "openidLoginEnabled": True, "openidLabel": "Log in with Authelia",
        "openidImageUrl": "", "openidAutoRedirect": False, "serverDomain": profile.app_url,
        "emailLoginEnabled": True, "registrationEnabled": False,
    }
    verifier = secrets.token_urlsafe(48)
    librechat.state.authorization_endpoint = authelia.url + "/api/oidc/authorization"
    librechat.state.params = {
        "client_id": profile.client_id, "scope": " ".join(profile.effective_scopes),
        "response_type": "code", "redirect_uri": profile.redirect_uri,
        "code_challenge": _b64url(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256", "state": secrets.token_urlsafe(24),
    }


def resolve_to_loopback(monkeypatch, name: str) -> None:
    """`name` resolves to 127.0.0.1 in this process (no query leaves the machine): a
    stand-in reached under a public-looking name, as LibreChat's container would see it."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        asked = host.decode("ascii") if isinstance(host, bytes) else host  # anyio: bytes
        return real("127.0.0.1" if asked == name else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def named_pair(profile_factory, ca, monkeypatch, name: str = "auth.home.test", **changes):
    """healthy_pair with Authelia under a non-loopback `name` (its certificate carries it)."""
    resolve_to_loopback(monkeypatch, name)
    leaf = ca.issue_cert("127.0.0.1", name)
    authelia = Server(AutheliaHandler, AutheliaState(), server_context(leaf)).start()
    librechat = Server(LibreChatHandler, LibreChatState(), server_context(leaf)).start()
    authelia.state.issuer = f"https://{name}:{authelia.port}"
    profile = profile_factory(app_url=librechat.url, auth_url=authelia.state.issuer,
                              **{"librechat_version": "0.8.7", **changes})
    configure_pair(authelia, librechat, profile)
    librechat.state.authorization_endpoint = authelia.state.issuer + "/api/oidc/authorization"
    return authelia, librechat, profile
