"""The doctor with the deployed .env: OPENID_TOKEN_ENDPOINT_AUTH_METHOD is checked before any
request, against the profile's client; discovery and the token probe then use that method."""

from __future__ import annotations

from tui.core.librechat import env_values
from tui.doctor import run, target_from_env

METHOD = "OPENID_TOKEN_ENDPOINT_AUTH_METHOD"


def doctor_env(values, profile, ca_file, **options):
    seen = []
    findings = run(target_from_env(values, base=profile, ca_file=ca_file), timeout=3.0,
                   on_finding=seen.append, **options)
    return findings, seen


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def test_the_rendered_env_passes(pair, ca_file):
    _, _, profile = pair
    findings, _ = doctor_env(env_values(profile), profile, ca_file)
    assert not [f for f in findings if f.severity in ("error", "warning")], findings
    assert "token-client-ok" in codes(findings)


def test_an_env_without_the_line_is_a_warning_first(pair, ca_file):
    _, _, profile = pair
    values = {k: v for k, v in env_values(profile).items() if k != METHOD}
    findings, seen = doctor_env(values, profile, ca_file)
    assert seen[0].code == "env-auth-method-unset" and seen[0].severity == "warning"
    assert f"{METHOD}=client_secret_post" in seen[0].fix
    assert not codes(findings, "error")


def test_a_mismatch_is_named_before_the_token_request(pair, ca_file):
    authelia, _, profile = pair
    values = {**env_values(profile), METHOD: "client_secret_basic"}
    findings, seen = doctor_env(values, profile, ca_file)
    assert seen[0].code == "env-auth-method-mismatch" and seen[0].severity == "error"
    assert "client_secret_post" in seen[0].message
    # The token probe then sends HTTP Basic, as that .env makes LibreChat do, and Authelia
    # (the stand-in enforces the client's method) refuses it.
    assert "token-auth-method-mismatch" in codes(findings, "error")
    order = codes(seen)
    assert order.index("env-auth-method-mismatch") < order.index("token-auth-method-mismatch")


def test_an_unknown_value_is_an_error(pair, ca_file):
    _, _, profile = pair
    values = {**env_values(profile), METHOD: "client_secret\x1bjwt"}
    findings, seen = doctor_env(values, profile, ca_file, token_probe=False)
    assert seen[0].code == "env-auth-method-unknown" and seen[0].severity == "error"
    assert "\x1b" not in seen[0].message  # shown escaped
    # Discovery does not offer it either.
    assert "discovery-auth-method-unsupported" in codes(findings, "error")


def test_a_method_discovery_does_not_offer_is_named(pair, ca_file):
    authelia, _, profile = pair
    authelia.state.discovery_changes = {
        "token_endpoint_auth_methods_supported": ["client_secret_basic"]}
    findings, _ = doctor_env(env_values(profile), profile, ca_file, token_probe=False)
    assert "discovery-auth-method-unsupported" in codes(findings, "error")


def test_a_profile_target_has_no_env_findings(pair, ca_file):
    from tui.doctor import target_from_profile

    _, _, profile = pair
    findings = run(target_from_profile(profile, ca_file), timeout=3.0)
    assert not [f for f in findings if f.code.startswith("env-auth-method")]
    # Only the word that LibreChat's own .env was not checked (tests/test_doctor_credentials.py).
    assert [f.code for f in findings if f.code.startswith("env-")] == ["env-not-checked"]
