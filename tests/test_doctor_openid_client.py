"""The Authelia stand-in checked against LibreChat's real client library, openid-client 6.

The session fixture `node_dir` (tests/conftest.py) installs tests/node/package-lock.json
with `npm ci`; without Node.js these tests skip, and fail under CI (`require_node`). The
test CA reaches Node through NODE_EXTRA_CA_CERTS, as it would reach LibreChat's container.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import FAKE_CLIENT_SECRET, require_node
from doctor_standins import (
    KID,
    AutheliaHandler,
    AutheliaState,
    Server,
    leaf_only_context,
    self_signed_context,
    server_context,
)

from tui.doctor import tlsprobe


def node(node_dir, script, *args, ca_file="", secret=""):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    if ca_file:
        env["NODE_EXTRA_CA_CERTS"] = ca_file
    if secret:
        env["TEST_CLIENT_SECRET"] = secret
    node_path, _ = require_node()
    result = subprocess.run([node_path, str(node_dir / script), *args], env=env, timeout=60,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def login(node_dir, profile, ca_file):
    out = node(node_dir, "login.mjs", profile.auth_url, profile.client_id,
               profile.redirect_uri, " ".join(profile.effective_scopes),
               ca_file=ca_file, secret=FAKE_CLIENT_SECRET)
    return json.loads(out)


@pytest.fixture
def pair(pair):
    pair[0].state.login_user = "alice"
    return pair


def test_openid_client_logs_in_through_the_authelia_standin(node_dir, pair, ca_file):
    authelia, _, profile = pair
    result = login(node_dir, profile, ca_file)
    assert result["ok"], result
    assert result["sub"] == "alice" and result["alg"] == "RS256" and result["kid"] == KID
    assert result["auth_url"] == authelia.url + "/api/oidc/authorization"
    (token,) = [r for r in authelia.state.requests if r.method == "POST"]
    # openid-client 6 posts the secret in the body: client_secret_post, as FACTS.md says.
    assert b"client_secret=" in token.body and "Authorization" not in token.headers


def test_openid_client_meets_the_standins_method_check(node_dir, pair, ca_file):
    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].auth_method = "client_secret_basic"
    result = login(node_dir, profile, ca_file)
    assert not result["ok"] and result["error"] == "invalid_client"
    assert "method 'client_secret_post'" in result["message"]


def test_openid_client_and_the_doctor_agree_on_a_wrong_secret(node_dir, pair, ca_file):
    from tui.doctor import run, target_from_profile

    authelia, _, profile = pair
    authelia.state.clients[profile.client_id].secret = "another-secret-" + "z" * 50
    result = login(node_dir, profile, ca_file)
    assert not result["ok"] and result["error"] == "invalid_client", result
    findings = run(target_from_profile(profile, ca_file), timeout=5.0)
    assert "token-secret-rejected" in [f.code for f in findings if f.severity == "error"]


@pytest.mark.parametrize("case", ["root-leaf", "root-in-chain", "self-signed",
                                  "intermediate-sent", "intermediate-missing", "wrong-name",
                                  "trusted"])
def test_the_doctor_names_the_tls_error_node_meets(node_dir, ca, ca_file, case):
    use_ca_file = case in ("intermediate-missing", "wrong-name", "trusted")
    context = {
        "root-leaf": lambda: server_context(ca.issue_cert("127.0.0.1")),
        "root-in-chain": lambda: server_context(ca.issue_cert("127.0.0.1"), include_root=ca),
        "self-signed": self_signed_context,
        "intermediate-sent": lambda: server_context(
            ca.create_child_ca().issue_cert("127.0.0.1")),
        "intermediate-missing": lambda: leaf_only_context(
            ca.create_child_ca().issue_cert("127.0.0.1")),
        "wrong-name": lambda: server_context(ca.issue_cert("auth.example.test")),
        "trusted": lambda: server_context(ca.issue_cert("127.0.0.1")),
    }[case]()
    server = Server(AutheliaHandler, AutheliaState(), context).start()
    try:
        seen_by_node = node(node_dir, "tls_code.mjs", server.url + "/jwks.json",
                            ca_file=ca_file if use_ca_file else "")
        outcome = tlsprobe.check_tls("127.0.0.1", server.port,
                                     ca_file if use_ca_file else "", 5.0)
    finally:
        server.stop()
    if case == "wrong-name":
        assert seen_by_node == "ERR_TLS_CERT_ALTNAME_INVALID"
        assert outcome.finding.code == "tls-name-mismatch"
        assert seen_by_node in outcome.finding.message
    elif case == "trusted":
        assert seen_by_node == "ok" and outcome.finding.code == "tls-ok"
    else:
        assert outcome.finding.code == "tls-untrusted"
        assert outcome.node_code == seen_by_node, outcome.finding.message
