"""The app's diff before "apply to file" is the core's masked diff: the same rule hides
secrets in unchanged context lines, URLs and multi-line values there too."""

from __future__ import annotations

from conftest import home_profile

from tests.test_app_check import SIZE, open_diff
from tests.userfiles_helpers import ENV
from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.files import DiffDialog

# Context lines right before a line apply changes (DOMAIN_SERVER gets the profile's URL).
AROUND = ("MONGO_URI=mongodb://librechat:Mongo-pw-app@mongo:27017/LibreChat\n"
          "LDAP_BIND_CREDENTIALS=Ldap-cred-app\n")


async def test_the_diff_dialog_masks_context_lines(store, tmp_path):
    env = tmp_path / ".env"
    text = ENV.read_text()
    start = text.index("DOMAIN_SERVER=")
    env.write_text(text[:start] + AROUND + text[start:])
    store.save("home", home_profile(env_path=str(env)), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_diff(pilot)
        assert isinstance(app.screen, DiffDialog)
        diff = str(app.screen.query_one("#diff-text").render())
        assert "+DOMAIN_SERVER='https://chat.home.arpa'" in diff
        assert " MONGO_URI=mongodb://librechat:********@mongo:27017/LibreChat" in diff
        assert " LDAP_BIND_CREDENTIALS=********" in diff
        assert "Mongo-pw-app" not in diff and "Ldap-cred-app" not in diff


async def test_a_long_line_wraps_with_its_marker_on_every_part(store, tmp_path):
    env = tmp_path / ".env"
    env.write_text(ENV.read_text())
    label = "Log in with the family's own Authelia " + "q" * 150
    store.save("home", home_profile(env_path=str(env), button_label=label), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_diff(pilot)
        assert isinstance(app.screen, DiffDialog)
        view = app.screen.query_one("#diff-text")
        width = view.content_region.width
        lines = str(view.render()).splitlines()
        assert max(len(line) for line in lines) <= width
        parts = [line for line in lines if "qqqqq" in line]
        assert len(parts) > 1  # the added label is wrapped...
        assert all(line.startswith("+") for line in parts), parts  # ...each part marked added


async def test_a_masked_multi_line_key_is_one_line_in_the_dialog(store, tmp_path):
    from conftest import fake_provider_profile

    from tests.test_userfiles_audit import CASES

    config = tmp_path / "configuration.yml"
    config.write_text(CASES["jwks-missing"][0]["config"])
    profile = fake_provider_profile(authelia_config_paths=[str(config)],
                                    app_url="https://chat.home.arpa",
                                    auth_url="https://auth.home.arpa")
    store.save("home", profile, overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_diff(pilot, "f4")
        assert isinstance(app.screen, DiffDialog)
        diff = str(app.screen.query_one("#diff-text").render())
        lines = len(profile.signing_key.strip().splitlines())
        assert f"+        key: ({lines} lines, masked)" in diff
        assert "PRIVATE KEY" not in diff
        assert not any(line in diff for line in profile.signing_key.splitlines()[1:-1])
