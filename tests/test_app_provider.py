"""Issue 9 in the app: the provider section, admins, consent and the LibreChat container."""

from __future__ import annotations

import pytest
from conftest import FAKE_HMAC_SECRET, home_profile, main_screen, session_signing_key, settle
from textual.widgets import Input, Select

from tui.app.app import LibreChatAutheliaApp
from tui.core import keys
from tui.core.store import ProfileStore

SIZE = (100, 30)


@pytest.fixture
def quick_keys(monkeypatch):
    """Keys come from the session's one real key (generating RSA keys is slow); the sizes
    asked for are recorded."""
    asked = []
    pem, key_id = session_signing_key()

    def new_signing_key(bits=2048):
        asked.append(bits)
        return pem, key_id

    monkeypatch.setattr(keys, "new_signing_key", new_signing_key)
    return asked


def screen_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static, Label, Input"))


async def test_a_new_profile_gets_its_key_in_the_background(_isolated_config, fixed_timing,
                                                           no_system_clipboard, quick_keys):
    app = LibreChatAutheliaApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        profile = app.profile
        assert profile.provider == "new" and quick_keys == [2048]
        assert profile.signing_key.startswith("-----BEGIN") and len(profile.hmac_secret) == 64
        await pilot.press("f4")
        await settle(pilot)
        block = app.query_one("#pane-authelia TextArea").text
        assert "hmac_secret:" in block and "jwks:" in block
        await pilot.press("f3")
        await settle(pilot)
        assert profile.signing_key_id in str(app.query_one("#key-summary").render())
        assert "BEGIN" not in screen_text(app) and profile.hmac_secret not in screen_text(app)
    stored = ProfileStore().load("default")
    assert stored.signing_key == profile.signing_key  # saved once digest and key were made


async def test_another_key_size_makes_a_new_key(store, quick_keys):
    store.save("home", home_profile(provider="new", hmac_secret=FAKE_HMAC_SECRET,
                                    signing_key=session_signing_key()[0],
                                    signing_key_id=session_signing_key()[1]))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#input-key_bits", Select).value = 3072
        await settle(pilot)
        assert app.profile.key_bits == 3072 and quick_keys == [3072]


async def test_consent_says_what_it_means_and_asks_a_duration_only_when_needed(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query_one("#field-consent_duration").display
        app.query_one("#input-consent", Select).value = "implicit"
        await settle(pilot)
        assert "Never a consent screen" in str(app.query_one("#consent-explain").render())
        app.query_one("#input-consent", Select).value = "pre-configured"
        await settle(pilot)
        assert app.query_one("#field-consent_duration").display
        app.query_one("#input-consent_duration", Input).value = "a fortnight"
        await settle(pilot)
        assert "✗" in str(app.query_one("#findings-consent_duration").render())


async def test_an_admin_group_with_an_old_librechat_is_refused_on_its_field(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#input-librechat_version", Input).value = "0.7.9"
        app.query_one("#input-admin_group", Input).value = "admins"
        await settle(pilot)
        assert "✗" in str(app.query_one("#findings-admin_group").render())


async def test_hairpin_and_ca_file_reach_the_compose_form(store, tmp_path):
    import trustme

    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#input-hairpin").value = True
        app.query_one("#input-ca_file", Input).value = str(ca_file)
        await settle(pilot)
        assert app.profile.hairpin and app.profile.ca_file == str(ca_file)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        compose = app.query_one("#pane-env TextArea").text
        assert "auth.home.arpa:host-gateway" in compose
        assert "NODE_EXTRA_CA_CERTS" in compose
        await pilot.press("f")
        await settle(pilot)
        assert "NODE_EXTRA_CA_CERTS" not in app.query_one("#pane-env TextArea").text


async def test_quitting_while_a_key_is_made_does_not_wait(store, monkeypatch):
    import threading

    release = threading.Event()

    def slow_key(bits=2048):
        release.wait(30)
        return session_signing_key()

    monkeypatch.setattr(keys, "new_signing_key", slow_key)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).regenerate("signing_key")
        await pilot.pause()
        assert main_screen(app).keys.generating
        await pilot.press("ctrl+q")
        await pilot.pause()
    release.set()
    assert app.return_code == 0


async def test_the_key_is_hidden_on_screen_but_copied_in_full(store):
    from tui.core.authelia import render_client_block
    from tui.core.provider import render_provider

    pem, key_id = session_signing_key()
    profile = home_profile(provider="new", hmac_secret=FAKE_HMAC_SECRET, signing_key=pem,
                           signing_key_id=key_id)
    store.save("home", profile)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        shown = app.query_one("#pane-authelia TextArea").text
        body = pem.splitlines()[1]
        assert "jwks:" in shown and "lines, masked" in shown and body not in shown
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == render_client_block(profile)
        await pilot.press("f", "f")  # entry only, then provider only
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == render_provider(profile)


async def test_provider_only_for_an_existing_provider_says_why(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "f", "f")
        await settle(pilot)
        message = str(app.query_one("#pane-authelia .snippet-problem").render())
        assert "provider: existing" in message
        assert app.query_one("#pane-authelia").text is None


async def test_a_broken_key_is_found_in_the_background(store):
    store.save("home", home_profile(provider="new", hmac_secret=FAKE_HMAC_SECRET,
                                    signing_key=session_signing_key()[0].replace("A", "B", 40),
                                    signing_key_id="rsa2048-0000000000000000"))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any(f.field == "signing_key" and f.severity == "error"
                   for f in main_screen(app).state.findings)
        await pilot.press("f4")
        await settle(pilot)
        assert "errors" in str(app.query_one("#pane-authelia .snippet-problem").render())
