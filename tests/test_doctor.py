"""The doctor against stand-ins of Authelia and LibreChat on 127.0.0.1 (one test per code)."""

from __future__ import annotations

import datetime
import socket
import threading

import pytest
from conftest import FAKE_CLIENT_SECRET, fake_profile
from doctor_standins import (
    AutheliaHandler,
    AutheliaState,
    BlackHole,
    Client,
    Server,
    closed_port,
    configure_pair,
    leaf_only_context,
    self_signed_context,
    server_context,
)

from tui.doctor import CODES, SEVERITIES, run, run_deadline, target_from_profile

TIMEOUT = 3.0


def doctor(profile, ca_file="", **options):
    options.setdefault("timeout", TIMEOUT)
    return run(target_from_profile(profile, ca_file), **options)


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, (code, findings)
    return found[0]


def token_posts(authelia):
    return [r for r in authelia.state.requests if r.method == "POST"]


def test_every_code_has_a_meaning_and_every_severity_is_known():
    assert all(CODES.values())
    assert SEVERITIES == ("error", "warning", "info", "ok")


def test_a_healthy_pair_yields_only_ok_and_info(pair, ca_file):
    authelia, librechat, profile = pair
    seen = []
    findings = doctor(profile, ca_file, on_finding=seen.append)
    assert seen == findings  # each finding is handed over as it completes
    assert {f.severity for f in findings} <= {"ok", "info"}, findings
    for code in ("tls-ok", "discovery-ok", "jwks-ok", "clock-ok", "token-client-ok",
                 "librechat-config-ok", "librechat-request-ok"):
        assert code in codes(findings), code
    # The profile's request and LibreChat's own request, both accepted.
    assert codes(findings).count("authorize-ok") == 2
    # Trusted only through --ca-file: LibreChat needs the CA in NODE_EXTRA_CA_CERTS.
    tls = only(findings, "tls-ok")
    assert tls.severity == "info" and "NODE_EXTRA_CA_CERTS" in tls.fix
    assert "UNABLE_TO_VERIFY_LEAF_SIGNATURE" in tls.message


def test_the_secret_goes_only_to_the_token_endpoint_once_and_never_to_librechat(pair, ca_file):
    authelia, librechat, profile = pair
    findings = doctor(profile, ca_file)
    posts = token_posts(authelia)
    assert len(posts) == 1 and posts[0].path == "/api/oidc/token"
    assert FAKE_CLIENT_SECRET.encode() in posts[0].body  # client_secret_post for 0.8.7
    for request in authelia.state.requests:
        if request is not posts[0]:
            assert FAKE_CLIENT_SECRET not in request.path + str(request.headers)
    for request in librechat.state.requests:
        assert FAKE_CLIENT_SECRET not in request.path + str(request.headers)
        assert FAKE_CLIENT_SECRET.encode() not in request.body
    assert all(FAKE_CLIENT_SECRET not in f.message + f.fix for f in findings)


def test_old_librechat_sends_the_secret_with_http_basic(pair, ca_file):
    authelia, librechat, profile = pair
    profile = profile.with_changes(librechat_version="0.7.8")
    configure_pair(authelia, librechat, profile)
    findings = doctor(profile, ca_file)
    assert "token-client-ok" in codes(findings)
    (post,) = token_posts(authelia)
    assert post.headers["Authorization"].startswith("Basic ")
    assert FAKE_CLIENT_SECRET.encode() not in post.body


def test_no_token_probe_sends_no_token_request(pair, ca_file):
    authelia, _, profile = pair
    findings = doctor(profile, ca_file, token_probe=False)
    assert token_posts(authelia) == []
    assert only(findings, "token-probe-skipped").severity == "info"


def test_a_token_endpoint_off_the_issuer_origin_never_gets_the_secret(pair, ca_file):
    authelia, librechat, profile = pair
    authelia.state.discovery_changes = {"token_endpoint": librechat.url + "/api/oidc/token"}
    findings = doctor(profile, ca_file)
    assert "discovery-endpoint-off-origin" in codes(findings, "error")
    assert only(findings, "token-probe-skipped").severity == "warning"
    assert token_posts(authelia) == [] and all(r.method == "GET"
                                               for r in librechat.state.requests)


def test_nothing_is_followed_to_another_host(pair, ca_file):
    authelia, librechat, profile = pair
    authelia.state.discovery_location = librechat.url + "/.well-known/openid-configuration"
    findings = doctor(profile, ca_file)
    assert "redirects to" in only(findings, "discovery-failed").message
    assert not any(r.path.startswith("/.well-known") for r in librechat.state.requests)
    assert token_posts(authelia) == []


# Name resolution, connection, TLS -------------------------------------------------------

def test_dns_failed(pair, ca_file):
    _, _, profile = pair

    def resolver(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    findings = doctor(profile, ca_file, resolver=resolver)
    assert only(findings, "dns-failed").severity == "error"
    assert "discovery-ok" not in codes(findings)


def test_connect_failed(pair, ca_file):
    _, librechat, profile = pair
    profile = profile.with_changes(auth_url=f"https://127.0.0.1:{closed_port()}")
    findings = doctor(profile, ca_file)
    assert only(findings, "connect-failed").severity == "error"
    assert "librechat-config-ok" in codes(findings)


def _authelia_with(context, profile_factory=fake_profile):
    server = Server(AutheliaHandler, AutheliaState(), context).start()
    server.state.issuer = server.url
    profile = profile_factory(auth_url=server.url)
    server.state.clients = {profile.client_id: Client(profile.client_secret,
                                                      [profile.redirect_uri])}
    return server, profile


@pytest.mark.parametrize("case, node_code", [
    ("root-in-chain", "SELF_SIGNED_CERT_IN_CHAIN"),
    ("self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT"),
    ("intermediate-sent", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
    ("intermediate-missing", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
])
def test_tls_untrusted_names_the_error_node_meets(case, node_code, ca, ca_file):
    use_ca_file = ""
    if case == "root-in-chain":
        context = server_context(ca.issue_cert("127.0.0.1"), include_root=ca)
    elif case == "self-signed":
        context = self_signed_context()
    elif case == "intermediate-sent":
        context = server_context(ca.create_child_ca().issue_cert("127.0.0.1"))
    else:  # the root is trusted, the proxy leaves out the intermediate
        context = leaf_only_context(ca.create_child_ca().issue_cert("127.0.0.1"))
        use_ca_file = ca_file
    server, profile = _authelia_with(context)
    try:
        findings = doctor(profile, use_ca_file)
    finally:
        server.stop()
    finding = only(findings, "tls-untrusted")
    assert finding.severity == "error" and node_code in finding.message
    if case == "intermediate-missing":
        assert "full chain" in finding.fix
    else:  # no CA file: this check's own trust is missing, not (for all it knows) LibreChat's
        assert "this check does not trust the certificate" in finding.message
        assert "pass --ca-file PATH" in finding.fix and "NODE_EXTRA_CA_CERTS" not in finding.fix
    assert "discovery-ok" not in codes(findings) and token_posts(server) == []


def test_tls_expired(ca, ca_file):
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)
    leaf = ca.issue_cert("127.0.0.1", not_before=past - datetime.timedelta(days=30),
                         not_after=past)
    server, profile = _authelia_with(server_context(leaf))
    try:
        findings = doctor(profile, ca_file)
    finally:
        server.stop()
    message = only(findings, "tls-expired").message
    assert "CERT_HAS_EXPIRED" in message
    assert "the certificate has expired" in message and "certificate certificate" not in message
    assert token_posts(server) == [] and "discovery-ok" not in codes(findings)


def test_tls_name_mismatch(ca, ca_file):
    server, profile = _authelia_with(server_context(ca.issue_cert("auth.example.test")))
    try:
        findings = doctor(profile, ca_file)
    finally:
        server.stop()
    assert only(findings, "tls-name-mismatch").severity == "error"
    assert token_posts(server) == [] and "discovery-ok" not in codes(findings)


# Discovery ------------------------------------------------------------------------------

def test_discovery_failed(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.discovery_status = 404
    findings = doctor(profile, ca_file)
    assert "404" in only(findings, "discovery-failed").message
    assert token_posts(authelia) == []


def test_discovery_issuer_mismatch(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.issuer_override = authelia.url + "/"
    finding = only(doctor(profile, ca_file), "discovery-issuer-mismatch")
    assert f"OPENID_ISSUER={authelia.url}/" in finding.fix


def test_discovery_no_s256(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.discovery_changes = {"code_challenge_methods_supported": ["plain"]}
    assert only(doctor(profile, ca_file), "discovery-no-s256").severity == "error"


def test_discovery_auth_method_unsupported(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.discovery_changes = {"token_endpoint_auth_methods_supported":
                                        ["client_secret_basic"]}
    finding = only(doctor(profile, ca_file), "discovery-auth-method-unsupported")
    assert "client_secret_post" in finding.message


def test_jwks_unusable(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.jwks_keys = [{"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
                                 "kid": "ec", "x": "AA", "y": "AA"}]
    assert only(doctor(profile, ca_file), "jwks-unusable").severity == "error"


# Authorization ----------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["4.39", "4.38"])
def test_authorize_client_unknown(pair, ca_file, version):
    authelia, _, profile = pair
    authelia.state.version = version
    authelia.state.clients = {}
    findings = doctor(profile, ca_file)
    assert codes(findings).count("authorize-client-unknown") == 2  # ours and LibreChat's
    # The token endpoint's invalid_client is explained by the unknown client.
    assert only(findings, "token-secret-rejected").severity == "info"


@pytest.mark.parametrize("version", ["4.39", "4.38"])
def test_authorize_redirect_mismatch(pair, ca_file, version):
    authelia, _, profile = pair
    authelia.state.version = version
    authelia.state.clients[profile.client_id].redirect_uris = ["https://other.example/cb"]
    findings = doctor(profile, ca_file)
    finding = [f for f in findings if f.code == "authorize-redirect-mismatch"][0]
    assert profile.redirect_uri in finding.fix


def test_authorize_scope_not_allowed(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].scopes = ["openid", "profile"]
    finding = [f for f in doctor(profile, ca_file) if f.code == "authorize-scope-not-allowed"][0]
    assert "'email'" in finding.message


def test_authorize_ok_comes_back_as_login_required(pair, ca_file):
    authelia, _, profile = pair
    findings = doctor(profile, ca_file)
    assert "login_required" in [f for f in findings if f.code == "authorize-ok"][0].message
    gets = [r.path for r in authelia.state.requests if r.path.startswith("/api/oidc/auth")]
    assert len(gets) == 2 and all("prompt=none" in path for path in gets)
    assert all("code_challenge_method=S256" in path for path in gets)


# Token endpoint -------------------------------------------------------------------------

def test_token_client_ok(pair, ca_file):
    assert only(doctor(pair[2], ca_file), "token-client-ok").severity == "ok"


def test_token_auth_method_mismatch(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].auth_method = "client_secret_basic"
    finding = only(doctor(profile, ca_file), "token-auth-method-mismatch")
    assert "token_endpoint_auth_method: 'client_secret_post'" in finding.fix


def test_token_secret_rejected(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].secret = "another-secret-" + "z" * 50
    finding = only(doctor(profile, ca_file), "token-secret-rejected")
    assert finding.severity == "error" and "digest" in finding.message


def test_token_rate_limited(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.rate_limited = True
    finding = only(doctor(profile, ca_file), "token-rate-limited")
    assert "real logins from this address are blocked" in finding.message
    assert len(token_posts(authelia)) == 1


def test_clock_skew(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.clock_offset_s = 120
    finding = only(doctor(profile, ca_file), "clock-skew")
    assert "ahead" in finding.message and "30 s" in finding.message


# LibreChat --------------------------------------------------------------------------------

def test_librechat_unreachable(pair, ca_file):
    _, _, profile = pair
    profile = profile.with_changes(app_url=f"https://127.0.0.1:{closed_port()}")
    findings = doctor(profile, ca_file)
    assert only(findings, "librechat-unreachable").severity == "error"
    assert "token-client-ok" in codes(findings)


def test_librechat_openid_disabled(pair, ca_file):
    _, librechat, profile = pair
    librechat.state.config["openidLoginEnabled"] = False
    finding = only(doctor(profile, ca_file), "librechat-openid-disabled")
    assert "openidLoginEnabled=false" in finding.message


def test_librechat_server_domain_mismatch(pair, ca_file):
    _, librechat, profile = pair
    librechat.state.config["serverDomain"] = "http://localhost:3080"
    finding = only(doctor(profile, ca_file), "librechat-server-domain-mismatch")
    assert f"DOMAIN_SERVER={profile.app_url}" in finding.fix


def test_librechat_strategy_failed_names_the_likely_cause(pair, ca_file):
    _, librechat, profile = pair
    librechat.state.strategy_failed = True
    finding = only(doctor(profile, ca_file), "librechat-strategy-failed")
    assert 'Unknown authentication strategy "openid"' in finding.message
    # Trusted here only through --ca-file: the container's CA is the likely cause.
    assert "NODE_EXTRA_CA_CERTS" in finding.message
    assert "docker compose exec api" in finding.fix


def test_librechat_strategy_failed_with_discovery_working_points_at_the_network(ca, ca_file,
                                                                              monkeypatch):
    from doctor_standins import named_pair

    from tui.doctor import tlsprobe

    real = tlsprobe.check_tls

    def trusted(*args):  # as if the certificate came from a public CA
        outcome = real(*args)
        return outcome._replace(state=tlsprobe.TRUSTED)

    monkeypatch.setattr(tlsprobe, "check_tls", trusted)
    # Under a public-looking name: extra_hosts can send a name to the Docker host, never a
    # loopback one (127.0.0.1 inside the container is the container).
    authelia, librechat, profile = named_pair(fake_profile, ca, monkeypatch)
    try:
        librechat.state.strategy_failed = True
        finding = only(doctor(profile, ca_file), "librechat-strategy-failed")
    finally:
        authelia.stop()
        librechat.stop()
    assert "hairpin NAT" in finding.message
    assert "auth.home.test:host-gateway" in finding.message


def test_librechat_request_mismatch_names_each_difference(pair, ca_file):
    _, librechat, profile = pair
    librechat.state.params["scope"] = "openid profile"
    librechat.state.params["redirect_uri"] = "http://localhost:3080/oauth/openid/callback"
    findings = [f for f in doctor(profile, ca_file) if f.code == "librechat-request-mismatch"]
    assert len(findings) == 2
    assert any("scope" in f.message and "OPENID_SCOPE" in f.fix for f in findings)
    assert any("redirect_uri" in f.message and "DOMAIN_SERVER" in f.fix for f in findings)


def test_librechats_own_request_is_sent_to_authelia(pair, ca_file):
    authelia, librechat, profile = pair
    librechat.state.params["redirect_uri"] = "http://localhost:3080/oauth/openid/callback"
    findings = doctor(profile, ca_file)
    own = [f for f in findings if f.message.startswith("LibreChat's own")]
    assert [f.code for f in own] == ["authorize-redirect-mismatch"]
    assert "localhost:3080" in own[0].message


# Bounds -----------------------------------------------------------------------------------

def test_a_black_holed_librechat_ends_within_the_timeout(pair, ca_file):
    import time

    _, _, profile = pair
    hole = BlackHole()
    try:
        started = time.monotonic()
        findings = doctor(profile.with_changes(app_url=hole.url), ca_file, timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        hole.close()
    assert "no answer within 1 s" in only(findings, "librechat-unreachable").message
    assert elapsed < run_deadline(1.0)
    assert "token-client-ok" in codes(findings)


def test_a_black_holed_authelia_ends_within_the_timeout(pair, ca_file):
    import time

    _, _, profile = pair
    hole = BlackHole()
    try:
        started = time.monotonic()
        findings = doctor(profile.with_changes(auth_url=hole.url), ca_file, timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        hole.close()
    assert only(findings, "connect-failed").severity == "error"
    assert elapsed < run_deadline(1.0)


def test_cancel_returns_what_was_found_so_far(pair, ca_file):
    _, _, profile = pair
    hole = BlackHole()
    cancel = threading.Event()

    def on_finding(finding):  # LibreChat never answers: cancel once Authelia has spoken
        if finding.code == "token-client-ok":
            cancel.set()

    try:
        findings = doctor(profile.with_changes(app_url=hole.url), ca_file, timeout=30.0,
                          cancel=cancel, on_finding=on_finding)
    finally:
        hole.close()
    assert "token-client-ok" in codes(findings)
    assert "librechat-unreachable" not in codes(findings)  # it would take 30 s

# Secrets, the public interface, the rules in isolation ------------------------------------

ISSUE_CODES = """dns-failed connect-failed tls-untrusted tls-expired tls-name-mismatch
discovery-failed discovery-issuer-mismatch discovery-no-s256 discovery-auth-method-unsupported
jwks-unusable authorize-ok authorize-client-unknown authorize-redirect-mismatch
authorize-scope-not-allowed token-client-ok token-auth-method-mismatch token-secret-rejected
token-rate-limited clock-skew librechat-unreachable librechat-openid-disabled
librechat-server-domain-mismatch librechat-strategy-failed librechat-request-mismatch""".split()


def test_the_issues_codes_are_all_there_and_every_code_is_in_the_docs():
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "doctor.md").read_text()
    assert set(ISSUE_CODES) <= set(CODES)
    for code in CODES:
        assert f"`{code}`" in docs, code


def test_a_server_quoting_the_secret_back_never_gets_it_into_the_output(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.echo_token_form = "cannot handle "
    finding = only(doctor(profile, ca_file), "token-unexpected")
    assert "[secret]" in finding.message and FAKE_CLIENT_SECRET not in finding.message


@pytest.mark.parametrize("cut_inside", [5, 30, 60])
def test_a_long_answer_cut_inside_the_secret_shows_no_part_of_it(pair, ca_file, cut_inside):
    from tui.core.shown import LIMIT

    authelia, _, profile = pair
    # The message quotes "invalid_request " then this text: the cut falls in the secret.
    authelia.state.echo_token_form = "x" * (LIMIT - len("invalid_request ") - cut_inside)
    finding = only(doctor(profile, ca_file), "token-unexpected")
    assert "more characters" in finding.message
    assert FAKE_CLIENT_SECRET[:cut_inside] not in finding.message


def test_a_target_never_shows_its_secret(pair, ca_file):
    target = target_from_profile(pair[2], ca_file)
    assert FAKE_CLIENT_SECRET not in repr(target) and "[secret]" in repr(target)


def test_http_issuer_on_loopback_gets_the_token_request(ca, ca_file):
    from doctor_standins import LibreChatHandler, LibreChatState

    authelia = Server(AutheliaHandler, AutheliaState(), None).start()
    librechat = Server(LibreChatHandler, LibreChatState(), server_context(
        ca.issue_cert("127.0.0.1"))).start()
    authelia.state.issuer = authelia.url
    profile = fake_profile(app_url=librechat.url, auth_url=authelia.url,
                           librechat_version="0.7.8")
    configure_pair(authelia, librechat, profile)
    try:
        findings = doctor(profile, ca_file)
    finally:
        authelia.stop()
        librechat.stop()
    assert "token-client-ok" in codes(findings) and "tls-ok" not in codes(findings)


@pytest.mark.parametrize("endpoint, refused", [
    ("https://auth.example.com/api/oidc/token", ""),
    ("https://auth.example.com:8443/api/oidc/token", "not on the issuer's origin"),
    ("https://evil.example.net/api/oidc/token", "not on the issuer's origin"),
    ("http://auth.example.com/api/oidc/token", "not on the issuer's origin"),
])
def test_the_secret_goes_only_to_the_issuers_origin_over_https(endpoint, refused):
    from tui.doctor.base import token_refusal

    target = target_from_profile(fake_profile(auth_url="https://auth.example.com"))
    assert (token_refusal(endpoint, target) == "") == (refused == "")
    assert refused in token_refusal(endpoint, target)


def test_the_secret_never_goes_to_librechats_origin():
    from tui.doctor.base import token_refusal

    target = target_from_profile(fake_profile(app_url="https://example.com",
                                              auth_url="https://example.com/authelia"))
    refusal = token_refusal("https://example.com/authelia/api/oidc/token", target)
    assert "LibreChat's origin" in refusal


def test_plain_http_is_allowed_only_on_loopback():
    from tui.doctor.base import token_refusal

    for issuer, allowed in (("http://auth.example.com", False), ("http://127.0.0.1:9091", True),
                            ("http://localhost:9091", True)):
        target = target_from_profile(fake_profile(auth_url=issuer))
        assert (token_refusal(issuer + "/api/oidc/token", target) == "") is allowed, issuer


def test_authelia_that_cannot_determine_its_issuer_is_explained():
    from tui.doctor.answers import classify_authorize

    finding = classify_authorize(
        500, "", {"error": "server_error", "error_description": "The authorization server "
                  "encountered an unexpected condition.", "error_hint": "error occurred "
                  "determining the effective issuer"},
        issuer="https://auth.example.com", redirect_uri="https://chat.example.com/cb",
        scopes=("openid",), who="the expected")
    assert finding.code == "authorize-failed" and "https" in finding.fix


def test_a_resolver_that_never_answers_holds_up_nothing(pair, ca_file, monkeypatch):
    import time

    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if str(host).endswith(".hang.test"):
            time.sleep(4)  # a daemon thread: left behind, finishes on its own
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    _, _, profile = pair
    started = time.monotonic()
    findings = doctor(profile.with_changes(auth_url="https://auth.hang.test",
                                           app_url="https://chat.hang.test"), timeout=1.0)
    assert time.monotonic() - started < run_deadline(1.0)
    assert "no answer within 1 s" in only(findings, "dns-failed").message
    assert only(findings, "librechat-unreachable").severity == "error"


def test_an_http_issuer_off_loopback_is_named_and_gets_no_secret(pair, ca_file, monkeypatch):
    _, _, profile = pair
    real = socket.getaddrinfo

    def no_such_name(host, *args, **kwargs):  # no query leaves this machine
        if host == "authelia":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    findings = doctor(profile.with_changes(auth_url="http://authelia:9091"), ca_file)
    assert "http://authelia:9091" in only(findings, "issuer-not-https").message
    assert "dns-failed" in codes(findings)
