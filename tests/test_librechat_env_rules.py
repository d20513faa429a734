"""The .env lines that decide how LibreChat logs in, as renderer, audit and apply see them.

One fact, one place: the method the Authelia client is registered for and the
OPENID_TOKEN_ENDPOINT_AUTH_METHOD line come from the same profile method.
"""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import fake_profile
from tests.test_userfiles_audit import env_with, run
from tests.userfiles_helpers import clean_env, env_set
from tui.core import facts
from tui.core.authelia import client_entry
from tui.core.checklist import checklist_steps, troubleshooting
from tui.core.checks import check_profile
from tui.core.librechat import env_values, render_compose
from tui.core.versions import Version
from tui.userfiles.apply import apply_env
from tui.userfiles.dotenv import parse_dotenv

METHOD = "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"
VERSIONS = ("0.7.5", "0.7.6", "0.7.8", "0.7.9", "0.8.1", "0.8.3", "0.8.7", "0.8.8-rc1")
# Every option that changes the client or the .env, where the LibreChat version allows it.
VARIANTS = [v for v in itertools.product(
    VERSIONS, ("", "admins"), ("", "family"), (False, True), (False, True))
    if (not v[1] or Version.parse(v[0]) >= facts.LIBRECHAT_ADMIN_ROLE)
    and (not v[4] or Version.parse(v[0]) >= facts.LIBRECHAT_ADMIN_PANEL)]


@pytest.mark.parametrize("values", VARIANTS, ids=lambda v: "-".join(map(str, v)))
def test_env_method_equals_the_client_method_for_every_variant(values):
    librechat, admin_group, group, refresh, admin_panel = values
    profile = fake_profile(librechat_version=librechat, admin_group=admin_group, group=group,
                           refresh_tokens=refresh, admin_panel=admin_panel)
    assert not [f for f in check_profile(profile, verify_digest=False) if f.severity == "error"]
    client = client_entry(profile)["token_endpoint_auth_method"]
    env = env_values(profile)
    if profile.librechat() >= facts.LIBRECHAT_OPENID_CLIENT_6:
        assert env[METHOD] == client == "client_secret_post"
    else:  # openid-client 5 reads no such variable: it sends HTTP Basic, as the client says
        assert METHOD not in env and client == "client_secret_basic"


def test_one_place_decides_both_sides(monkeypatch):
    # Change the profile's method once: the client and the .env follow together.
    from tui.core.profile import Profile

    monkeypatch.setattr(Profile, "token_endpoint_auth_method", lambda self: "client_secret_basic")
    profile = fake_profile()
    assert client_entry(profile)["token_endpoint_auth_method"] == "client_secret_basic"
    assert env_values(profile)[METHOD] == "client_secret_basic"


def test_compose_form_and_apply_env_carry_the_two_lines():
    profile = fake_profile()
    assert f"{METHOD}: 'client_secret_post'" in render_compose(profile)
    assert "OPENID_NAME_CLAIM: 'name'" in render_compose(profile)
    text = env_set(env_set(clean_env(), METHOD, None), "OPENID_NAME_CLAIM", "")
    new, _ = apply_env(text, profile)
    values = parse_dotenv(new).values
    assert values[METHOD] == "client_secret_post" and values["OPENID_NAME_CLAIM"] == "name"


def test_checklist_explains_the_lines_and_the_name_users_see():
    steps = {s.id: s for s in checklist_steps(fake_profile())}
    env_step = steps["librechat-env"].detail
    assert "OPENID_TOKEN_ENDPOINT_AUTH_METHOD=client_secret_post" in env_step
    assert "OPENID_NAME_CLAIM=name" in env_step and "display name" in env_step
    assert "display name" in steps["login"].detail
    old = {s.id: s for s in checklist_steps(fake_profile(librechat_version="0.7.5"))}
    assert "OPENID_" + "NAME_CLAIM" not in old["librechat-env"].detail
    assert "e-mail address" in old["login"].detail
    assert METHOD in troubleshooting(fake_profile())
    admin = {s.id: s for s in checklist_steps(fake_profile(admin_panel=True))}
    assert fake_profile().admin_redirect_uri in admin["authelia-client"].detail


def test_admin_panel_needs_librechat_0_8_3():
    findings = check_profile(fake_profile(admin_panel=True, librechat_version="0.8.2"),
                             verify_digest=False)
    assert [f.field for f in findings if f.severity == "error"] == ["admin_panel"]
    assert not [f for f in check_profile(fake_profile(admin_panel=True, librechat_version="0.8.3"),
                                         verify_digest=False) if f.severity == "error"]


# The audit ----------------------------------------------------------------------------------


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_the_rendered_env_passes_the_audit_without_the_method_warning(tmp_path):
    assert "env-auth-method-unset" not in codes(run(tmp_path))
    unset = run(tmp_path, env=env_with((METHOD, None)))
    (finding,) = [f for f in unset if f.code == "env-auth-method-unset"]
    assert f"{METHOD}=client_secret_post" in finding.fix
    # Before openid-client 6 the variable means nothing: no warning without it.
    assert "env-auth-method-unset" not in codes(run(tmp_path, env=env_with((METHOD, None)),
                                                    librechat="0.7.8"))


def test_the_variable_is_taken_as_what_librechat_sends(tmp_path):
    # Set to basic while the client posts: a build that reads it sends basic -> mismatch.
    findings = run(tmp_path, env=env_with((METHOD, "client_secret_basic")))
    assert "auth-method-mismatch" in codes(findings, "error")
    assert "env-auth-method-ignored" in codes(findings, "warning")
    # An unknown value is an error of its own, and never taken as the method.
    findings = run(tmp_path, env=env_with((METHOD, "private_key_jwt")))
    assert codes(findings, "error") == ["env-auth-method-unknown"]
    # LibreChat 0.7.8 (openid-client 5) never reads it: the client must be basic.
    findings = run(tmp_path, librechat="0.7.8")
    assert "auth-method-mismatch" in codes(findings, "error")


@pytest.mark.parametrize(("librechat", "kind", "ok"), [
    ("0.8.7", "id", True), ("0.8.7", "access", True), ("0.8.5", "userinfo", False),
    ("0.8.6", "userinfo", True), ("0.8.7", "", False), ("0.8.7", "ID", False)])
def test_required_role_token_kind(tmp_path, librechat, kind, ok):
    env = env_with(("OPENID_SCOPE", '"openid profile email groups"'),
                   ("OPENID_REQUIRED_ROLE", "chat"),
                   ("OPENID_REQUIRED_ROLE_PARAMETER_PATH", "groups"),
                   ("OPENID_REQUIRED_ROLE_TOKEN_KIND", kind))
    found = [f for f in run(tmp_path, env=env, librechat=librechat)
             if f.code == "role-token-kind-invalid"]
    assert (not found) == ok, found
    if found:
        assert "refused" in found[0].message and "TOKEN_KIND=id" in found[0].fix


def test_admin_role_needs_all_three_and_takes_userinfo(tmp_path):
    env = env_with(("OPENID_ADMIN_ROLE", "admins"),
                   ("OPENID_ADMIN_ROLE_PARAMETER_PATH", "groups"))
    (finding,) = [f for f in run(tmp_path, env=env) if f.code == "admin-role-incomplete"]
    assert "OPENID_ADMIN_ROLE_TOKEN_KIND" in finding.message and "nobody" in finding.message
    full = env_with(("OPENID_SCOPE", '"openid profile email groups"'),
                    ("OPENID_ADMIN_ROLE", "admins"),
                    ("OPENID_ADMIN_ROLE_PARAMETER_PATH", "groups"),
                    ("OPENID_ADMIN_ROLE_TOKEN_KIND", "userinfo"))
    found = codes(run(tmp_path, env=full, librechat="0.8.1"))
    assert "admin-role-incomplete" not in found and "role-token-kind-invalid" not in found
    bad = env_set(full, "OPENID_ADMIN_ROLE_TOKEN_KIND", "groups")
    assert "role-token-kind-invalid" in codes(run(tmp_path, env=bad), "error")


def test_admin_panel_redirect_uri_is_recognised(tmp_path):
    from tests.test_userfiles_audit import CASES, client_with

    wrong = CASES["admin-redirect-uri-mismatch"][0]["config"]
    assert "admin-redirect-uri-mismatch" in codes(run(tmp_path, config=wrong), "error")
    right = client_with(("redirect_uris", (
        "\n          - 'https://librechat.example.com/oauth/openid/callback'"
        "\n          - 'https://librechat.example.com/api/admin/oauth/openid/callback'")))
    assert "admin-redirect-uri-mismatch" not in codes(run(tmp_path, config=right))
    old = run(tmp_path, config=right, librechat="0.8.2")
    assert [f.severity for f in old if f.code == "admin-redirect-uri-mismatch"] == ["info"]


# The admin panel option: CLI new/set, and the profile file -----------------------------------


def test_admin_panel_option_through_the_cli_and_the_profile_file():
    from test_cli import run as cli

    from tui.core.store import ProfileStore

    urls = ["--app-url", "https://chat.home.lan", "--auth-url", "https://sso.home.lan"]
    result = cli("new", "home", *urls, "--provider", "existing", "--admin-panel")
    assert result.returncode == 0, result.stderr
    store = ProfileStore()
    assert store.load("home").admin_panel is True
    assert "admin_panel: true" in store.path("home").read_text()
    entry = cli("render", "authelia-entry", "--profile", "home").stdout
    assert "https://chat.home.lan/api/admin/oauth/openid/callback" in entry
    assert cli("set", "--profile", "home", "--no-admin-panel").returncode == 0
    assert store.load("home").admin_panel is False
    refused = cli("set", "--profile", "home", "--admin-panel", "--librechat", "0.8.2")
    assert refused.returncode != 0 and "0.8.3" in refused.stderr
    assert store.load("home").admin_panel is False  # nothing saved
    assert cli("new", "other", *urls, "--provider", "existing").returncode == 0
    assert store.load("other").admin_panel is False  # off by default

