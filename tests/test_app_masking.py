"""Secrets are masked on every pane, and the one ctrl+t shows them on every pane; what the
user copies, writes or applies is the real text all the same."""

from __future__ import annotations

import pytest
from conftest import (
    FAKE_CLIENT_SECRET,
    FAKE_DIGEST,
    FAKE_HMAC_SECRET,
    FAKE_SESSION_SECRET,
    HOME_URLS,
    fake_provider_profile,
    settle,
)
from textual.widgets import Input, TextArea

from tui.app.app import LibreChatAutheliaApp
from tui.app.panes.snippets import masked
from tui.core.authelia import render_client_block, render_client_entry
from tui.core.librechat import render_compose, render_env
from tui.core.provider import render_provider

SIZE = (100, 32)
SECRETS = (FAKE_CLIENT_SECRET, FAKE_SESSION_SECRET, FAKE_HMAC_SECRET)


def provider_profile():
    return fake_provider_profile(**HOME_URLS)


def key_lines(profile) -> list[str]:
    return [line for line in profile.signing_key.splitlines()
            if line and not line.startswith("-----")]


@pytest.fixture
def provider_store(store):
    store.save("home", provider_profile(), overwrite=True)
    return store


def snippet_text(app, pane: str) -> str:
    return app.query_one(f"#pane-{pane} TextArea", TextArea).text


def assert_masked(text: str, profile, render=None) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert not any(line in text for line in key_lines(profile))
    if render is None or any(secret in render(profile) for secret in SECRETS):
        assert "********" in text


FORMS = [  # pane key, times f is pressed, renderer
    ("f4", 0, lambda p: render_client_block(p, digest_verified=True)),
    ("f4", 1, lambda p: render_client_entry(p, digest_verified=True)),
    ("f4", 2, render_provider),
    ("f5", 0, render_env),
    ("f5", 1, render_compose),
]


@pytest.mark.parametrize("key, forms, render", FORMS,
                         ids=["block", "entry", "provider", "env", "compose"])
async def test_every_snippet_masks_every_secret_until_ctrl_t(provider_store, key, forms,
                                                            render):
    profile = provider_profile()
    pane = "authelia" if key == "f4" else "env"
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key, *["f"] * forms)
        await settle(pilot)
        text = snippet_text(app, pane)
        assert_masked(text, profile, render)
        assert text == masked(render(profile), profile)
        if pane == "authelia" and forms < 2:
            assert FAKE_DIGEST in text  # not a secret (docs/threat-model.md): shown
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert snippet_text(app, pane) == render(profile)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert snippet_text(app, pane) == masked(render(profile), profile)


async def test_one_ctrl_t_reveals_on_every_pane_and_one_hides(provider_store):
    profile = provider_profile()
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert "ctrl+t shows the secrets" in str(app.query_one("#pane-env .form-switch").render())
        await pilot.press("ctrl+t")  # revealed on the env pane
        await settle(pilot)
        assert "ctrl+t hides the secrets" in str(app.query_one("#pane-env .form-switch").render())
        await pilot.press("f3")
        await settle(pilot)
        for name in ("client_secret", "session_secret", "hmac_secret"):
            assert not app.query_one(f"#input-{name}", Input).password, name
        await pilot.press("f4")
        await settle(pilot)
        assert FAKE_HMAC_SECRET in snippet_text(app, "authelia")
        await pilot.press("f3", "ctrl+t")  # hidden again on the Secrets pane
        await settle(pilot)
        assert app.query_one("#input-client_secret", Input).password
        await pilot.press("f5")
        await settle(pilot)
        assert_masked(snippet_text(app, "env"), profile)


async def test_copy_gives_the_real_text_while_the_screen_masks_it(provider_store):
    profile = provider_profile()
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, forms, render in FORMS:
            await pilot.press(key, *["f"] * forms)
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert app.clipboard == render(profile)
            assert_masked(snippet_text(app, "authelia" if key == "f4" else "env"), profile,
                          render)
            for _ in range(3 - forms if key == "f4" else 2 - forms):  # back to the first
                await pilot.press("f")


async def test_write_and_apply_give_the_real_values(provider_store, tmp_path):
    profile = provider_profile()
    written, applied = tmp_path / "written.env", tmp_path / "applied.env"
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "w")
        await settle(pilot)
        app.screen.query_one(Input).value = str(written)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(applied)
        await pilot.press("enter")
        await settle(pilot)
        diff = str(app.screen.query_one("#diff-text").render())
        assert FAKE_CLIENT_SECRET not in diff
        await pilot.press("left", "enter")  # Apply
        await settle(pilot)
        assert_masked(snippet_text(app, "env"), profile)
    assert written.read_text() == render_env(profile)
    text = applied.read_text()
    assert FAKE_CLIENT_SECRET in text and FAKE_SESSION_SECRET in text


def test_masking_hides_a_secret_in_any_form_the_snippet_writes_it():
    """Quoted with '' (YAML) or $$ (Compose), or as the value of its line whatever it is."""
    profile = fake_provider_profile(client_secret="it's-a-$ecret-" + "c" * 40,
                                    session_secret="short")
    text = ("OPENID_CLIENT_SECRET=\"it's-a-$ecret-" + "c" * 40 + "\"\n"
            "      OPENID_CLIENT_SECRET: 'it''s-a-$$ecret-" + "c" * 40 + "'\n"
            "OPENID_SESSION_SECRET='short'\nDOMAIN_CLIENT='https://shortcut.example'\n"
            "note: it''s-a-$$ecret-" + "c" * 40 + "\n")
    shown = masked(text, profile)
    assert "ecret-" not in shown and "'short'" not in shown
    assert "https://shortcut.example" in shown  # a short secret is not hidden inside words
    assert shown.count("********") == 4
