from __future__ import annotations

import io
import re

import pytest
import yaml
from conftest import fake_profile
from dotenv import dotenv_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.checklist import (
    STEP_IDS,
    UnknownStep,
    checklist_steps,
    render_checklist,
    set_step,
    toggle_step,
    troubleshooting,
)
from tui.core.checks import ProfileInvalid
from tui.core.envfile import UnrepresentableValue, env_value_problem, quote_env_value
from tui.core.librechat import env_values, render_compose, render_env


def parse_env(text: str) -> dict[str, str]:
    # interpolate=False: python-dotenv would otherwise expand ${VAR} even inside single
    # quotes, which Node's dotenv (LibreChat's loader) takes literally.
    return dict(dotenv_values(stream=io.StringIO(text), interpolate=False))


# Node's dotenv, as LibreChat runs it (FACTS.md, ".env and Compose as LibreChat reads them"):
# one regular expression per KEY=VALUE; quotes of one kind around the whole value are
# removed and the rest kept literally (only inside double quotes \n and \r become line
# breaks); an unquoted value ends at the first #; a repeated key takes the last value.
_NODE_LINE = re.compile(
    r"^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\""
    r"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$", re.MULTILINE)


def parse_env_as_node(text: str) -> dict[str, str]:
    values = {}
    for match in _NODE_LINE.finditer(text.replace("\r\n", "\n").replace("\r", "\n")):
        value = (match.group(2) or "").strip()
        quote = value[:1]
        if len(value) >= 2 and quote in "'\"`" and value.endswith(quote):
            value = value[1:-1]
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        values[match.group(1)] = value
    return values


NODE_RULES = [
    ("K='$HOME ${USER} \\n'\n", {"K": "$HOME ${USER} \\n"}),  # single quotes: literal
    ("K=abc # a comment\n", {"K": "abc"}),  # an unquoted value ends at #
    ("K='a # b'\n", {"K": "a # b"}),
    ("K=1\nK=2\n", {"K": "2"}),  # the last repeated key wins
    ('K="it\'s"\n', {"K": "it's"}),
]


@pytest.mark.parametrize(("text", "expected"), NODE_RULES)
def test_the_independent_parsers_follow_nodes_dotenv_rules(text, expected):
    assert parse_env_as_node(text) == expected
    assert parse_env(text) == expected


def test_an_unquoted_hash_is_where_python_dotenv_and_node_differ():
    # Node ends an unquoted value at any #; python-dotenv only at " #". So every value we
    # write is quoted, and each rendered block is checked with both parsers.
    assert parse_env_as_node("K=a#b\n") == {"K": "a"}
    assert parse_env("K=a#b\n") == {"K": "a#b"}
    assert all(line.split("=", 1)[1][:1] in "'\"" for line in render_env(fake_profile(
        button_label="a#b")).splitlines())


def test_python_dotenv_interpolates_single_quotes_unless_told_not_to(monkeypatch):
    monkeypatch.setenv("USER", "someone")
    text = "K='${USER}'\n"
    assert dict(dotenv_values(stream=io.StringIO(text)))["K"] == "someone"  # its default
    assert parse_env(text)["K"] == parse_env_as_node(text)["K"] == "${USER}"


def parse_compose(text: str) -> dict[str, str]:
    environment = yaml.safe_load(text)["services"]["api"]["environment"]
    # Compose turns $$ into $ when it reads the file.
    return {k: v.replace("$$", "$") for k, v in environment.items()}


def test_env_block_parses_back_to_exactly_the_intended_values():
    profile = fake_profile(button_label="Pay $5 # or ${MORE}")
    assert parse_env(render_env(profile)) == env_values(profile)
    assert parse_env_as_node(render_env(profile)) == env_values(profile)


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
        "OPENID_TOKEN_ENDPOINT_AUTH_METHOD='client_secret_post'",
        "OPENID_NAME_CLAIM='name'",
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
    assert parse_env_as_node(f"K={quoted}\n") == {"K": value}


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
    assert parse_env_as_node(env_text) == expected
    assert parse_compose(compose_text) == expected
    assert len(env_text.splitlines()) == len(expected)


def test_checklist_names_this_profiles_values():
    profile = fake_profile(app_url="https://chat.home.lan", auth_url="https://sso.home.lan",
                           librechat_version="0.7.8")
    steps = {s.id: s for s in checklist_steps(profile)}
    assert tuple(steps) == STEP_IDS == (
        "authelia-provider", "authelia-client", "authelia-restart", "discovery",
        "librechat-env", "librechat-restart", "login")
    assert steps["discovery"].command == (
        "curl -fsS https://sso.home.lan/.well-known/openid-configuration")
    assert "client_secret_basic" in steps["discovery"].detail
    assert "https://chat.home.lan/oauth/openid/callback" in steps["authelia-client"].detail
    assert "https://chat.home.lan/login" in steps["login"].detail
    assert steps["librechat-restart"].command.splitlines()[0] == (
        "docker compose up -d --force-recreate api")
    assert "Unknown authentication strategy" in troubleshooting(profile)
    assert "client_secret_basic" in troubleshooting(profile)


def test_commands_stand_alone_without_trailing_punctuation():
    steps = checklist_steps(fake_profile())
    commands = [line for s in steps for line in s.command.splitlines()]
    assert len(commands) >= 3
    for line in commands:
        assert line == line.strip() and line[-1] not in ".,;:)'\"", line
    for step in steps:  # the prose no longer carries commands to paste
        assert "Run:" not in step.detail and "curl -" not in step.detail, step.id
    text = render_checklist(fake_profile())
    for line in commands:
        assert f"\n       {line}\n" in text  # on a line of its own


def test_troubleshooting_is_guidance_under_its_own_heading_not_a_step():
    text = render_checklist(fake_profile())
    steps_part, _, guidance = text.partition("If login fails, match the log line:\n")
    assert "Unknown authentication strategy" in guidance
    assert "Unknown authentication strategy" not in steps_part
    assert "troubleshoot" not in steps_part


def test_checklist_ticks_are_shown_and_toggle():
    profile = toggle_step(fake_profile(), "discovery")
    text = render_checklist(profile)
    assert "4. [x] Check Authelia's discovery document" in text
    assert "1. [ ] " in text
    assert "1 of 7 steps done" in text
    assert toggle_step(profile, "discovery").checklist == ()


def test_set_step_refuses_an_unknown_id_and_lists_the_valid_ones():
    profile = set_step(fake_profile(), "login", True)
    assert profile.checklist == ("login",)
    assert set_step(profile, "login", True).checklist == ("login",)
    assert set_step(profile, "login", False).checklist == ()
    with pytest.raises(UnknownStep, match="use one of authelia-provider, .*, login"):
        set_step(profile, "troubleshoot", True)


def test_every_python_dotenv_use_in_the_tests_turns_interpolation_off():
    from pathlib import Path

    for source in Path(__file__).parent.glob("*.py"):
        for line in source.read_text().splitlines():
            if "dotenv_values(" in line and "import" not in line and "its default" not in line:
                assert "interpolate=False" in line, (source.name, line)
