"""The provider section, admin group, consent, private CA and hairpin."""

from __future__ import annotations

import base64
import itertools
import re
from functools import cache

import jsonschema
import pytest
import yaml
from conftest import (
    FAKE_HMAC_SECRET,
    fake_profile,
    fake_provider_profile,
    masked,
    schema,
    session_signing_key,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core import facts
from tui.core.authelia import client_config, client_entry, render_client_block, render_client_entry
from tui.core.checks import check_profile
from tui.core.duration import DurationError, duration_seconds, yaml_duration
from tui.core.errors import ProfileInvalid
from tui.core.librechat import compose_override, env_values, render_compose, render_env
from tui.core.profile import (
    Profile,
    ProfileFormatError,
    new_profile,
    profile_from_dict,
    profile_to_dict,
)
from tui.core.provider import (
    CONSENT_MODES,
    ProviderError,
    check_key_bits,
    claims_policies,
    new_hmac_secret,
    provider_config,
    public_jwk,
    read_signing_key,
    render_provider,
)
from tui.core.yamlio import dump_yaml

KEY_PATH = "/config/secrets/oidc/jwks/rsa.2048.key"
KEY_ID_RE = re.compile(r"^[a-zA-Z0-9](([a-zA-Z0-9._~-]*)([a-zA-Z0-9]))?$")  # FACTS.md


def own_findings(profile: Profile) -> list:
    """The findings the fake profile itself does not have (it uses example.com URLs)."""
    baseline = set(check_profile(fake_profile()))
    return [f for f in check_profile(profile) if f not in baseline]


@cache
def validator(version: str):
    return jsonschema.Draft202012Validator(schema(version))


def expand_templates(text: str, files: dict[str, str]) -> str:
    """Authelia's template filter for `{{ secret "P" | mindent 10 "|" | msquote }}`.

    secret: the file without trailing newlines; mindent: "|" + newline + every line indented
    10 spaces when the value has several lines; msquote: multi-line values unquoted.
    (internal/templates/funcs.go: FuncSecret, FuncMultilineIndent, FuncStringQuoteMultiLine)
    """
    def expand(match: re.Match) -> str:
        value = files[match.group(1)].rstrip("\n")
        assert "\n" in value
        return "|\n" + "\n".join(" " * 10 + line for line in value.split("\n"))

    return re.sub(r'\{\{ secret "([^"]+)" \| mindent 10 "\|" \| msquote \}\}', expand, text)


def load_authelia(text: str, profile: Profile) -> dict:
    """Parse rendered Authelia YAML as Authelia would, after its template filter."""
    return yaml.safe_load(expand_templates(text, {profile.key_path: profile.signing_key}))


def uses_4_39_only_keys(document: dict) -> bool:
    oidc = document["identity_providers"]["oidc"]
    return "claims_policies" in oidc or any("claims_policy" in c for c in oidc.get("clients", []))


# Every variant -------------------------------------------------------------------------

VARIANTS = [
    dict(provider=provider, key_path=key_path, admin_group=admin, consent=consent,
         consent_duration="1 week" if consent == "pre-configured" else "",
         authelia_version=authelia, librechat_version=librechat)
    for provider, key_path, admin, consent, authelia, librechat in itertools.product(
        ["new", "existing"], ["", KEY_PATH], ["", "librechat-admins"],
        list(facts.CONSENT_CHOICES), ["4.38", "4.39"], ["0.8.0", "0.8.7"])
]


def _variant_id(variant: dict) -> str:
    return "-".join(str(v) or "none" for k, v in variant.items() if k != "consent_duration")


@pytest.mark.parametrize("variant", VARIANTS, ids=_variant_id)
def test_every_variant_validates_against_the_schema_it_targets(variant):
    profile = (fake_provider_profile if variant["provider"] == "new" else fake_profile)(
        **variant)
    if profile.admin_group and profile.librechat_version == "0.8.0":
        with pytest.raises(ProfileInvalid, match="OPENID_ADMIN_ROLE arrived in LibreChat 0.8.1"):
            render_client_block(profile)
        return
    document = load_authelia(render_client_block(profile), profile)
    expected = client_config(profile)
    if profile.provider == "new":
        expected["identity_providers"]["oidc"]["jwks"][0]["key"] = profile.signing_key
    assert masked(document) == masked(expected)
    targets = [profile.authelia_version]
    if not uses_4_39_only_keys(document):
        targets = ["4.38", "4.39"]
    for version in targets:
        validator(version).validate(document)
        entry = load_authelia(render_client_entry(profile), profile)
        validator(version).validate({"identity_providers": {"oidc": {"clients": entry}}})
    if profile.provider == "new":
        provider = load_authelia(render_provider(profile), profile)
        assert list(provider["identity_providers"]["oidc"]) == ["hmac_secret", "jwks"]
        for version in ("4.38", "4.39"):
            validator(version).validate(provider)


def test_claims_policy_is_4_39_only_and_the_4_38_schema_refuses_it():
    profile = fake_provider_profile(admin_group="admins", authelia_version="4.39")
    document = client_config(profile)
    assert uses_4_39_only_keys(document)
    validator("4.39").validate(document)
    with pytest.raises(jsonschema.ValidationError):
        validator("4.38").validate(document)
    assert not uses_4_39_only_keys(client_config(profile.with_changes(authelia_version="4.38")))


# The key ---------------------------------------------------------------------------------


def test_key_is_rsa_2048_usable_for_rs256_and_matches_the_published_key():
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    pem, key_id = session_signing_key()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    jwk = public_jwk(fake_provider_profile())
    assert jwk["kid"] == key_id and jwk["alg"] == "RS256" and jwk["use"] == "sig"

    def number(b64: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4)), "big")

    published = rsa.RSAPublicNumbers(number(jwk["e"]), number(jwk["n"])).public_key()
    signature = key.sign(b"header.payload", padding.PKCS1v15(), hashes.SHA256())
    published.verify(signature, b"header.payload", padding.PKCS1v15(), hashes.SHA256())
    assert published.public_numbers() == key.public_key().public_numbers()


def test_key_id_matches_authelias_pattern_and_names_the_key():
    pem, key_id = session_signing_key()
    assert KEY_ID_RE.match(key_id) and len(key_id) <= 100
    assert facts.KEY_ID_PATTERN == KEY_ID_RE.pattern
    assert key_id.startswith("rsa2048-")


def test_hmac_secret_is_64_alphanumeric():
    secrets = {new_hmac_secret() for _ in range(5)}
    assert len(secrets) == 5
    for secret in secrets:
        assert len(secret) == 64 and re.fullmatch(r"[A-Za-z0-9]{64}", secret)


@pytest.mark.parametrize("bits", [1024, 2047, 8192, True, "2048"])
def test_key_sizes_outside_the_list_are_refused(bits):
    with pytest.raises(ProviderError, match="2048, 3072, 4096"):
        check_key_bits(bits)


def test_a_small_or_non_rsa_key_is_refused_without_quoting_it():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    small = rsa.generate_private_key(65537, 1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    with pytest.raises(ProviderError, match="1024 bits"):
        read_signing_key(small)
    ecdsa = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    with pytest.raises(ProviderError, match="must be an RSA key"):
        read_signing_key(ecdsa)
    broken = fake_provider_profile(signing_key=session_signing_key()[0].replace("M", "N", 3))
    findings = [f for f in check_profile(broken) if f.field == "signing_key"]
    assert findings and all(f.severity == "error" for f in findings)
    assert all("BEGIN" not in f.message and "MII" not in f.message for f in findings)


def test_new_profile_generates_the_provider_only_for_provider_new():
    profile = new_profile(hash_digest=False)
    assert profile.provider == "new" and len(profile.hmac_secret) == 64
    assert profile.signing_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert read_signing_key(profile.signing_key).bits == 2048
    assert not [f for f in check_profile(profile, verify_digest=False) if f.severity == "error"
                and f.field != "client_secret_digest"]
    later = new_profile(hash_digest=False, generate_key=False)  # the app's worker does the key
    assert later.hmac_secret and not later.signing_key
    existing = new_profile(hash_digest=False, provider="existing")
    assert not existing.hmac_secret and not existing.signing_key


def test_render_provider_is_only_hmac_secret_and_jwks():
    profile = fake_provider_profile()
    text = render_provider(profile)
    assert text.startswith("identity_providers:\n  oidc:\n    hmac_secret: '")
    assert "        key: |\n          -----BEGIN PRIVATE KEY-----\n" in text
    assert masked(yaml.safe_load(text)) == masked({"identity_providers": {"oidc": {
        "hmac_secret": FAKE_HMAC_SECRET,
        "jwks": [{"key_id": profile.signing_key_id, "algorithm": "RS256", "use": "sig",
                  "key": profile.signing_key}]}}})
    with pytest.raises(ProviderError, match="existing provider"):
        render_provider(fake_profile())


def test_full_block_with_provider_new_is_a_complete_section_and_the_entry_stays_the_client():
    profile = fake_provider_profile()
    oidc = yaml.safe_load(render_client_block(profile))["identity_providers"]["oidc"]
    assert list(oidc) == ["hmac_secret", "jwks", "clients"]
    entry = yaml.safe_load(render_client_entry(profile))
    assert entry == [client_entry(profile)]
    assert FAKE_HMAC_SECRET not in render_client_entry(profile)
    assert render_client_entry(profile).startswith("# Authelia also needs this profile's "
                                                   "provider section")
    assert not render_client_entry(fake_profile()).startswith("#")
    assert "hmac_secret" not in yaml.safe_load(render_client_block(fake_profile()))[
        "identity_providers"]["oidc"]


def test_key_path_renders_authelias_template_which_parses_once_expanded():
    profile = fake_provider_profile(key_path=KEY_PATH)
    text = render_provider(profile)
    assert ('        key: {{ secret "/config/secrets/oidc/jwks/rsa.2048.key" | mindent 10 "|" '
            "| msquote }}\n") in text
    assert "BEGIN PRIVATE KEY" not in text and "__AUTHELIA_TEMPLATE" not in text
    with pytest.raises(yaml.YAMLError):  # not YAML until Authelia's filter has run
        yaml.safe_load(text)
    expanded = load_authelia(text, profile)
    assert masked(expanded["identity_providers"]["oidc"]["jwks"][0]["key"]) == masked(
        profile.signing_key.rstrip("\n") + "\n")
    validator("4.39").validate(expanded)


@pytest.mark.parametrize("path", ["config/key.pem", "./key", "/a/b/", '/a/"b', "/a\\b",
                                  "/a\nb", "/a/}}/b"])
def test_a_bad_key_path_is_an_error(path):
    findings = [f for f in check_profile(fake_provider_profile(key_path=path))
                if f.field == "key_path"]
    assert findings and findings[0].severity == "error"


# Profile file ------------------------------------------------------------------------------


def test_an_old_profile_without_the_new_keys_loads_as_an_existing_provider():
    data = profile_to_dict(fake_profile())
    old = {k: v for k, v in data.items() if k in (
        "version", "app_url", "auth_url", "client_id", "client_name", "client_secret",
        "client_secret_digest", "digest_algorithm", "session_secret", "policy", "group",
        "scopes", "refresh_tokens", "button_label", "image_url", "authelia_version",
        "librechat_version", "checklist")}
    loaded = profile_from_dict(old)
    assert loaded.provider == "existing"
    assert loaded == fake_profile()
    assert check_profile(loaded) == check_profile(fake_profile())


def test_new_fields_round_trip_through_the_file_form():
    profile = fake_provider_profile(key_bits=3072, key_path=KEY_PATH, admin_group="admins",
                                    consent="pre-configured", consent_duration="2 weeks",
                                    ca_file="/etc/ssl/ca.pem", hairpin=True)
    text = dump_yaml(profile_to_dict(profile))
    assert "signing_key: |\n  -----BEGIN PRIVATE KEY-----\n" in text  # readable
    assert masked(profile_from_dict(yaml.safe_load(text))) == masked(profile)
    assert masked(yaml.safe_load(yaml.safe_dump(profile_to_dict(profile)))) == masked(
        profile_to_dict(profile))
    assert Profile().provider == "new" and Profile().key_bits == 2048


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("key_bits", "2048", "key_bits must be a whole number"),
    ("key_bits", True, "key_bits must be a whole number"),
    ("hairpin", "yes", "hairpin must be true or false"),
    ("consent", 7, "consent must be a string"),
])
def test_new_fields_are_type_checked(key, value, fragment):
    data = profile_to_dict(fake_profile())
    data[key] = value
    with pytest.raises(ProfileFormatError, match=fragment):
        profile_from_dict(data)


# Admin group -----------------------------------------------------------------------------


def test_admin_group_renders_librechats_role_settings_and_the_groups_scope():
    profile = fake_profile(admin_group="chat-admins", librechat_version="0.8.1")
    env = env_values(profile)
    assert env["OPENID_ADMIN_ROLE"] == "chat-admins"
    assert env["OPENID_ADMIN_ROLE_PARAMETER_PATH"] == "groups"
    assert env["OPENID_ADMIN_ROLE_TOKEN_KIND"] == "id"
    assert env["OPENID_SCOPE"] == "openid profile email groups"
    assert client_entry(profile)["scopes"] == ["openid", "profile", "email", "groups"]
    assert "OPENID_ADMIN_ROLE" not in env_values(fake_profile())


def test_admin_group_on_4_39_gets_a_claims_policy_with_groups_in_the_id_token():
    profile = fake_profile(admin_group="chat-admins", authelia_version="4.39.20")
    policies = claims_policies(profile)
    assert list(policies.values()) == [{"id_token": ["groups"]}]
    assert client_entry(profile)["claims_policy"] == next(iter(policies))
    assert client_config(profile)["identity_providers"]["oidc"]["claims_policies"] == policies
    text = render_client_entry(profile)
    assert text.startswith(f"# This client uses the claims policy {next(iter(policies))}")
    old = profile.with_changes(authelia_version="4.38")
    assert claims_policies(old) == {} and "claims_policy" not in client_entry(old)


def test_admin_group_with_librechat_before_0_8_1_is_refused_clearly():
    findings = own_findings(fake_profile(admin_group="admins", librechat_version="0.8.0"))
    assert [(f.severity, f.field) for f in findings] == [("error", "admin_group")]
    assert "upgrade LibreChat" in findings[0].message


# Consent ---------------------------------------------------------------------------------


def test_consent_modes_are_authelias_with_one_line_each():
    assert tuple(CONSENT_MODES) == facts.CONSENT_CHOICES
    assert all(text and "\n" not in text for text in CONSENT_MODES.values())
    assert "consent_mode" not in client_entry(fake_profile())  # auto: Authelia's default
    assert client_entry(fake_profile(consent="implicit"))["consent_mode"] == "implicit"
    entry = client_entry(fake_profile(consent="pre-configured", consent_duration="3 days"))
    assert entry["pre_configured_consent_duration"] == "3 days"
    seconds = client_entry(fake_profile(consent="pre-configured", consent_duration="86400"))
    assert seconds["pre_configured_consent_duration"] == 86400


def test_a_duration_without_pre_configured_is_left_out_with_a_warning():
    profile = fake_profile(consent="explicit", consent_duration="1 week")
    assert "pre_configured_consent_duration" not in client_entry(profile)
    assert [(f.severity, f.field) for f in own_findings(profile)] == [
        ("warning", "consent_duration")]


GOOD_DURATIONS = ["1 week", "1w", "2 weeks 3 days", "12h", "90m", "1 year", "6M", "3600",
                  "1 day 12 hours", "10 seconds", "500ms", "1month"]
BAD_DURATIONS = ["", "week", "1 fortnight", "0s", "0", "-1d", "1.5h", "1 ns", "1 us", "1 mo",
                 "1d x", "x1d", "1 weeks and", "999999 years", "1 Week", "01 day"]


@pytest.mark.parametrize("text", GOOD_DURATIONS)
@pytest.mark.parametrize("version", ["4.38", "4.39"])
def test_good_durations_pass_the_schema_pattern_too(text, version):
    assert duration_seconds(text) > 0
    profile = fake_profile(consent="pre-configured", consent_duration=text,
                           authelia_version=version)
    validator(version).validate(client_config(profile))


@pytest.mark.parametrize("text", BAD_DURATIONS)
def test_bad_durations_are_refused(text):
    with pytest.raises(DurationError):
        duration_seconds(text)


def test_and_between_parts_is_4_39_only():
    from tui.core.versions import Version

    assert duration_seconds("1 week and 2 days", Version.parse("4.39")) == 9 * 86400
    with pytest.raises(DurationError, match="does not accept 'and'"):
        duration_seconds("1 week and 2 days", Version.parse("4.38"))
    findings = own_findings(fake_profile(consent="pre-configured", authelia_version="4.38",
                                          consent_duration="1 week and 2 days"))
    assert [f.field for f in findings] == ["consent_duration"]


def test_durations_add_up_like_authelias_parser():
    assert duration_seconds("1 week") == 604800
    assert duration_seconds("1M") == 30 * 86400 and duration_seconds("1y") == 365 * 86400
    assert duration_seconds("1 hour 30 minutes") == 5400
    assert duration_seconds("3600") == 3600 and yaml_duration("3600") == 3600


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 smhdwyMaeknoru", max_size=16))
def test_every_accepted_duration_matches_the_schema_of_its_version(text):
    for version in ("4.38", "4.39"):
        from tui.core.versions import Version

        try:
            duration_seconds(text, Version.parse(version))
        except DurationError:
            continue
        client = {"pre_configured_consent_duration": yaml_duration(text)}
        properties = schema(version)["$defs"]["IdentityProvidersOpenIDConnectClient"][
            "properties"]
        jsonschema.validate(client["pre_configured_consent_duration"],
                            properties["pre_configured_consent_duration"])


# Compose override: private CA and hairpin --------------------------------------------------


@pytest.fixture(scope="session")
def ca_pem(tmp_path_factory):
    import trustme

    path = tmp_path_factory.mktemp("ca") / "authelia-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def parse_override(text: str) -> dict:
    def unescape(value):
        if isinstance(value, str):
            return value.replace("$$", "$")
        if isinstance(value, dict):
            return {k: unescape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unescape(v) for v in value]
        return value

    return unescape(yaml.safe_load(text))


def test_override_has_exactly_the_environment_volume_and_extra_hosts(ca_pem):
    profile = fake_profile(ca_file=ca_pem, hairpin=True, auth_url="https://sso.home.lan",
                           button_label="Pay $5")
    document = parse_override(render_compose(profile))
    assert list(document) == ["services"] and list(document["services"]) == ["api"]
    api = document["services"]["api"]
    assert api == {
        "environment": {**env_values(profile),
                        "NODE_EXTRA_CA_CERTS": "/app/certs/authelia-ca.pem"},
        "volumes": [{"type": "bind", "source": ca_pem, "target": "/app/certs/authelia-ca.pem",
                     "read_only": True}],
        "extra_hosts": ["sso.home.lan:host-gateway"],
    }
    assert "'Pay $$5'" in render_compose(profile)
    assert compose_override(profile)["services"]["api"]["environment"]["OPENID_BUTTON_LABEL"] == (
        "Pay $5")


def test_env_form_never_carries_node_extra_ca_certs(ca_pem):
    profile = fake_profile(ca_file=ca_pem, hairpin=True)
    assert "NODE_EXTRA_CA_CERTS" not in render_env(profile)
    assert "NODE_EXTRA_CA_CERTS" not in env_values(profile)


def test_override_without_options_stays_the_environment_alone():
    api = parse_override(render_compose(fake_profile()))["services"]["api"]
    assert list(api) == ["environment"]
    only_hairpin = parse_override(render_compose(fake_profile(hairpin=True)))
    assert list(only_hairpin["services"]["api"]) == ["environment", "extra_hosts"]


def test_a_host_path_with_a_dollar_is_escaped_for_compose(tmp_path, ca_pem):
    odd = tmp_path / "my$ca:dir"
    odd.mkdir()
    target = odd / "ca.pem"
    target.write_bytes(open(ca_pem, "rb").read())
    text = render_compose(fake_profile(ca_file=str(target)))
    assert "$$ca:dir" in text
    assert parse_override(text)["services"]["api"]["volumes"][0]["source"] == str(target)


def test_ca_file_findings(tmp_path, ca_pem):
    assert not [f for f in own_findings(fake_profile(ca_file=ca_pem))]
    missing = own_findings(fake_profile(ca_file=str(tmp_path / "nope.pem")))
    assert [(f.severity, f.field) for f in missing] == [("warning", "ca_file")]
    not_pem = tmp_path / "ca.txt"
    not_pem.write_text("hello\n")
    bad = own_findings(fake_profile(ca_file=str(not_pem)))
    assert [(f.severity, f.field) for f in bad] == [("error", "ca_file")]
    relative = own_findings(fake_profile(ca_file="ca.pem"))
    assert [(f.severity, f.field) for f in relative] == [("error", "ca_file")]


def test_provider_config_is_pure_data_for_other_callers():
    profile = fake_provider_profile()
    assert masked(provider_config(profile)) == masked({
        "hmac_secret": FAKE_HMAC_SECRET,
        "jwks": [{"key_id": profile.signing_key_id, "algorithm": "RS256", "use": "sig",
                  "key": profile.signing_key}],
    })
    assert provider_config(fake_profile()) == {}
    template = provider_config(profile.with_changes(key_path=KEY_PATH))["jwks"][0]["key"]
    assert template == '{{ secret "' + KEY_PATH + '" | mindent 10 "|" | msquote }}'


# Checklist ---------------------------------------------------------------------------------


def test_checklist_for_an_existing_provider_is_unchanged():
    from tui.core.checklist import checklist_steps

    assert [s.id for s in checklist_steps(fake_profile())] == [
        "authelia-provider", "authelia-client", "authelia-restart", "discovery",
        "librechat-env", "librechat-restart", "login"]


def test_checklist_gains_the_steps_the_options_need_naming_the_profiles_values(ca_pem):
    from tui.core.checklist import checklist_steps

    profile = fake_provider_profile(key_path="/config/secrets/oidc/jwks/rsa.4096.key",
                                    admin_group="chat-admins", ca_file=ca_pem, hairpin=True,
                                    auth_url="https://sso.home.lan")
    steps = {s.id: s for s in checklist_steps(profile)}
    assert list(steps) == [
        "authelia-key-file", "authelia-template-filter", "authelia-provider-new",
        "authelia-client", "admin-group", "authelia-restart", "discovery", "librechat-env",
        "librechat-override", "restart-order", "librechat-restart", "container-discovery",
        "login"]
    from tui.core.checklist import ALL_STEP_IDS, set_step

    assert set(steps) <= set(ALL_STEP_IDS)  # tick knows them
    assert set_step(profile, "container-discovery", True).checklist == ("container-discovery",)
    assert steps["authelia-key-file"].command == (
        "librechat-authelia write-key HOST_DIR/rsa.4096.key")
    assert "/config/secrets/oidc/jwks/rsa.4096.key" in steps["authelia-key-file"].detail
    assert "X_AUTHELIA_CONFIG_FILTERS=template" in steps["authelia-template-filter"].detail
    assert steps["authelia-template-filter"].command == (
        "docker compose up -d --force-recreate authelia")
    assert profile.signing_key_id in steps["authelia-provider-new"].detail
    assert "OPENID_ADMIN_ROLE=chat-admins" in steps["admin-group"].detail
    assert "librechat_groups_in_id_token" in steps["admin-group"].detail
    assert ca_pem in steps["librechat-override"].detail
    assert "sso.home.lan:host-gateway" in steps["librechat-override"].detail
    assert steps["container-discovery"].command.startswith(
        "docker compose exec api node -e \"fetch('https://sso.home.lan/.well-known/"
        "openid-configuration')")
    assert steps["restart-order"].command == (
        "docker compose up -d --force-recreate authelia\n"
        "curl -fsS https://sso.home.lan/.well-known/openid-configuration")
    secret_free = "".join(s.detail + s.command for s in steps.values())
    assert FAKE_HMAC_SECRET not in secret_free and "PRIVATE KEY" not in secret_free


def test_checklist_discovery_command_cannot_break_out_of_its_quotes():
    from tui.core.checklist import checklist_steps

    profile = fake_profile(hairpin=True, auth_url="https://sso.home.lan/a'b$c\"d`e!f")
    step = next(s for s in checklist_steps(profile) if s.id == "container-discovery")
    inner = step.command.split('node -e "')[1][:-1]
    assert not set("'$\"`!\\") & set(inner.split("fetch('")[1].split("')")[0])


# Facts (FACTS.md: provider section, 4.39 claims, consent, private CA) ---------------------


def test_admin_role_keys_are_librechats_and_arrived_in_0_8_1():
    from conftest import DATA

    example = (DATA / "librechat" / "env.example").read_text()
    keys = set(re.findall(r"^#?\s*([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    written = set(env_values(fake_profile(admin_group="admins")))
    assert written - set(env_values(fake_profile())) == {
        "OPENID_ADMIN_ROLE", "OPENID_ADMIN_ROLE_PARAMETER_PATH", "OPENID_ADMIN_ROLE_TOKEN_KIND"}
    assert written - {"OPENID_TOKEN_ENDPOINT_AUTH_METHOD"} <= keys  # see test_facts
    assert str(facts.LIBRECHAT_ADMIN_ROLE) == "0.8.1"
    assert (facts.ADMIN_ROLE_PARAMETER_PATH, facts.ADMIN_ROLE_TOKEN_KIND) == ("groups", "id")
    assert not own_findings(fake_profile(admin_group="admins", librechat_version="0.8.1"))


def test_provider_facts():
    assert facts.KEY_BITS == (2048, 3072, 4096) and facts.DEFAULT_KEY_BITS == 2048
    assert facts.KEY_ALGORITHM == "RS256"
    assert facts.KEY_ID_MAX_LENGTH == 100
    assert facts.HMAC_SECRET_LENGTH == 64 and facts.HMAC_SECRET_CHARSET == "alphanumeric"
    assert facts.EXAMPLE_KEY_PATH == KEY_PATH
    assert (facts.ENV_AUTHELIA_CONFIG_FILTERS, facts.AUTHELIA_TEMPLATE_FILTER) == (
        "X_AUTHELIA_CONFIG_FILTERS", "template")
    assert facts.CONSENT_CHOICES == ("auto", "explicit", "implicit", "pre-configured")
    assert facts.DEFAULT_CONSENT == "auto"
    assert str(facts.AUTHELIA_CLAIMS_POLICIES) == "4.39.0"
    assert facts.ENV_NODE_EXTRA_CA_CERTS == "NODE_EXTRA_CA_CERTS"
    assert facts.HOST_GATEWAY == "host-gateway" and facts.LIBRECHAT_SERVICE == "api"
    # The 4.39 schema knows claims policies and the client's claims_policy; 4.38 does neither.
    for version, present in (("4.38", False), ("4.39", True)):
        defs = schema(version)["$defs"]
        assert ("claims_policy" in defs["IdentityProvidersOpenIDConnectClient"]["properties"]
                ) is present
        assert ("claims_policies" in defs["IdentityProvidersOpenIDConnect"]["properties"]
                ) is present


@pytest.mark.parametrize(("consent", "duration", "words"), [
    ("auto", "", "accept the consent screen, and land"),
    ("explicit", "", "accept the consent screen, and land"),
    ("implicit", "", "see no consent screen"),
    ("pre-configured", "", "not asked again for 1 week"),
    ("pre-configured", "3 days", "not asked again for 3 days"),
])
def test_the_login_step_says_what_the_consent_mode_shows(consent, duration, words):
    from tui.core.checklist import checklist_steps

    profile = fake_profile(consent=consent, consent_duration=duration)
    login = next(s for s in checklist_steps(profile) if s.id == "login")
    assert words in login.detail
