"""`apply`: the profile written into the user's files, losing nothing, safely."""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections import Counter

import jsonschema
import pytest

from tests.conftest import (
    FAKE_CLIENT_SECRET,
    FAKE_DIGEST,
    FAKE_SESSION_SECRET,
    fake_profile,
    fake_provider_profile,
)
from tests.conftest import schema as authelia_schema
from tests.test_userfiles_audit import CASES
from tests.userfiles_helpers import (
    BROKEN_ENV,
    COMPOSE,
    clean_config,
    clean_env,
    librechat_client_set,
)
from tui.cli import main
from tui.core.authelia import client_entry
from tui.core.librechat import env_values
from tui.core.store import ProfileStore
from tui.userfiles.apply import (
    ApplyError,
    apply_authelia,
    apply_compose,
    apply_env,
    plan_apply,
    write_plan,
)
from tui.userfiles.audit import audit
from tui.userfiles.authelia_config import AutheliaConfig
from tui.userfiles.dotenv import DotEnv, parse_dotenv
from tui.userfiles.yamldoc import YamlDoc, is_template_token, plain

SECRETS = (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, FAKE_DIGEST)
TEMPLATE = re.compile(r"\{\{.*?\}\}")
# Stand-ins of the form the schemas ask for (not keys).
FAKE_PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAAAA\n"
            "-----END RSA PRIVATE KEY-----\n")
FAKE_CERT = "-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUf\nAAAA\n-----END CERTIFICATE-----\n"

# Errors apply cannot fix by design: provider essentials need the provider settings (apply
# adds them only when missing and the profile has them), a weak or non-RSA key is the
# user's own, and neither a second client with the same id (or for the same LibreChat) nor
# an old issuer_private_key beside jwks is ours to delete.
NOT_APPLYS_TO_FIX = {"hmac-secret-missing", "jwks-missing", "jwks-key-weak", "jwks-no-rs256",
                     "client-id-duplicate", "issuer-private-key-deprecated",
                     "redirect-uri-shared"}
CONFIG_FIXTURES = sorted(code for code, (kwargs, _) in CASES.items()
                         if "config" in kwargs and code != "authelia-unreadable")
ENV_FIXTURES = sorted(code for code, (kwargs, _) in CASES.items()
                      if isinstance(kwargs.get("env"), str))


def with_placeholders(value, key=None):
    """Template tokens replaced by values of the right form, for the schema check."""
    if isinstance(value, dict):
        return {k: with_placeholders(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [with_placeholders(v, key) for v in value]
    if is_template_token(value):
        return {"key": FAKE_PEM, "issuer_private_key": FAKE_PEM, "certificate_chain": FAKE_CERT,
                "client_secret": FAKE_DIGEST}.get(key, "p" * 64)
    return value


def assert_valid_for_both_schemas(text):
    data = with_placeholders(plain(YamlDoc(text).root))
    for version in ("4.38", "4.39"):
        jsonschema.Draft202012Validator(authelia_schema(version)).validate(data)


def changed_old_lines(old, new):
    """Line numbers (1-based) of the old lines the edit removed or replaced."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True),
                                      autojunk=False)
    out = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            out += range(i1 + 1, i2 + 1)
    return out


def librechat_client_lines(text):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "client_id: 'fake-client-id-" in line)
    end = next(i for i in range(start + 1, len(lines))
               if lines[i].startswith("      - ") or not lines[i].startswith("        "))
    return set(range(start + 1, end + 1))


def audit_pair(config_text, env_text):
    config = AutheliaConfig([YamlDoc(config_text, "configuration.yml")], [])
    return audit(config, DotEnv(env_text, ".env"), librechat="0.8.7", verify=False).findings


# With provider "new" the profile has hmac_secret and a key: apply adds them when missing.
PROVIDER_ADDS = {"hmac-secret-missing", "jwks-missing"}


@pytest.mark.parametrize("provider", ["existing", "new"])
@pytest.mark.parametrize("code", CONFIG_FIXTURES)
def test_apply_authelia_round_trip(code, provider):
    profile = fake_profile() if provider == "existing" else fake_provider_profile()
    old = CASES[code][0]["config"]
    new, notes = apply_authelia(old, profile)
    # Only the LibreChat client's own lines changed; everything else is byte-identical.
    if "client_id: 'fake-client-id-" in old:
        assert set(changed_old_lines(old, new)) <= librechat_client_lines(old), code
    else:
        assert changed_old_lines(old, new) == [], code
    assert Counter(TEMPLATE.findall(new)) == Counter(TEMPLATE.findall(old))
    assert_valid_for_both_schemas(new)
    # Applying again changes nothing (a second client for this LibreChat is said again).
    again = (new, notes) if code == "redirect-uri-shared" else (new, [])
    assert apply_authelia(new, profile) == again
    env, _ = apply_env(clean_env(), profile)
    errors = {f.code for f in audit_pair(new, env) if f.severity == "error"}
    left = NOT_APPLYS_TO_FIX - (PROVIDER_ADDS if provider == "new" else set())
    # A profile without the admin panel leaves the client's other redirect URIs, a stale
    # admin panel URI among them (the test below: with the admin panel, apply fixes it).
    left |= {"admin-redirect-uri-mismatch"} if code == "admin-redirect-uri-mismatch" else set()
    assert errors <= left, (code, errors, notes)


def test_apply_authelia_with_the_admin_panel_adds_its_redirect_uri():
    from tests.test_userfiles_audit import CASES as AUDIT_CASES

    profile = fake_profile(admin_panel=True)
    old = AUDIT_CASES["admin-redirect-uri-mismatch"][0]["config"]
    new, _ = apply_authelia(old, profile)
    uris = client_of(new, profile)["redirect_uris"]
    assert {profile.redirect_uri, profile.admin_redirect_uri} <= set(uris)
    env, _ = apply_env(clean_env(), profile)
    assert "admin-redirect-uri-mismatch" not in {f.code for f in audit_pair(new, env)}
    # The client the clean pair has gets it too; without the option nothing is added.
    plain_new, _ = apply_authelia(clean_config(), fake_profile())
    assert fake_profile().admin_redirect_uri not in client_of(plain_new, profile)[
        "redirect_uris"]


def client_of(text, profile):
    clients = plain(YamlDoc(text).node(("identity_providers", "oidc", "clients")))
    return next(c for c in clients if c.get("client_id") == profile.client_id)


@pytest.mark.parametrize("code", ENV_FIXTURES)
def test_apply_env_round_trip(code):
    profile = fake_profile()
    old = CASES[code][0]["env"]
    new, _ = apply_env(old, profile)
    keys = set(env_values(profile))
    before = parse_dotenv(old)
    for number in changed_old_lines(old, new):
        entry = next((e for e in before.entries if e.line <= number <= e.end_line), None)
        assert entry is not None and entry.key in keys, (code, number)
    assert apply_env(new, profile) == (new, [])
    assert parse_dotenv(new).values.items() >= env_values(profile).items()
    errors = {f.code for f in audit_pair(clean_config(), new) if f.severity == "error"}
    # A role check on groups and an audience are the user's own LibreChat settings, which
    # the profile does not hold: apply leaves them, and the audit keeps saying what to do.
    left = {"groups-claim-missing", "audience-not-allowed", "role-token-kind-invalid"}
    # The role check fixture asks for groups without the groups scope: both are reported.
    same = {"role-token-kind-invalid": {"groups-claim-missing"}}.get(code, set())
    assert errors <= ({code} & left) | same


def test_apply_env_fixes_the_broken_env():
    profile = fake_profile()
    new, _ = apply_env(BROKEN_ENV.read_text(), profile)
    errors = [f for f in audit_pair(clean_config(), new) if f.severity == "error"]
    assert errors == []
    assert "# OPENID_CLIENT_ID=librechat" in new  # the later duplicate, commented out


def test_new_client_and_group_policy_are_added_after_the_existing_ones():
    # Another LibreChat (a second hostname): its own client.
    profile = fake_profile(client_id="librechat-new", group="family",
                           app_url="https://chat2.example.com")
    old = clean_config()
    new, notes = apply_authelia(old, profile)
    assert notes == [] and changed_old_lines(old, new) == []
    doc = YamlDoc(new)
    clients = plain(doc.node(("identity_providers", "oidc", "clients")))
    assert clients[-1] == client_entry(profile)
    policies = plain(doc.node(("identity_providers", "oidc", "authorization_policies")))
    assert list(policies) == ["admins_only", "librechat_family"]
    assert_valid_for_both_schemas(new)


def test_a_file_without_identity_providers_gets_the_block_at_the_end():
    old = clean_config().split("identity_providers:")[0] + "...\n"
    new, _ = apply_authelia(old, fake_profile())
    assert new.startswith(old[:-4]) and new.endswith("...\n")
    assert plain(YamlDoc(new).node(("identity_providers", "oidc", "clients"))) == [
        client_entry(fake_profile())]


def test_a_templated_or_anchored_value_is_left_with_a_note():
    old = librechat_client_set(clean_config(), "client_secret",
                               '{{ secret "/config/secrets/librechat.digest" | msquote }}')
    old = librechat_client_set(old, "authorization_policy", "&pol 'one_factor'")
    new, notes = apply_authelia(old, fake_profile())
    assert '{{ secret "/config/secrets/librechat.digest" | msquote }}' in new
    assert "&pol 'one_factor'" in new
    assert any("template" in n for n in notes) and any("anchor" in n for n in notes)


def test_apply_compose_merges_into_services_api():
    old = COMPOSE.read_text()
    new, _ = apply_compose(old, fake_profile())
    assert changed_old_lines(old, new) == []
    environment = plain(YamlDoc(new).node(("services", "api", "environment")))
    assert environment == {k: v.replace("$", "$$") for k, v in env_values(fake_profile()).items()}
    assert apply_compose(new, fake_profile()) == (new, [])
    listed = old.replace("    extra_hosts:", "    environment:\n      - DOMAIN_SERVER=http://x\n"
                         "      - TZ=UTC\n    extra_hosts:")
    new, _ = apply_compose(listed, fake_profile())
    items = plain(YamlDoc(new).node(("services", "api", "environment")))
    assert "TZ=UTC" in items and "DOMAIN_SERVER=https://librechat.example.com" in items
    assert apply_compose(new, fake_profile()) == (new, [])


# The plan, the write and its safety -----------------------------------------------------------


def test_plan_diff_masks_secrets_and_writes_nothing(tmp_path):
    path = tmp_path / ".env"
    path.write_text(clean_env().replace(FAKE_CLIENT_SECRET, "old-fake-secret-value"))
    plan = plan_apply("env", fake_profile(), path)
    assert plan.changed and "+OPENID_CLIENT_SECRET=********" in plan.diff
    for secret in (*SECRETS, "old-fake-secret-value"):
        assert secret not in plan.diff
    assert path.read_text() == clean_env().replace(FAKE_CLIENT_SECRET, "old-fake-secret-value")


def test_write_keeps_mode_owner_and_symlink_and_backs_up(tmp_path):
    real = tmp_path / "real" / ".env"
    real.parent.mkdir()
    real.write_text("A=1\n")
    os.chmod(real, 0o640)
    link = tmp_path / ".env"
    link.symlink_to(real)
    before = os.stat(real)
    plan = plan_apply("env", fake_profile(), link)
    backup = write_plan(plan)
    assert link.is_symlink() and link.resolve() == real
    after = os.stat(real)
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert backup.parent == real.parent and backup.read_text() == "A=1\n"
    assert re.fullmatch(r"\.env\.\d{8}T\d{6}Z\.bak", backup.name)
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o640
    assert real.read_text().startswith("A=1\n")
    assert not plan_apply("env", fake_profile(), link).changed  # idempotent


def test_refuses_when_the_file_changed_after_reading(tmp_path):
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    plan = plan_apply("env", fake_profile(), path)
    path.write_text("A=2\n")
    with pytest.raises(ApplyError, match="changed since it was read"):
        write_plan(plan)
    assert path.read_text() == "A=2\n"
    assert [p.name for p in tmp_path.iterdir()] == [".env"]


def test_a_result_with_new_errors_is_not_written(tmp_path, monkeypatch):
    from tui.userfiles import apply as module

    path = tmp_path / "configuration.yml"
    path.write_text(clean_config())
    broken = fake_profile(app_url="https://other.example.com")
    # Simulate an editor bug that writes a client LibreChat cannot use.
    monkeypatch.setattr(module, "client_entry",
                        lambda p: {**client_entry(p), "public": True})
    with pytest.raises(ApplyError, match="new error"):
        plan_apply("authelia", broken, path)
    assert path.read_text() == clean_config()


def test_unparseable_file_is_refused(tmp_path):
    path = tmp_path / "configuration.yml"
    path.write_text(CASES["authelia-unreadable"][0]["config"])
    with pytest.raises(ApplyError, match=r"configuration.yml:\d+"):
        plan_apply("authelia", fake_profile(), path)


# The command ------------------------------------------------------------------------------


@pytest.fixture
def saved():
    ProfileStore().save("home", fake_profile())


def test_cli_dry_run_exit_codes(tmp_path, saved, capsys):
    path = tmp_path / "configuration.yml"
    old = librechat_client_set(clean_config(), "token_endpoint_auth_method", None)
    path.write_text(old)
    args = ["apply", "authelia", "--profile", "home", "--file", str(path), "--dry-run"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "+        token_endpoint_auth_method: 'client_secret_post'" in out
    assert path.read_text() == old
    path.write_text(clean_config())
    assert main(args) == 0


def test_cli_without_yes_and_without_a_terminal_refuses(tmp_path, saved, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    path = tmp_path / ".env"
    path.write_text("A=1\n")
    assert main(["apply", "env", "--profile", "home", "--file", str(path)]) == 2
    assert "--yes" in capsys.readouterr().err and path.read_text() == "A=1\n"
    assert main(["apply", "env", "--profile", "home", "--file", str(path), "--yes"]) == 0
    err = capsys.readouterr().err
    assert "backup:" in err and parse_dotenv(path.read_text()).get("A") == "1"
    assert main(["apply", "env", "--profile", "home", "--file", str(path), "--yes"]) == 0
    assert "already matches" in capsys.readouterr().err
    assert len(list(tmp_path.glob(".env.*.bak"))) == 1


def test_cli_asks_on_a_terminal(tmp_path, saved, capsys, monkeypatch):
    class Tty:
        def __init__(self, answer):
            self.answer = answer

        def isatty(self):
            return True

        def readline(self):
            return self.answer

    path = tmp_path / ".env"
    path.write_text("A=1\n")
    monkeypatch.setattr("sys.stdin", Tty("n\n"))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["apply", "env", "--profile", "home", "--file", str(path)]) == 1
    assert path.read_text() == "A=1\n"
    monkeypatch.setattr("sys.stdin", Tty("y\n"))
    assert main(["apply", "env", "--profile", "home", "--file", str(path)]) == 0
    assert "OPENID_CLIENT_ID" in path.read_text()


def test_apply_refuses_a_fifo_or_device(tmp_path):
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    for target in (fifo, "/dev/null"):
        with pytest.raises(ApplyError, match="not a regular file"):
            plan_apply("env", fake_profile(), target)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_the_clients_other_redirect_uris_are_kept(tmp_path):
    old = librechat_client_set(clean_config(), "redirect_uris",
                               "\n          - 'https://chat.example.org/oauth/openid/callback'")
    path = tmp_path / "configuration.yml"
    path.write_text(old)
    plan = plan_apply("authelia", fake_profile(), path)
    doc = YamlDoc(plan.new_text)
    client = next(c for c in doc.node(("identity_providers", "oidc", "clients"))
                  if c["client_id"] == fake_profile().client_id)
    # The user's URI stays where it is; the profile's is added after it.
    assert plain(client["redirect_uris"]) == ["https://chat.example.org/oauth/openid/callback",
                                              fake_profile().redirect_uri]
    write_plan(plan)
    assert not plan_apply("authelia", fake_profile(), path).changed


def test_a_new_clients_list_says_authelia_keeps_one_list():
    old = clean_config()
    start = old.index("    clients:\n")
    old = old[:start] + "...\n"
    new, notes = apply_authelia(old, fake_profile())
    assert any("Authelia keeps only the list" in n for n in notes)
    assert plain(YamlDoc(new).node(("identity_providers", "oidc", "clients"))) == [
        client_entry(fake_profile())]


def test_a_new_file_is_created_private_and_never_over_one_that_appeared(tmp_path):
    path = tmp_path / "docker-compose.override.yml"
    plan = plan_apply("compose", fake_profile(), path)
    assert plan.changed and plan.old is None
    path.write_text("services: {}\n")
    with pytest.raises(ApplyError, match="changed since it was read|appeared"):
        write_plan(plan)
    assert path.read_text() == "services: {}\n"
    path.unlink()
    assert write_plan(plan) is None  # no backup for a new file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not plan_apply("compose", fake_profile(), path).changed


def test_every_target_has_its_editor_and_the_oidc_edits_run_in_order():
    from tui.userfiles.apply import EDITORS, OIDC_EDITS, TARGETS

    assert tuple(EDITORS) == TARGETS
    assert [edit.__name__ for edit in OIDC_EDITS] == [
        "_add_essentials", "_merge_policies", "_merge_client"]
