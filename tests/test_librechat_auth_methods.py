"""The rendered pair logs in whichever client authentication the LibreChat build uses.

A Node client (tests/node/librechat_login.mjs) reads the rendered .env with dotenv and logs
in against the Authelia stand-in, configured from the rendered Authelia block, over HTTPS:
once as a LibreChat build that sends HTTP Basic unless OPENID_TOKEN_ENDPOINT_AUTH_METHOD
says otherwise, once as released LibreChat (openid-client's own default, the POST body).
The stand-in enforces the client's token_endpoint_auth_method as Authelia does. Node and npm
are needed: without them the tests skip locally and fail under CI (CI set).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import trustme
from conftest import FAKE_CLIENT_SECRET, fake_profile
from doctor_standins import Server, server_context
from librechat_standin import User, UsersHandler, UsersState, client_from_block

from tui.core.authelia import render_client_block
from tui.core.librechat import render_env

NODE_DIR = Path(__file__).parent / "node"
MODES = ("basic-unless-told", "library-default")
METHOD = "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"
USERS = {
    "alice": User("Alice Liddell", "alice@example.com", ["family", "admins"]),
    "bob": User("Bob Builder", "bob@example.com", ["family"]),
    "carol": User("Carol Danvers", "carol@example.com", []),
}
PROFILES = {
    "default": {},
    "admin-group": {"admin_group": "admins"},
    "group": {"group": "family"},
}


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, str(path)


@pytest.fixture
def authelia(ca):
    server = Server(UsersHandler, UsersState(users=USERS),
                    server_context(ca[0].issue_cert("127.0.0.1"))).start()
    server.state.issuer = server.url
    yield server
    server.stop()


def rendered(authelia, tmp_path, **options):
    """The profile's two outputs: the stand-in takes the block, Node reads the .env file."""
    profile = fake_profile(auth_url=authelia.url, **options)
    client_id, client = client_from_block(render_client_block(profile), FAKE_CLIENT_SECRET)
    authelia.state.clients = {client_id: client}
    env = tmp_path / ".env"
    env.write_text(render_env(profile))
    return profile, env


def login(node_dir, ca, env, mode, user="alice"):
    """Node's result, and the method the stand-in saw at its token endpoint."""
    authelia_requests = login.state.requests
    authelia_requests.clear()
    login.state.login_user = user
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NODE_")}
    environ["NODE_EXTRA_CA_CERTS"] = ca[1]
    result = subprocess.run(["node", str(node_dir / "librechat_login.mjs"), str(env), mode],
                            env=environ, timeout=60, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert FAKE_CLIENT_SECRET not in result.stdout + result.stderr
    posts = [r for r in authelia_requests if r.method == "POST"]
    sent = None
    if posts:
        headers = {k.lower(): v for k, v in posts[0].headers.items()}
        basic = headers.get("authorization", "").lower().startswith("basic ")
        assert basic != (b"client_secret=" in posts[0].body)  # exactly one of the two
        sent = "client_secret_basic" if basic else "client_secret_post"
    return json.loads(result.stdout), sent


@pytest.fixture
def run_login(node_dir, ca, authelia):
    login.state = authelia.state

    def go(env, mode, user="alice"):
        return login(node_dir, ca, env, mode, user)
    return go


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("variant", sorted(PROFILES))
def test_the_rendered_env_logs_in_with_either_client(authelia, tmp_path, run_login, variant,
                                                     mode):
    profile, env = rendered(authelia, tmp_path, **PROFILES[variant])
    result, sent = run_login(env, mode)
    assert result["ok"], result
    assert sent == "client_secret_post" == profile.token_endpoint_auth_method()
    assert result["sub"] == "alice"
    # OPENID_NAME_CLAIM=name: the display name is Authelia's `name` claim, not the e-mail.
    assert result["name"] == "Alice Liddell"
    assert result["admin"] is (True if variant == "admin-group" else None)


@pytest.mark.parametrize("mode", MODES)
def test_admins_are_promoted_exactly_when_in_the_group(authelia, tmp_path, run_login, mode):
    _, env = rendered(authelia, tmp_path, admin_group="admins")
    result, _ = run_login(env, mode, user="bob")
    assert result["ok"] and result["name"] == "Bob Builder" and result["admin"] is False


@pytest.mark.parametrize("mode", MODES)
def test_the_group_restriction_keeps_others_out(authelia, tmp_path, run_login, mode):
    _, env = rendered(authelia, tmp_path, group="family")
    result, sent = run_login(env, mode, user="carol")
    assert not result["ok"] and result["error"] == "access_denied" and sent is None


@pytest.mark.parametrize("mode", MODES)
def test_control_client_registered_for_basic_refuses_the_posting_env(authelia, tmp_path,
                                                                     run_login, mode):
    _, env = rendered(authelia, tmp_path)
    for client in authelia.state.clients.values():
        client.auth_method = "client_secret_basic"
    result, sent = run_login(env, mode)
    assert sent == "client_secret_post"
    assert not result["ok"] and result["error"] == "invalid_client", result
    assert "method 'client_secret_post'" in result["message"]


def test_control_without_the_line_a_basic_build_fails_and_a_release_logs_in(authelia, tmp_path,
                                                                           run_login):
    # The issue's finding: without OPENID_TOKEN_ENDPOINT_AUTH_METHOD the method depends on
    # the LibreChat build.
    _, env = rendered(authelia, tmp_path)
    env.write_text("".join(line for line in env.read_text().splitlines(keepends=True)
                           if not line.startswith(METHOD + "=")))
    result, sent = run_login(env, "basic-unless-told")
    assert sent == "client_secret_basic"
    assert not result["ok"] and result["error"] == "invalid_client", result
    result, sent = run_login(env, "library-default")
    assert result["ok"] and sent == "client_secret_post"


def test_control_without_the_name_claim_users_appear_as_their_email(authelia, tmp_path,
                                                                    run_login):
    _, env = rendered(authelia, tmp_path)
    env.write_text(env.read_text().replace("OPENID_NAME_CLAIM='name'\n", ""))
    result, _ = run_login(env, "library-default")
    assert result["ok"] and result["name"] == "alice@example.com"


def test_the_admin_panel_redirect_uri_is_registered(authelia, tmp_path):
    profile, _ = rendered(authelia, tmp_path, admin_panel=True)
    (client,) = authelia.state.clients.values()
    assert client.redirect_uris == [profile.redirect_uri,
                                    profile.app_url + "/api/admin/oauth/openid/callback"]
