"""`audit`: one fixture per finding code, made from the clean pair by one small change."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FAKE_DIGEST, FAKE_SESSION_SECRET
from tests.userfiles_helpers import (
    BROKEN_ENV,
    CONFIG,
    ENV,
    clean_config,
    clean_env,
    ec_pem,
    env_set,
    inline_jwks_key,
    librechat_client_set,
    rsa_pem,
    write_pair,
)
from tui.cli import main
from tui.userfiles.audit import CODES, audit
from tui.userfiles.sources import read_sources

SECRETS = (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, FAKE_DIGEST, "fake#secret")


def run(tmp_path, config=None, env=None, compose=None, librechat="0.8.7", verify=True):
    config_path, env_path = write_pair(tmp_path, clean_config() if config is None else config,
                                       clean_env() if env is None else env)
    compose_path = None
    if compose is not None:
        compose_path = tmp_path / "compose.yml"
        compose_path.write_text(compose)
    sources = read_sources([config_path], env_path, compose_path)
    return audit(sources.config, sources.env, sources.compose, librechat=librechat,
                 verify=verify, extra=sources.findings).findings


def env_with(*pairs):
    text = clean_env()
    for key, raw in pairs:
        text = env_set(text, key, raw)
    return text


def client_with(*pairs):
    text = clean_config()
    for key, raw in pairs:
        text = librechat_client_set(text, key, raw)
    return text


def without_lines(text, *starts):
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(starts))


AUTHELIA_SERVICE = """services:
  authelia:
    image: authelia/authelia:4.39
    environment:
      AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE: /secrets/hmac
"""
AUTHELIA_WITH_TEMPLATES = AUTHELIA_SERVICE + "      X_AUTHELIA_CONFIG_FILTERS: 'template'\n"

# code -> (keyword arguments for run(), expected severity)
CASES = {
    "authelia-unreadable": (dict(config=clean_config() + "broken: [unclosed\n"), "error"),
    "env-unreadable": (dict(env=clean_env().encode() + b"BAD=\xff\n"), "error"),
    "oidc-missing": (dict(config=clean_config().split("identity_providers:")[0]), "error"),
    "hmac-secret-missing": (dict(config=without_lines(clean_config(), "    hmac_secret:")),
                            "error"),
    "jwks-missing": (dict(config=without_lines(
        clean_config(), "    jwks:", "      - key_id: 'main'", "        algorithm: 'RS256'",
        "        use: 'sig'", "        key: {{")), "error"),
    "jwks-no-rs256": (dict(config=inline_jwks_key(clean_config(), ec_pem(), "ES256")),
                      "error"),
    "jwks-key-weak": (dict(config=inline_jwks_key(clean_config(), rsa_pem(1024))), "error"),
    "issuer-private-key-deprecated": (dict(config=clean_config().replace(
        "    hmac_secret:", "    issuer_private_key: {{ secret \"/old.pem\" }}\n    hmac_secret:",
        1)), "error"),
    "client-not-found": (dict(env=env_with(("OPENID_CLIENT_ID", "librechat"))), "error"),
    "client-id-duplicate": (dict(config=clean_config().replace(
        "client_id: 'nextcloud'", f"client_id: '{FAKE_CLIENT_ID}'")), "error"),
    # A second client for the same LibreChat (left over by hand, or by an older apply).
    "redirect-uri-shared": (dict(config=clean_config().replace(
        "'https://cloud.example.com/apps/oidc_login/oidc'",
        "'https://librechat.example.com/oauth/openid/callback'")), "error"),
    "client-secret-mismatch": (dict(env=env_with(("OPENID_CLIENT_SECRET", "'other-fake'"))),
                               "error"),
    "client-secret-plaintext": (dict(config=client_with(
        ("client_secret", f"'$plaintext${FAKE_CLIENT_SECRET}'"))), "warning"),
    "auth-method-mismatch": (dict(config=client_with(("token_endpoint_auth_method", None))),
                             "error"),
    "redirect-uri-mismatch": (dict(env=env_with(
        ("DOMAIN_SERVER", "https://chat.example.com"))), "error"),
    "scope-not-allowed": (dict(env=env_with(("OPENID_SCOPE", '"openid profile groups"'))),
                          "error"),
    "policy-undefined": (dict(config=client_with(("authorization_policy", "'family'"))),
                         "error"),
    "pkce-method-invalid": (dict(config=client_with(("pkce_challenge_method", "'plain'"))),
                            "error"),
    "public-client": (dict(config=client_with(("public", "true"))), "error"),
    "refresh-token-without-offline-access": (dict(config=client_with(
        ("grant_types", "['authorization_code', 'refresh_token']"))), "warning"),
    "issuer-mismatch": (dict(env=env_with(("OPENID_ISSUER", "https://login.example.com"))),
                        "error"),
    "groups-claim-missing": (dict(env=env_with(
        ("OPENID_REQUIRED_ROLE", "admins"), ("OPENID_REQUIRED_ROLE_PARAMETER_PATH", "groups"),
        ("OPENID_REQUIRED_ROLE_TOKEN_KIND", "id"))), "error"),
    "social-login-disabled": (dict(env=env_with(("ALLOW_SOCIAL_LOGIN", "false"))), "error"),
    "env-missing": (dict(env=env_with(("OPENID_SCOPE", ""))), "error"),
    "domain-server-default": (dict(env=env_with(("DOMAIN_SERVER", None))), "error"),
    "domain-trailing-slash": (dict(env=env_with(
        ("DOMAIN_SERVER", "https://librechat.example.com/"))), "error"),
    "url-invalid": (dict(env=env_with(("DOMAIN_SERVER", "https://[x"))), "error"),
    "callback-url-absolute": (dict(env=env_with(
        ("OPENID_CALLBACK_URL", "https://auth.example.com/api/oidc/authorization"))), "error"),
    "callback-path-wrong": (dict(env=env_with(("OPENID_CALLBACK_URL", "/oauth/callback"))),
                            "error"),
    "issuer-not-https": (dict(env=env_with(("OPENID_ISSUER", "http://auth.example.com"))),
                         "error"),
    "session-secret-reused": (dict(env=env_with(
        ("OPENID_SESSION_SECRET", f"'{FAKE_CLIENT_SECRET}'"))), "error"),
    "end-session-unsupported": (dict(env=env_with(("OPENID_USE_END_SESSION_ENDPOINT", "true"))),
                                "warning"),
    "audience-not-allowed": (dict(env=env_with(("OPENID_AUDIENCE", "https://api.example.com"))),
                             "error"),
    "extra-ca-in-dotenv": (dict(env=env_with(("NODE_EXTRA_CA_CERTS", "/certs/ca.pem"))),
                           "warning"),
    "env-duplicate-key": (dict(env=clean_env() + 'OPENID_SCOPE="openid profile email"\n'),
                          "warning"),
    "env-value-truncated": (dict(env=env_with(("OPENID_BUTTON_LABEL", "Log#in"))), "error"),
    "compose-overrides-env": (dict(compose="services:\n  api:\n    environment:\n"
                                           "      OPENID_SCOPE: 'openid profile email'\n"),
                              "info"),
    "value-not-checkable": (dict(config=without_lines(clean_config(), "    hmac_secret:"),
                                 compose=AUTHELIA_WITH_TEMPLATES), "info"),
    "librechat-version-assumed": (dict(librechat=None), "info"),
    "template-filter-off": (dict(compose=AUTHELIA_SERVICE), "error"),
    "env-auth-method-unset": (dict(env=env_with(("OPENID_TOKEN_ENDPOINT_AUTH_METHOD", None))),
                              "warning"),
    "env-auth-method-unknown": (dict(env=env_with(
        ("OPENID_TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_jwt"))), "error"),
    "env-auth-method-ignored": (dict(
        env=env_with(("OPENID_TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_basic")),
        config=client_with(("token_endpoint_auth_method", "'client_secret_basic'"))),
        "warning"),
    "role-token-kind-invalid": (dict(env=env_with(
        ("OPENID_REQUIRED_ROLE", "admins"), ("OPENID_REQUIRED_ROLE_PARAMETER_PATH", "groups"),
        ("OPENID_REQUIRED_ROLE_TOKEN_KIND", ""))), "error"),
    "admin-role-incomplete": (dict(env=env_with(("OPENID_ADMIN_ROLE", "admins"))), "warning"),
    "admin-redirect-uri-mismatch": (dict(config=client_with(("redirect_uris", (
        "\n          - 'https://librechat.example.com/oauth/openid/callback'"
        "\n          - 'https://chat.example.com/api/admin/oauth/openid/callback'")))),
        "error"),
}


def test_every_code_has_a_fixture():
    assert set(CASES) == set(CODES)


def test_the_clean_pair_has_no_error_and_no_warning(tmp_path):
    findings = run(tmp_path)
    assert [f for f in findings if f.severity != "info"] == []
    # The templated hmac_secret and jwks key are reported as not checkable, never guessed.
    assert [f.code for f in findings] == ["value-not-checkable"] * 2


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_fixture_triggers_its_code(tmp_path, code):
    kwargs, severity = CASES[code]
    findings = run(tmp_path, **kwargs)
    found = [f for f in findings if f.code == code]
    assert found, [(f.code, f.message) for f in findings]
    assert found[0].severity == severity
    assert found[0].message and found[0].fix
    text = json.dumps([f.as_dict() for f in findings])
    for secret in SECRETS:
        assert secret not in text


def test_where_names_the_file_and_line(tmp_path):
    findings = run(tmp_path, env=env_with(("DOMAIN_SERVER", "https://chat.example.com")))
    mismatch = next(f for f in findings if f.code == "redirect-uri-mismatch")
    lines = clean_config().splitlines()
    client = next(i for i, line in enumerate(lines) if FAKE_CLIENT_ID in line)
    line = lines.index("        redirect_uris:", client) + 1
    assert mismatch.where == f"{tmp_path / 'configuration.yml'}:{line}"
    unreadable = run(tmp_path, **CASES["authelia-unreadable"][0])
    bad = next(f for f in unreadable if f.code == "authelia-unreadable")
    assert bad.where == f"{tmp_path / 'configuration.yml'}:{len(clean_config().splitlines()) + 1}"


def test_auth_method_follows_the_librechat_version(tmp_path):
    # FACTS.md: openid-client 5 (LibreChat <= 0.7.8) sends client_secret_basic.
    config = client_with(("token_endpoint_auth_method", None))
    assert not [f for f in run(tmp_path, config=config, librechat="0.7.8")
                if f.code == "auth-method-mismatch"]
    found = [f for f in run(tmp_path, librechat="0.7.8") if f.code == "auth-method-mismatch"]
    assert "client_secret_basic" in found[0].message


def test_empty_pkce_method_is_invalid_and_template_values_are_not_guessed(tmp_path):
    findings = run(tmp_path, config=client_with(("pkce_challenge_method", "''")))
    assert "pkce-method-invalid" in [f.code for f in findings]
    findings = run(tmp_path, config=client_with(
        ("redirect_uris", '{{ env "LIBRECHAT_REDIRECT" }}')),
        env=env_with(("DOMAIN_SERVER", "https://chat.example.com")))
    codes = [f.code for f in findings]
    assert "redirect-uri-mismatch" not in codes
    assert any(f.code == "value-not-checkable" and "redirect_uris" in f.message
               for f in findings)


def test_compose_variable_values_are_not_checkable(tmp_path):
    compose = "services:\n  api:\n    environment:\n      DOMAIN_SERVER: ${PUBLIC_URL}\n"
    findings = run(tmp_path, compose=compose)
    assert [f.code for f in findings if f.severity == "error"] == []
    assert any(f.code == "value-not-checkable" and "DOMAIN_SERVER" in f.message
               for f in findings)


def test_digest_verification_runs_exactly_once_per_audit(tmp_path):
    calls = []

    def verify(secret, digest):
        calls.append(1)
        from tui.core import digest as module

        return module.verify(secret, digest)

    run(tmp_path, verify=verify)
    assert len(calls) == 1
    calls.clear()
    run(tmp_path, env=env_with(("OPENID_CLIENT_SECRET", "'other'")), verify=verify)
    assert len(calls) == 1


def test_the_broken_env_shows_the_old_guides_mistakes(tmp_path):
    findings = run(tmp_path, env=BROKEN_ENV.read_text())
    codes = {f.code for f in findings}
    assert {"callback-url-absolute", "domain-server-default", "env-value-truncated",
            "env-duplicate-key", "extra-ca-in-dotenv", "end-session-unsupported",
            "session-secret-reused", "client-not-found"} <= codes


def test_directory_of_files_merges_later_over_earlier(tmp_path):
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "00-main.yml").write_text(clean_config())
    (directory / "10-override.yml").write_text(
        "session:\n  cookies:\n    - domain: 'example.com'\n"
        "      authelia_url: 'https://login.example.com'\n")
    env_path = tmp_path / ".env"
    env_path.write_text(clean_env())
    sources = read_sources([directory], env_path)
    findings = audit(sources.config, sources.env, librechat="0.8.7", verify=False).findings
    mismatch = [f for f in findings if f.code == "issuer-mismatch"]
    assert mismatch and "10-override.yml:3" in mismatch[0].message


# The command ------------------------------------------------------------------------------


def test_cli_exit_codes_and_json(tmp_path, capsys):
    args = ["audit", "--authelia-config", str(CONFIG), "--env", str(ENV), "--librechat",
            "0.8.7", "--format", "json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["findings"][0]["code"] == "value-not-checkable"
    args[4] = str(BROKEN_ENV)
    assert main(args) == 1
    out = capsys.readouterr().out
    for secret in SECRETS:
        assert secret not in out
    assert {"code", "severity", "where", "message", "fix"} == set(
        json.loads(out)["findings"][0])


def test_cli_missing_file_is_one_line_exit_2(tmp_path, capsys):
    assert main(["audit", "--authelia-config", str(tmp_path / "nope.yml"),
                 "--env", str(ENV)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.yml" in err
    assert main(["audit", "--authelia-config", str(CONFIG), "--env", str(tmp_path)]) == 2
    assert main(["audit", "--authelia-config", str(CONFIG), "--env", str(ENV),
                 "--compose", str(tmp_path / "c.yml")]) == 2


def test_cli_text_format_names_code_where_and_fix(capsys):
    assert main(["audit", "--authelia-config", str(CONFIG), "--env", str(BROKEN_ENV),
                 "--librechat", "0.8.7"]) == 1
    out = capsys.readouterr().out
    assert "error: callback-url-absolute" in out and "librechat-broken.env:" in out
    assert "fix: set OPENID_CALLBACK_URL=/oauth/openid/callback" in out


def test_the_docs_document_every_code():
    from tests.userfiles_helpers import USERFILES

    docs = (USERFILES.parents[2] / "docs" / "audit-codes.md").read_text()
    for code, (severity, _) in CODES.items():
        assert f"| `{code}` | {severity} |" in docs, code


def test_env_missing_names_each_variable(tmp_path):
    findings = run(tmp_path, env=env_with(("OPENID_SESSION_SECRET", None),
                                          ("OPENID_ISSUER", "")))
    messages = [f.message for f in findings if f.code == "env-missing"]
    assert any(m.startswith("OPENID_SESSION_SECRET is missing") for m in messages)
    assert any(m.startswith("OPENID_ISSUER is empty") for m in messages)


def test_an_empty_pkce_method_is_what_the_438_schema_rejects():
    # FACTS.md: "pkce_challenge_method: '' is rejected by the v4.38 JSON schema".
    import jsonschema

    from tests.conftest import schema

    client = {"client_id": "x", "client_secret": FAKE_DIGEST, "scopes": ["openid"],
              "redirect_uris": ["https://x.example.com/cb"], "pkce_challenge_method": ""}
    document = {"identity_providers": {"oidc": {"clients": [client]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema("4.38")).validate(document)


def test_compose_env_file_is_read_but_not_the_env_itself(tmp_path):
    (tmp_path / "extra.env").write_text("OPENID_SCOPE='openid profile email'\n")
    compose = "services:\n  api:\n    env_file:\n      - .env\n      - extra.env\n"
    findings = run(tmp_path, compose=compose)
    overrides = [f for f in findings if f.code == "compose-overrides-env"]
    assert [f.message.split(",")[0] for f in overrides] == ["Compose sets OPENID_SCOPE"]
    assert overrides[0].where == f"{tmp_path / 'extra.env'}:1"


def test_the_template_filter_on_means_no_finding(tmp_path):
    findings = run(tmp_path, compose=AUTHELIA_WITH_TEMPLATES)
    assert "template-filter-off" not in [f.code for f in findings]
    bad = next(f for f in run(tmp_path, compose=AUTHELIA_SERVICE)
               if f.code == "template-filter-off")
    first = next(i for i, line in enumerate(clean_config().splitlines(), 1) if "{{" in line)
    assert bad.where.endswith(f"configuration.yml:{first}")


def test_a_fifo_or_device_is_refused_without_opening_it(tmp_path, capsys):
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for args in (["--authelia-config", str(fifo), "--env", str(ENV)],
                 ["--authelia-config", str(CONFIG), "--env", str(fifo)],
                 ["--authelia-config", str(CONFIG), "--env", "/dev/null"],
                 ["--authelia-config", str(CONFIG), "--env", str(ENV), "--compose", str(fifo)]):
        assert main(["audit", *args]) == 2
        assert "not a regular file" in capsys.readouterr().err


def test_extra_ca_through_compose_env_file_is_in_the_container_environment(tmp_path):
    env = env_with(("NODE_EXTRA_CA_CERTS", "/certs/ca.pem"))
    compose = "services:\n  api:\n    env_file:\n      - .env\n"
    codes = [f.code for f in run(tmp_path, env=env, compose=compose)]
    assert "extra-ca-in-dotenv" not in codes


def test_every_profile_field_for_a_code_is_a_field_of_the_profile():
    from tui.core.profile import Profile
    from tui.userfiles.audit import PROFILE_FIELD

    assert set(PROFILE_FIELD) <= set(CODES)
    for code, field in PROFILE_FIELD.items():
        assert field in Profile._fields, (code, field)


def test_an_ec_key_named_rs256_or_an_unreadable_key_is_no_rs256_key(tmp_path):
    ec_as_rs256 = inline_jwks_key(clean_config(), ec_pem(), "RS256")
    codes = [f.code for f in run(tmp_path, config=ec_as_rs256)]
    assert "jwks-no-rs256" in codes and "jwks-key-weak" not in codes  # not "RSA 0 bits"
    garbage = inline_jwks_key(clean_config(), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                              "-----END PRIVATE KEY-----\n")
    found = [f for f in run(tmp_path, config=garbage) if f.code == "jwks-no-rs256"]
    assert any("cannot be read" in f.message for f in found)
    good = inline_jwks_key(clean_config(), rsa_pem(2048))
    assert [f.code for f in run(tmp_path, config=good) if f.severity == "error"] == []
