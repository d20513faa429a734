"""The app's "apply to file" on a configuration whose client already serves this LibreChat:
the client is updated, and the profile on screen takes its client_id (unsaved, like any
edit), so the .env applied next keeps it."""

from __future__ import annotations

from conftest import FAKE_CLIENT_ID, home_profile, main_screen, settle

from tests.corpus_helpers import CORPUS
from tests.test_app_check import SIZE, open_diff
from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.files import DiffDialog
from tui.userfiles.yamldoc import YamlDoc, plain

FRESH_ID = "fresh-client-id-" + "f" * 56


def home_config(tmp_path, store, edit=lambda text: text):
    """The homelab file at home_profile's URLs (edited by `edit`), and a fresh profile
    (another client_id) that remembers it; its path."""
    config = tmp_path / "configuration.yml"
    config.write_text(edit((CORPUS / "homelab-anchors.yml").read_text().replace(
        "home.example.net", "home.arpa")))
    store.save("home", home_profile(client_id=FRESH_ID,
                                    authelia_config_paths=[str(config)]), overwrite=True)
    return config


async def diff_text(pilot) -> str:
    """Apply to the Authelia configuration, up to its diff dialog: the dialog's text."""
    await open_diff(pilot, "f4")
    assert isinstance(pilot.app.screen, DiffDialog)
    return " ".join(str(s.render()) for s in pilot.app.screen.query("Static"))


async def test_apply_adopts_the_client_and_the_profile_follows(store, tmp_path):
    config = home_config(tmp_path, store)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        assert "already serves this LibreChat" in await diff_text(pilot)
        await pilot.press("left", "enter")  # Apply
        await settle(pilot)
        clients = plain(YamlDoc(config.read_text()).node(("identity_providers", "oidc",
                                                          "clients")))
        assert [c["client_id"] for c in clients].count(FAKE_CLIENT_ID) == 1
        assert FRESH_ID not in config.read_text()
        assert main_screen(app).session.profile.client_id == FAKE_CLIENT_ID


async def test_the_diffs_notes_name_the_open_profile_in_their_commands(store, tmp_path):
    """A client whose digest comes from a template, and no .env with its secret: the note
    says to make the digest again with `hash --profile home`, runnable as shown."""
    def templated(text: str) -> str:
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if FAKE_CLIENT_ID in line)
        secret = next(i for i in range(at, len(lines)) if "client_secret:" in lines[i])
        indent = lines[secret][:len(lines[secret]) - len(lines[secret].lstrip())]
        lines[secret] = f"{indent}client_secret: '{{{{ secret \"/secrets/digest\" }}}}'\n"
        return "".join(lines)

    home_config(tmp_path, store, templated)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        shown = await diff_text(pilot)
        assert "librechat-authelia hash --profile home" in shown, shown
        assert "--profile NAME" not in shown
