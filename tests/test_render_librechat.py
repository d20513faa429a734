from __future__ import annotations

import io

import pytest
import yaml
from conftest import fake_profile
from dotenv import dotenv_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.checklist import checklist_steps, render_checklist, toggle_step
from tui.core.envfile import UnrepresentableValue, env_value_problem, quote_env_value
from tui.core.errors import ProfileInvalid
from tui.core.librechat import env_values, render_compose, render_env


def parse_env(text: str) -> dict[str, str]:
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=True))


def parse_compose(text: str) -> dict[str, str]:
    environment = yaml.safe_load(text)["services"]["api"]["environment"]
    # Compose turns $$ into $ when it reads the file.
    return {k: v.replace("$$", "$") for k, v in environment.items()}


def test_env_block_parses_back_to_exactly_the_intended_values():
    profile = fake_profile()
    assert parse_env(render_env(profile)) == env_values(profile)


def test_env_block_exact_text():
    assert render_env(fake_profile(client_id="librechat", refresh_tokens=True)).splitlines()[:6] + \
        render_env(fake_profile()).splitlines()[8:] == [
        "DOMAIN_CLIENT='https://librechat.example.com'",
        "DOMAIN_SERVER='https://librechat.example.com'",
        "ALLOW_SOCIAL_LOGIN='true'",
        "OPENID_BUTTON_LABEL='Log in with Authelia'",
        "OPENID_ISSUER='https://auth.example.com'",
        "OPENID_CLIENT_ID='librechat'",
        "OPENID_CALLBACK_URL='/oauth/openid/callback'",
        "OPENID_SCOPE='openid profile email'",
        "OPENID_IMAGE_URL='https://www.authelia.com/images/branding/logo-cropped.png'",
    ]


def test_compose_form_holds_the_same_values():
    profile = fake_profile(button_label="Pay $5 to log in")
    assert parse_compose(render_compose(profile)) == env_values(profile)
    assert "'Pay $$5 to log in'" in render_compose(profile)


def test_empty_optional_values_are_left_out():
    values = env_values(fake_profile(button_label="", image_url=""))
    assert "OPENID_BUTTON_LABEL" not in values and "OPENID_IMAGE_URL" not in values


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("plain", "'plain'"), ("it's", '"it\'s"'), ('say "hi"', "'say \"hi\"'"),
     ("$HOME #x", "'$HOME #x'"), ("", "''"), ("  padded ", "'  padded '")],
)
def test_quote_env_value(value, quoted):
    assert quote_env_value(value) == quoted
    assert parse_env(f"K={quoted}\n") == {"K": value}


@pytest.mark.parametrize("value", ["a\nb", "a\\b", "it's \"x\"", "it's $5", "tab\there"])
def test_values_no_quoting_keeps_intact_are_refused(value):
    assert env_value_problem(value)
    with pytest.raises(UnrepresentableValue):
        quote_env_value(value)


def test_renderer_refuses_an_unrepresentable_label():
    with pytest.raises(ProfileInvalid, match="button_label"):
        render_env(fake_profile(button_label="line\nOPENID_ISSUER=https://evil"))


_host = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)
_path = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(label=st.text(), host=_host, path=_path, scheme=st.sampled_from(["https", "http"]),
       client_name=st.text())
def test_no_input_can_inject_a_key_or_a_line(label, host, path, scheme, client_name):
    profile = fake_profile(button_label=label, app_url=f"{scheme}://{host}/{path}",
                           client_name=client_name)
    try:
        env_text = render_env(profile)
        compose_text = render_compose(profile)
    except ProfileInvalid:
        return
    expected = env_values(profile)
    assert parse_env(env_text) == expected
    assert parse_compose(compose_text) == expected
    assert len(env_text.splitlines()) == len(expected)


def test_checklist_names_this_profiles_values():
    profile = fake_profile(app_url="https://chat.home.lan", auth_url="https://sso.home.lan",
                           librechat_version="0.7.8")
    steps = {s.id: s for s in checklist_steps(profile)}
    assert list(steps) == ["authelia-provider", "authelia-client", "authelia-restart",
                           "discovery", "librechat-env", "librechat-restart", "login",
                           "troubleshoot"]
    assert "curl -fsS https://sso.home.lan/.well-known/openid-configuration" in (
        steps["discovery"].detail)
    assert "client_secret_basic" in steps["discovery"].detail
    assert "https://chat.home.lan/oauth/openid/callback" in steps["authelia-client"].detail
    assert "https://chat.home.lan/login" in steps["login"].detail
    assert "docker compose" in steps["librechat-restart"].detail
    assert "Unknown authentication strategy" in steps["troubleshoot"].detail


def test_checklist_ticks_are_shown_and_toggle():
    profile = toggle_step(fake_profile(), "discovery")
    text = render_checklist(profile)
    assert "4. [x] Check Authelia's discovery document" in text
    assert "1. [ ] " in text
    assert text.rstrip().endswith("1 of 8 steps done")
    assert toggle_step(profile, "discovery").checklist == ()
