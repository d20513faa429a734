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
