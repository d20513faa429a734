"""Importing the files the Check pane audits into a new profile, from the app: i on Check
or the palette, the same profile and notes as `librechat-authelia import`, nothing
overwritten without a yes."""

from __future__ import annotations

import pytest
from conftest import home_profile, main_screen, palette_shows, settle, wait_until
from textual.widgets import Button, Input, Static
from textual.widgets._toast import ToastRack

from tests.test_userfiles_audit import env_with
from tests.userfiles_helpers import CONFIG
from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.confirm import ConfirmDialog, NameDialog, UnsavedDialog
from tui.app.dialogs.imported import ImportedDialog
from tui.cli import main as cli

SIZE = (80, 24)
# A scope that is not Authelia's, written with markup and a control character: its note
# must show them as written, never styled, never raw.
ODD_SCOPE = '"openid profile [b]made-up\x1b[2J"'


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    config, env = folder / "configuration.yml", folder / ".env"
    config.write_text(CONFIG.read_text())
    env.write_text(env_with(("OPENID_SCOPE", ODD_SCOPE)))
    return config, env


@pytest.fixture
def checked_store(store, files):
    config, env = files
    store.save("home", home_profile(authelia_config_paths=[str(config)], env_path=str(env)),
               overwrite=True)
    return store


def dialog_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def top(pilot, kind):
    return await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind) and pilot.app.screen,
                            f"a {kind.__name__}")


async def press_import(pilot) -> None:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    await pilot.press("i")


async def name_it(pilot, name: str | None = None) -> None:
    """Answer the name dialog: the suggestion (None), or `name` typed over it."""
    await top(pilot, NameDialog)
    if name is not None:
        pilot.app.screen.query_one("#name", Input).value = name
    await pilot.press("enter")


def cli_import(name, config, env, capsys) -> list[str]:
    capsys.readouterr()
    assert cli(["import", name, "--authelia-config", str(config), "--env", str(env)]) == 0
    return capsys.readouterr().err.splitlines()


async def test_i_on_check_imports_as_the_cli_does_and_opens_the_new_profile(
        checked_store, files, capsys):
    config, env = files
    cli_lines = cli_import("by-cli", config, env, capsys)
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await press_import(pilot)
        await top(pilot, NameDialog)
        assert app.screen.query_one("#name", Input).value == "imported"
        await name_it(pilot)
        dialog = await top(pilot, ImportedDialog)
        notes = str(dialog.query_one("#import-notes-text").render()).splitlines()
        # The CLI's lines, word for word (the paths in them are the same files; the
        # commands name each its own profile).
        assert notes == [line.replace("--profile by-cli ", "--profile imported ")
                         for line in cli_lines if line.startswith(("not carried over: ",
                                                                   "note: "))]
        assert any(line.startswith("note: ") for line in notes), notes
        assert any("--profile imported " in line for line in notes), notes
        assert any("[b]made-up\\x1b[2J" in note for note in notes), notes
        assert "imported" in dialog_text(app)
        await pilot.press("enter")  # OK
        await settle(pilot)
        assert app.screen is main_screen(app)
        assert app.profile_name == "imported" and not app.dirty
        assert "imported" in app.sub_title
    # The same profile as the CLI's, the files remembered as absolute paths.
    assert checked_store.load("imported") == checked_store.load("by-cli")
    assert checked_store.load("imported").authelia_config_paths == (str(config.resolve()),)
    assert checked_store.last_used() == "imported"
    assert checked_store.load("home") == home_profile(authelia_config_paths=[str(config)],
                                                       env_path=str(env))


async def test_the_palette_offers_the_import_and_runs_it(checked_store):
    from tui.app.commands import AppCommands

    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = {name: keys for name, keys, _ in AppCommands(app.screen)._commands()}
        assert commands["Import the checked files into a new profile "
                        "(librechat-authelia import)"] == "i on Check"
        await pilot.press("ctrl+p")
        await pilot.press(*"import the checked")
        await palette_shows(pilot, "Import the checked files")
        await pilot.press("enter")
        await name_it(pilot, "from-palette")
        await top(pilot, ImportedDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.profile_name == "from-palette"


async def test_a_name_in_use_is_replaced_only_after_a_yes(checked_store, files):
    config, env = files
    checked_store.save("taken", home_profile(client_name="keep me"))
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await press_import(pilot)
        await name_it(pilot, "taken")
        await top(pilot, ConfirmDialog)
        assert "taken already exists" in dialog_text(app)
        assert app.focused is app.screen.query_one("#cancel", Button)  # Enter keeps it
        await pilot.press("enter")
        await top(pilot, NameDialog)  # back to the name
        assert app.screen.query_one("#name", Input).value == "taken"
        assert checked_store.load("taken").client_name == "keep me"
        await pilot.press("escape")  # no name: nothing imported
        await settle(pilot)
        assert app.profile_name == "home"
        assert sorted(checked_store.names()) == ["home", "taken"]
        assert checked_store.load("taken").client_name == "keep me"
        # Again, and this time yes.
        await pilot.press("i")
        await name_it(pilot, "taken")
        await top(pilot, ConfirmDialog)
        await pilot.press("y")
        await top(pilot, ImportedDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile_name == "taken"
        assert checked_store.load("taken").env_path == str(env.resolve())


async def test_unsaved_changes_are_settled_before_the_switch(checked_store, files):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        main_screen(app).update_profile(client_name="typed, not saved")
        await press_import(pilot)
        await name_it(pilot, "new-one")
        await top(pilot, UnsavedDialog)
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert app.profile_name == "home" and app.profile.client_name == "typed, not saved"
        assert "new-one" not in checked_store.names()
        await pilot.press("i")
        await name_it(pilot, "new-one")
        await top(pilot, UnsavedDialog)
        await pilot.press("enter")  # Save (focused)
        dialog = await top(pilot, ImportedDialog)
        # The save's toast does not hide OK (toasts go to the top when they would).
        toasts = dialog.query_one(ToastRack)
        await wait_until(pilot, lambda: [t for t in toasts.query("Toast") if t.region.height],
                         "the save's toast")
        await pilot.pause()
        ok = dialog.query_one("#ok").region
        assert not any(t.region.overlaps(ok) for t in toasts.query("Toast"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile_name == "new-one"
    assert checked_store.load("home").client_name == "typed, not saved"


async def test_without_files_i_says_how_to_name_them(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await press_import(pilot)
        await settle(pilot)
        assert app.screen is main_screen(app)
        assert any("No files to import yet" in str(n.message) for n in app._notifications)
    assert store.names() == ["home"]


async def test_a_file_that_cannot_be_read_is_one_line_and_nothing_is_asked(checked_store, files):
    config, env = files
    env.unlink()
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=SIZE) as pilot:
        await press_import(pilot)
        await settle(pilot)
        await wait_until(pilot, lambda: any(n.title == "Cannot import"
                                            for n in app._notifications), "the refusal")
        (refusal,) = [n for n in app._notifications if n.title == "Cannot import"]
        assert ".env" in refusal.message and "\n" not in refusal.message
        assert app.screen is main_screen(app)
    assert checked_store.names() == ["home"]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_key_is_in_the_footer_and_every_dialog_fits(checked_store, size):
    app = LibreChatAutheliaApp(checked_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert ("i", "Import") in [(key.key, key.description) for key in app.query("FooterKey")]
        await pilot.press("i")
        await top(pilot, NameDialog)
        screen_region = app.screen.region
        for widget in ("#name", "#ok", "#cancel"):
            assert screen_region.contains_region(app.screen.query_one(widget).region), widget
        await pilot.press("enter")
        dialog = await top(pilot, ImportedDialog)
        await pilot.pause()
        assert screen_region.contains_region(dialog.query_one("#ok").region)
        assert dialog.query_one("#import-notes").region.height >= 3
        await pilot.press("down", "pagedown", "enter")
        await settle(pilot)
        assert app.profile_name == "imported"


async def test_the_secrets_pane_shows_all_of_why_the_digest_is_managed_outside(store):
    """An imported profile whose digest stays in Authelia's template: the Secrets pane's
    explanation wraps onto as many lines as it needs at 80x24, the last words included."""
    store.save("home", home_profile(
        client_secret_digest="",
        digest_template='{{ secret "/config/secrets/librechat_client_digest" }}'),
        overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        status = app.query_one("#digest-status", Static)
        assert "makes the profile hold one" in str(status.render())
        width = status.content_size.width
        needed = status.get_content_height(status.size, app.size, width)
        row = app.query_one("#digest-status-row")  # what clips it
        assert needed > 1 and status.content_size.height >= needed
        assert row.region.contains_region(status.region)


async def test_a_new_client_secret_says_the_digest_outside_must_be_made_again(store):
    """The digest stays in Authelia's template: a new client secret leaves it stale, and
    the app says so, as `set --new client-secret` does, instead of a plain 'generated'."""
    template = '{{ secret "/config/secrets/librechat_client_digest" }}'
    store.save("home", home_profile(client_secret_digest="", digest_template=template),
               overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.click("#regenerate-client_secret")
        await settle(pilot)
        (note,) = [n for n in app._notifications if "client secret" in str(n.message)]
        assert note.severity == "warning"
        assert template in str(note.message) and "make it again" in str(note.message)
        assert "librechat-authelia hash --profile home" in str(note.message)
        assert main_screen(app).session.profile.digest_template == template
