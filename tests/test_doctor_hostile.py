"""The doctor against a hostile Authelia and LibreChat: what they send never reaches the
terminal raw, never grows the doctor's memory past a cap, never crashes it, and never
turns a server's bad value into "bad input".

The stand-ins (tests/doctor_standins.py) serve HTTPS on 127.0.0.1 with a trustme CA.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import FAKE_CLIENT_SECRET, save_as_last_used
from doctor_standins import (
    HOSTILE,
    RAW_CONTROLS,
    Raw,
    _jwk,
    endless,
    gzip_bomb,
    hostile,
)

from tui.cli import main
from tui.core.shown import shown
from tui.doctor import CODES, run, run_deadline, target_from_profile

TIMEOUT = 3.0
DEEP = b"[" * 200_000  # json.loads raises RecursionError on it


@pytest.fixture
def pair(pair):
    """The healthy pair, with its profile saved as the last-used one (for the CLI)."""
    save_as_last_used(pair[2])
    return pair


def doctor(profile, ca_file, **options):
    options.setdefault("timeout", TIMEOUT)
    return run(target_from_profile(profile, ca_file), **options)


def codes(findings):
    return [f.code for f in findings]


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, (code, findings)
    return found[0]


def raw_controls(text: str) -> set[str]:
    return set(text) & RAW_CONTROLS


def cli(capsys, ca_file, *args):
    status = main(["doctor", "--ca-file", ca_file, "--timeout", str(TIMEOUT), *args])
    out, err = capsys.readouterr()
    assert FAKE_CLIENT_SECRET not in out + err
    return status, out, err


# Terminal injection: every server string is shown, escaped -------------------------------

def _hostile_answers(authelia, librechat):
    """A server value in each place the doctor quotes one; returns the tags placed."""
    authelia.state.discovery_changes = {
        "issuer": hostile("ISSUER"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", hostile("METHOD")]}
    authelia.state.jwks_keys = [{**_jwk(), "kid": hostile("KID")}]
    authelia.state.raw["/api/oidc/token"] = Raw(400, json.dumps(
        {"error": hostile("TOKERR"), "error_description": hostile("TOKDESC")}).encode())
    authelia.state.raw["/api/oidc/authorization"] = Raw(400, json.dumps(
        {"error": hostile("AUTHERR"), "error_description": hostile("AUTHDESC")}).encode())
    librechat.state.config["serverDomain"] = hostile("DOMAIN")
    librechat.state.params.update(client_id=hostile("CLIENTID"), scope=hostile("SCOPE"),
                                  redirect_uri=hostile("REDIRECT"))
    return ["ISSUER", "METHOD", "KID", "TOKERR", "TOKDESC", "AUTHERR", "AUTHDESC", "DOMAIN",
            "CLIENTID", "SCOPE", "REDIRECT"]


# Raw header bytes: the C1 controls 0x9b (CSI) and 0x9d (OSC) as single bytes, and with ESC
# and BEL (httpx itself refuses that Location: "Invalid URL in location header").
_C1_URL = b"https://elsewhere.test/\x9b31m\x9d0;t?client_id=x"
_ESC_URL = b"https://elsewhere.test/cb\x1b]52;c;aGk=\x07\x9b31m\x9d0;t\x07"


def _hostile_redirects(authelia, librechat):
    """Hostile Location and Retry-After headers (discovery itself is fine)."""
    authelia.state.raw["/api/oidc/authorization"] = Raw(302, b"", {"Location": _C1_URL})
    authelia.state.raw["/api/oidc/token"] = Raw(
        429, b'{"error": "temporarily_unavailable"}', {"Retry-After": b"60\x1b[2J\x9b31m"})
    librechat.state.raw["/oauth/openid"] = Raw(302, b"", {"Location": _C1_URL})
    return []


def _hostile_discovery_redirect(authelia, librechat):
    authelia.state.raw["/.well-known/openid-configuration"] = Raw(
        301, b"", {"Location": _C1_URL})
    librechat.state.raw["/oauth/openid"] = Raw(302, b"", {"Location": _ESC_URL})
    return []


SCENARIOS = {"answers": _hostile_answers, "redirects": _hostile_redirects,
             "discovery-redirect": _hostile_discovery_redirect}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_server_string_reaches_the_findings_raw(pair, ca_file, scenario):
    authelia, librechat, profile = pair
    tags = SCENARIOS[scenario](authelia, librechat)
    findings = doctor(profile, ca_file)
    text = "\n".join(f.message + "\n" + f.fix for f in findings)  # what the app shows
    assert not raw_controls(text), findings
    for tag in tags:  # each place quoted the value, escaped (and [markup] kept literal)
        assert shown(hostile(tag)) in text, tag
    if scenario == "answers":
        assert "set OPENID_ISSUER=" + shown(hostile("ISSUER")) in \
            only(findings, "discovery-issuer-mismatch").fix
    else:  # the C1 controls of a Location header are shown escaped
        assert "\\x9b31m\\x9d0;t" in text
    if scenario == "redirects":
        assert "Retry-After: 60\\x1b[2J\\x9b31m" in only(findings, "token-rate-limited").message
        assert any("a redirect to https://elsewhere.test/\\x9b31m" in f.message
                   for f in findings if f.code == "authorize-failed")
    if scenario == "discovery-redirect":
        assert "redirects to https://elsewhere.test/\\x9b31m" in \
            only(findings, "discovery-failed").message
    posts = [r for r in authelia.state.requests if r.method == "POST"]
    assert all(r.path == "/api/oidc/token" for r in posts) and len(posts) <= 1


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("output", ["text", "json"])
def test_no_server_string_reaches_the_cli_output_raw(pair, ca_file, capsys, scenario, output):
    authelia, librechat, _ = pair
    tags = SCENARIOS[scenario](authelia, librechat)
    status, out, err = cli(capsys, ca_file, "--format", output)
    assert status == 1
    assert not raw_controls(out + err)
    if output == "json":
        findings = json.loads(out)["findings"]  # still valid JSON
        decoded = "\n".join(f["message"] + "\n" + f["fix"] for f in findings)
        assert not raw_controls(decoded)  # not even once the JSON is decoded
        out = decoded
    for tag in tags:
        assert shown(hostile(tag)) in out, tag


def test_no_server_string_reaches_a_real_terminal_raw(pair, ca_file, tmp_path):
    """The whole program, as a user runs it: the bytes on stdout hold no control."""
    authelia, librechat, profile = pair
    tags = _hostile_answers(authelia, librechat)
    for output in ("text", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "tui", "doctor", "--ca-file", ca_file, "--timeout",
             str(TIMEOUT), "--format", output], capture_output=True, timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        out = result.stdout.decode("utf-8")
        assert result.returncode == 1, result.stderr
        assert not raw_controls(out + result.stderr.decode("utf-8"))
        if output == "json":
            out = json.dumps(json.loads(out), ensure_ascii=False)
            assert not raw_controls(out)
        for tag in tags:
            assert tag in out


def test_long_server_values_are_cut(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.discovery_changes = {"issuer": "https://auth.test/" + "a" * 100_000}
    finding = only(doctor(profile, ca_file), "discovery-issuer-mismatch")
    assert "more characters" in finding.message and len(finding.message) < 1000


# Response size: every answer is read with a cap -------------------------------------------

def _place(authelia, librechat, where, raw):
    server = librechat if where.startswith("librechat") else authelia
    server.state.raw[where.split(":", 1)[1]] = raw


BIG_ANSWERS = ["authelia:/.well-known/openid-configuration", "authelia:/jwks.json",
               "authelia:/api/oidc/token", "authelia:/api/oidc/authorization",
               "librechat:/api/config", "librechat:/oauth/openid"]
STILL_FINE = {"authelia:/.well-known/openid-configuration": "librechat-config-ok",
              "authelia:/jwks.json": "token-client-ok",
              "authelia:/api/oidc/token": "jwks-ok",
              "authelia:/api/oidc/authorization": "token-client-ok",
              "librechat:/api/config": "token-client-ok",
              "librechat:/oauth/openid": "discovery-ok"}


@pytest.mark.parametrize("where", BIG_ANSWERS)
def test_an_endless_body_is_response_too_large_and_the_rest_still_runs(pair, ca_file, where):
    authelia, librechat, profile = pair
    _place(authelia, librechat, where, Raw(200, endless(1 << 30)))  # 1 GiB, never sent whole
    findings = doctor(profile, ca_file)
    big = [f for f in findings if f.code == "response-too-large"]
    assert big and all(f.severity == "error" for f in big), findings
    assert where.split(":", 1)[1] in big[0].message and "1 MB" in big[0].message
    assert STILL_FINE[where] in codes(findings)


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("where", ["authelia:/.well-known/openid-configuration",
                                   "librechat:/api/config"])
def test_a_gzip_bomb_is_response_too_large(pair, ca_file, where, layers):
    authelia, librechat, profile = pair
    encoding = ", ".join(["gzip"] * layers)
    _place(authelia, librechat, where, Raw(200, gzip_bomb(64 << 20, layers),
                                           {"Content-Encoding": encoding}))
    findings = doctor(profile, ca_file)
    assert only(findings, "response-too-large").severity == "error"
    assert STILL_FINE[where] in codes(findings)


def test_a_small_gzipped_answer_is_read(pair, ca_file):
    import gzip

    authelia, librechat, profile = pair
    body = json.dumps(librechat.state.config).encode()
    librechat.state.raw["/api/config"] = Raw(200, gzip.compress(body),
                                             {"Content-Encoding": "gzip"})
    assert "librechat-config-ok" in codes(doctor(profile, ca_file))


def test_an_unknown_encoding_is_a_finding_not_a_crash(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.raw["/jwks.json"] = Raw(200, b"\x00" * 100, {"Content-Encoding": "br"})
    finding = only(doctor(profile, ca_file), "jwks-unusable")
    assert "unsupported Content-Encoding 'br'" in finding.message


def test_a_dripping_body_ends_within_the_deadline(pair, ca_file):
    authelia, _, profile = pair

    def drip():
        for _ in range(1000):  # a byte every 50 ms: each read in time, the whole not
            time.sleep(0.05)
            yield b" "

    authelia.state.raw["/.well-known/openid-configuration"] = Raw(200, drip)
    started = time.monotonic()
    findings = doctor(profile, ca_file, timeout=1.0)
    assert time.monotonic() - started < run_deadline(1.0)
    assert "no answer within 1 s" in only(findings, "connect-failed").message
    assert "librechat-config-ok" in codes(findings)


# JSON shape: a wrong type or a deep nesting is a finding, never a traceback ---------------

@pytest.mark.parametrize("changes, field", [
    ({"token_endpoint_auth_methods_supported": [1, 2]}, "token_endpoint_auth_methods_supported"),
    ({"code_challenge_methods_supported": 5}, "code_challenge_methods_supported"),
    ({"issuer": {"a": 1}}, "issuer"),
    ({"jwks_uri": ["x"]}, "jwks_uri"),
])
def test_wrong_types_in_discovery_are_discovery_malformed(pair, ca_file, changes, field):
    authelia, _, profile = pair
    authelia.state.discovery_changes = changes
    findings = doctor(profile, ca_file)
    assert field in only(findings, "discovery-malformed").message
    assert "discovery-ok" not in codes(findings)
    # The other probes still run.
    assert "librechat-config-ok" in codes(findings) and "token-client-ok" in codes(findings)


@pytest.mark.parametrize("body", [b'{"keys": 5}', b'{"keys": [5]}', b"[]",
                                  b'{"keys": [{"kty": "RSA", "kid": 7}]}', DEEP],
                         ids=["keys-5", "keys-list-of-5", "list", "kid-7", "deep"])
def test_a_malformed_jwks_is_jwks_malformed(pair, ca_file, body):
    authelia, _, profile = pair
    authelia.state.raw["/jwks.json"] = Raw(200, body)
    findings = doctor(profile, ca_file)
    assert only(findings, "jwks-malformed").severity == "error"
    assert "token-client-ok" in codes(findings)


@pytest.mark.parametrize("where, code", [
    ("authelia:/.well-known/openid-configuration", "discovery-malformed"),
    ("authelia:/jwks.json", "jwks-malformed"),
    ("authelia:/api/oidc/token", "token-response-malformed"),
    ("authelia:/api/oidc/authorization", "authorize-failed"),
    ("librechat:/api/config", "librechat-config-malformed"),
])
def test_deep_nesting_is_a_finding_not_a_traceback(pair, ca_file, where, code):
    authelia, librechat, profile = pair
    _place(authelia, librechat, where, Raw(200 if "token" not in where else 400, DEEP))
    findings = doctor(profile, ca_file)
    assert any(f.code == code and "nested too deeply" in f.message for f in findings), findings
    assert STILL_FINE[where] in codes(findings)


@pytest.mark.parametrize("body", [b'["invalid_grant"]', b'{"error": 5}',
                                  b'{"error": "invalid_client", "error_description": [1]}'])
def test_a_malformed_token_answer_is_token_response_malformed(pair, ca_file, body):
    authelia, _, profile = pair
    authelia.state.raw["/api/oidc/token"] = Raw(400, body)
    findings = doctor(profile, ca_file)
    assert only(findings, "token-response-malformed").severity == "error"
    assert "token-client-ok" not in codes(findings) and "jwks-ok" in codes(findings)


@pytest.mark.parametrize("body", [b"[1, 2]", b'{"serverDomain": 5, "openidLoginEnabled": true}'])
def test_a_malformed_librechat_config_is_librechat_config_malformed(pair, ca_file, body):
    _, librechat, profile = pair
    librechat.state.raw["/api/config"] = Raw(200, body)
    findings = doctor(profile, ca_file)
    assert only(findings, "librechat-config-malformed").severity == "error"
    assert "librechat-request-ok" in codes(findings)


def test_a_malformed_authorize_error_is_authorize_failed(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.raw["/api/oidc/authorization"] = Raw(
        400, b'{"error": "invalid_request", "error_description": {"x": 1}}')
    findings = doctor(profile, ca_file)
    failed = [f for f in findings if f.code == "authorize-failed"]
    assert failed and all("malformed JSON" in f.message for f in failed)


# A bad URL from a server is a finding about the server (exit 1), not bad input ------------

@pytest.mark.parametrize("key, url", [
    ("token_endpoint", "https://127.0.0.1:99999/api/oidc/token"),
    ("authorization_endpoint", "https://[::1"),
    ("jwks_uri", "https://127.0.0.1/\x1b[2J"),
])
def test_a_bad_url_in_discovery_is_a_finding_and_the_rest_is_kept(pair, ca_file, capsys, key,
                                                                   url):
    authelia, _, _ = pair
    authelia.state.discovery_changes = {key: url}
    status, out, err = cli(capsys, ca_file, "--format", "json")
    assert status == 1, err
    findings = json.loads(out)["findings"]
    (malformed,) = [f for f in findings if f["code"] == "discovery-malformed"]
    assert key in malformed["message"] and "not a valid URL" in malformed["message"]
    kept = {f["code"] for f in findings}
    assert {"librechat-config-ok", "tls-ok"} <= kept
    assert kept & {"jwks-ok", "token-client-ok"}
    assert not [r for r in authelia.state.requests if r.method == "POST"] \
        or key != "token_endpoint"


@pytest.mark.parametrize("location, code, said", [
    ("https://a:99999/x", "librechat-request-mismatch", "not a valid URL"),
    ("https://[::1/x", "librechat-unreachable", "Invalid URL in location header"),  # httpx's
])
def test_a_bad_url_in_librechats_redirect_is_a_finding(pair, ca_file, location, code, said):
    _, librechat, profile = pair
    librechat.state.raw["/oauth/openid"] = Raw(302, b"", {"Location": location})
    findings = doctor(profile, ca_file)
    assert said in only(findings, code).message
    assert "token-client-ok" in codes(findings)


def test_a_bad_url_in_authelias_redirect_is_a_finding(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.raw["/api/oidc/authorization"] = Raw(302, b"",
                                                        {"Location": "https://a:99999/cb"})
    findings = doctor(profile, ca_file)
    failed = [f for f in findings if f.code == "authorize-failed"]
    assert failed and all("not a valid URL" in f.message for f in failed)


def test_the_new_codes_are_in_the_table():
    for code in ("response-too-large", "discovery-malformed", "jwks-malformed",
                 "token-response-malformed", "librechat-config-malformed"):
        assert code in CODES


def test_hostile_is_hostile():
    """The payload holds each kind of control the doctor must escape."""
    assert {"\x1b", "\x07", "\x9b", "\x9d", "\u202e"} <= set(HOSTILE) & RAW_CONTROLS
    assert "[bold red]" in HOSTILE and "[@click=" in HOSTILE


def test_no_proxy_from_the_environment_sees_the_requests(pair, ca_file, monkeypatch):
    from doctor_standins import BlackHole

    hole = BlackHole()  # a "proxy" that would swallow every request (and the secret)
    try:
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{hole.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        findings = doctor(pair[2], ca_file, timeout=1.0)
    finally:
        hole.close()
    assert "token-client-ok" in codes(findings)
