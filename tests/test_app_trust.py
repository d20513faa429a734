"""Issue 7: the app never shows one value and holds another, and no key lands out of sight.

Each test replays a sequence a new user ran in tmux and found broken.
"""

from __future__ import annotations

import pytest
from conftest import home_profile, main_screen, palette_shows, settle, wait_until
from textual.widgets import Button, Checkbox, Input

from tui.app.app import LibreChatAutheliaApp
from tui.app.dialogs.confirm import ConfirmDialog, UnsavedDialog
from tui.app.panes.assumptions import TEXT_FIELDS
from tui.app.panes.secrets import SECRET_FIELDS
from tui.core.findings import Finding
from tui.core.store import ProfileStore

SIZE = (100, 30)


def assert_pane_shows_the_profile(app) -> None:
    """Every text field of the pane on screen, focused or not, shows the profile's value."""
    pane = app.query_one(f"#pane-{main_screen(app).active_pane_id()}")
    for name in {*TEXT_FIELDS, *SECRET_FIELDS}:
        for field in pane.query(f"#input-{name}").results(Input):
            assert field.value == getattr(app.profile, name), name


async def assert_fields_show_the_profile(pilot) -> None:
    """The same on both panes with text fields, as the user sees them (ends on the first)."""
    assert_pane_shows_the_profile(pilot.app)
    for key in ("f3", "f2"):
        await pilot.press(key)
        await settle(pilot)
        assert_pane_shows_the_profile(pilot.app)


def visible(app, widget) -> bool:
    """On screen, not scrolled away: a one-line control whole, a list at least in part."""
    region = widget.region
    if isinstance(widget, (Input, Button, Checkbox)):
        return region.area > 0 and app.screen.region.contains_region(region)
    return region.area > 0 and app.screen.region.overlaps(region)


async def press_until_focused(pilot, selector: str, key: str = "tab", limit: int = 40) -> None:
    target = pilot.app.query_one(selector)
    for _ in range(limit):
        if pilot.app.focused is target:
            return
        await pilot.press(key)
    raise AssertionError(f"{selector} never got the focus with {key}")


# 1. What a field shows is what the profile holds -----------------------------------------

async def test_a_new_profile_replaces_the_focused_fields_value(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.query_one("#input-app_url")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(Input).value = "lab"
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile_name == "lab" and app.profile.app_url != home_profile().app_url
        await assert_fields_show_the_profile(pilot)
        await pilot.press("end", "x")
        await settle(pilot)
        assert app.profile.app_url.endswith("x")
        await assert_fields_show_the_profile(pilot)


async def test_deleting_the_open_profile_shows_the_next_one_in_every_field(store):
    store.save("work", home_profile(app_url="https://work.home.arpa", client_name="Work"))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.profile_name == "work"
        await assert_fields_show_the_profile(pilot)
        assert app.query_one("#input-app_url", Input).value == "https://work.home.arpa"


async def test_a_new_client_id_from_the_palette_shows_in_the_focused_field(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert app.focused is app.query_one("#pane-secrets #input-client_id")
        await pilot.press("ctrl+p", *"new client id")
        await palette_shows(pilot, "New client ID")
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile.client_id != home_profile().client_id
        await assert_fields_show_the_profile(pilot)


async def test_a_typed_url_is_shown_as_held_once_the_field_is_left(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.query_one("#input-app_url", Input)
        await pilot.press("end", "/", "/")
        await settle(pilot)
        assert field.value.endswith("//")  # while typing, what was typed
        await pilot.press("tab")
        await settle(pilot)
        assert field.value == app.profile.app_url == home_profile().app_url


# 2. Focus returns where it was, in sight ----------------------------------------------

async def test_a_pane_returns_to_its_field_scrolled_into_view(store):
    app = LibreChatAutheliaApp(store, )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_until_focused(pilot, "#input-button_label")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        label = app.query_one("#input-button_label", Input)
        assert app.focused is label and visible(app, label)
        await pilot.press("Z")
        await settle(pilot)
        assert app.profile.button_label.endswith("Z")
        assert app.profile.app_url == home_profile().app_url


async def test_the_secrets_pane_returns_to_its_field(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await press_until_focused(pilot, "#input-cost")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        cost = app.query_one("#input-cost", Input)
        assert app.focused is cost and visible(app, cost)
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert app.profile.client_id == home_profile().client_id


async def test_focus_never_sits_out_of_sight_after_a_pane_switch(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f3", "f2", "f4", "f5", "f6", "f7", "f2"):
            await pilot.press(key)
            await settle(pilot)
            assert visible(app, app.focused), key


# 3. Focus is obvious, a checkbox readable without colour -------------------------------

async def test_the_focused_field_is_marked_without_colour(store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        focused = app.query_one("#field-app_url")
        other = app.query_one("#field-auth_url")
        assert focused.styles.border_left[0] not in ("", "none", "hidden", "blank")
        assert other.styles.border_left[0] in ("", "none", "hidden", "blank")
        await pilot.press("tab")
        await settle(pilot)
        assert other.styles.border_left[0] not in ("", "none", "hidden", "blank")


async def test_a_checkbox_shows_its_state_in_its_text(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        on = app.query_one("#scope-openid", Checkbox)
        off = app.query_one("#scope-groups", Checkbox)
        assert on.value and not off.value
        assert str(on.render()).replace("openid", "") != str(off.render()).replace("groups", "")


# 5. A typed cost is applied after a pause, and said to be pending until then -------------

async def test_a_typed_cost_is_applied_after_a_pause(store, monkeypatch):
    from tui.app.panes import secrets

    monkeypatch.setattr(secrets, "COST_DELAY", 60)  # the pause is ended by the test
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        cost = app.query_one("#input-cost", Input)
        cost.focus()
        await pilot.pause()
        await pilot.press("ctrl+u", *"2000")
        await pilot.pause()
        assert "not applied yet" in str(app.query_one("#findings-digest_cost").render())
        assert app.profile == home_profile()  # not before the pause
        app.query_one("#pane-secrets")._apply_cost()  # what the pause's timer calls
        await settle(pilot)
        assert app.profile.client_secret_digest.startswith("$pbkdf2-sha512$2000$")
        assert "not applied" not in str(app.query_one("#findings-digest_cost").render())


async def test_a_bad_cost_counts_in_the_summary(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        app.query_one("#input-cost", Input).focus()
        await pilot.press("ctrl+u", "1", "2")
        await settle(pilot)  # the pause after typing, then the check of the cost
        assert "✗" in str(app.query_one("#findings-digest_cost").render())
        summary = str(app.query_one("#summary").render())
        assert "1 error" in summary and "No problems" not in summary
        assert app.profile == home_profile()
        # The one Finding type, with a code of its own and the field it is about.
        (problem,) = main_screen(app).field_problems["digest_cost"]
        assert isinstance(problem, Finding)
        assert (problem.code, problem.severity, problem.field) == (
            "digest-cost-invalid", "error", "digest_cost")


def test_a_digest_the_library_cannot_check_is_a_finding_with_a_code(monkeypatch):
    from tui.app import digests

    def refuse(profile):
        raise ValueError("secret too long")

    monkeypatch.setattr(digests, "verify_digest_findings", refuse)
    (finding,), _ = digests.measure_verification(home_profile())
    assert isinstance(finding, Finding)
    assert (finding.code, finding.severity, finding.field) == (
        "digest-unreadable", "error", "client_secret_digest")
    assert "(ValueError): fix the secret" in finding.message


async def test_a_slow_verification_gets_a_warning_mark(store, monkeypatch):
    from tui.app import digests
    from tui.core.checks import verify_digest_findings

    monkeypatch.setattr(digests, "measure_verification",
                        lambda p: (verify_digest_findings(p), 0.9))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        timing = app.query_one("#verify-time")
        assert str(timing.render()).startswith("!") and timing.has_class("-warning")


# 7. --profile NAME for a profile that does not exist asks first ------------------------

async def test_a_missing_profile_asks_and_writes_nothing(store):
    from tui.app.dialogs.confirm import MissingProfileDialog

    app = LibreChatAutheliaApp(store, "nosuch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MissingProfileDialog)
        assert not store.exists("nosuch")
        await pilot.press("escape")  # choose another: the profiles dialog
        await pilot.pause()
    assert ProfileStore().names() == ["home"]


async def test_a_missing_profile_can_be_created(store):
    app = LibreChatAutheliaApp(store, "nosuch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#create")
        await settle(pilot)
        assert app.profile_name == "nosuch"
        await assert_fields_show_the_profile(pilot)
    assert "nosuch" in ProfileStore().names()


async def test_a_missing_profile_can_be_declined_by_quitting(store):
    app = LibreChatAutheliaApp(store, "nosuch")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#quit")
        await pilot.pause()
    assert not app.is_running and ProfileStore().names() == ["home"]


# 8. New secrets only when confirmed; revert to saved ----------------------------------

async def test_new_secrets_ask_first(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # a stray Enter keeps the secrets
        await settle(pilot)
        assert app.profile == home_profile()
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.profile.client_secret != home_profile().client_secret
        assert app.profile.session_secret != home_profile().session_secret
        await assert_fields_show_the_profile(pilot)


async def test_revert_to_saved(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", *"-edited")
        await settle(pilot)
        assert app.dirty
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not app.dirty and app.profile == home_profile()
        await assert_fields_show_the_profile(pilot)


# 10. Dialog buttons: arrows move, a stray Enter never destroys ----------------------------

async def test_arrows_move_between_dialog_buttons(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "x")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        seen = [app.focused.id]
        for key in ("right", "right", "left"):
            await pilot.press(key)
            seen.append(app.focused.id)
        assert seen == ["save", "discard", "cancel", "discard"]


async def test_a_stray_enter_never_picks_the_destructive_choice(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert isinstance(app.focused, Button) and app.focused.variant != "error"
        await pilot.press("enter")
        await settle(pilot)
    assert ProfileStore().names() == ["home"]


# 12. Small terminals ---------------------------------------------------------------------

@pytest.mark.parametrize("width", [60, 70, 80])
async def test_the_pane_bar_fits_and_names_every_key(store, width):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        text = str(app.query_one("#pane-bar").render()).rstrip()
        assert len(text) <= width
        for key in ("f2", "f3", "f4", "f5", "f6", "f7"):
            assert key in text.lower()


@pytest.mark.parametrize("keys", [("ctrl+o",), ("ctrl+o", "d"), ("end", "x", "ctrl+q")])
async def test_every_dialog_button_is_reachable_at_60x20(store, keys):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        buttons = list(app.screen.query(Button))
        assert buttons
        for button in buttons:
            assert visible(app, button), button.id


async def test_a_toast_keeps_a_path_whole_at_80x24(monkeypatch, fixed_timing):
    import tempfile

    from textual.geometry import Region

    # As long as a user's own: /home/alice/.config/librechat-authelia/profiles/home.yaml
    short = tempfile.mkdtemp(prefix="c", dir="/tmp")
    monkeypatch.setenv("XDG_CONFIG_HOME", short)
    store = ProfileStore()
    store.save("home", home_profile())
    app = LibreChatAutheliaApp(store, "home")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        path = str(store.path("home"))
        assert len(path) < 60  # a path that fits a line of the toast
        toast = await wait_until(pilot, lambda: app.screen.query("Toast").last(None),
                                 "the toast")

        def lines() -> list[str]:
            strips = toast.render_lines(Region(0, 0, *toast.region.size))
            return [strip.text for strip in strips]

        await wait_until(pilot, lambda: toast.region.area and any(path in line
                                                                   for line in lines()),
                         f"the toast to show the path: {lines()}")


# 13. Consistency ------------------------------------------------------------------------

async def test_the_footer_says_hide_once_secrets_are_revealed(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)

        def footer_text() -> str:
            return " ".join(str(k.render()) for k in app.query("FooterKey"))

        assert "Reveal" in footer_text() and "Hide" not in footer_text()
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "Hide" in footer_text() and "Reveal" not in footer_text()


async def test_one_name_per_action_in_the_palette(store):
    from textual.command import CommandPalette

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await palette_shows(pilot, "")
        await settle(pilot)  # every command is listed
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        names = [str(option.prompt).split("\n")[0].lower()
                 for option in palette.query_one("CommandList").options]
        assert sum("quit" in n for n in names) == 1
        assert sum(n.startswith(("keys", "show keys", "help")) for n in names) == 1


async def test_keys_are_written_one_way_everywhere(store):
    from tui.app.commands import AppCommands

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.key_rows()
        keys = " ".join(row[1] for row in rows)
        assert "^" not in keys and "ctrl+s" in keys and "f2" in keys
        helps = " ".join(help_text for _, help_text, _ in AppCommands(app.screen)._commands())
        assert "F2" not in helps and "f2" in helps
        footer = " ".join(str(k.render()) for k in app.query("FooterKey"))
        assert "^" not in footer and "ctrl+s" in footer


async def test_the_clipboard_toast_title_agrees_with_its_text(store, monkeypatch):
    seen = []
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify",
                            lambda message, title="", **kw: seen.append((title, message)))
        await pilot.press("f5", "c")
        await settle(pilot)
        title, message = seen[-1]
        assert "copied" not in title.lower() and "sent" in title.lower()
        assert message.startswith("Sent")


async def test_regenerated_values_are_named_client_id(store, monkeypatch):
    seen = []
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        main_screen(app).regenerate("client_id")
        assert "client ID" in seen[-1]


async def test_long_values_can_be_seen_whole(store):
    from tui.app.dialogs.values import ValuesDialog

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, ValuesDialog)
        text = "".join(str(w.render()).replace("\n", "") for w in app.screen.query(".value"))
        assert home_profile().client_secret_digest in text
        assert home_profile().client_id in text


# 9. Writing to a file: problems stay in the dialog; Replace, Append or Cancel ------------

async def open_write_dialog(pilot, path: str):
    from tui.app.dialogs.write import WriteDialog

    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, WriteDialog)
    pilot.app.screen.query_one("#path", Input).value = path
    await pilot.press("enter")
    await pilot.pause()


def dialog_problem(app) -> str:
    return str(app.screen.query_one(".dialog-problem").render())


async def test_a_missing_folder_is_said_in_the_dialog(store, tmp_path):
    from tui.app.dialogs.write import WriteDialog

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_write_dialog(pilot, str(tmp_path / "nosuch" / "x.env"))
        assert isinstance(app.screen, WriteDialog)  # still open: the path can be fixed
        assert "does not exist" in dialog_problem(app)
        app.screen.query_one("#path", Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert "no file name" in dialog_problem(app)
        app.screen.query_one("#path", Input).value = "~nosuchuser/x.env"
        await pilot.press("enter")
        await pilot.pause()
        assert "nosuchuser" in dialog_problem(app)
        assert isinstance(app.screen, WriteDialog)


async def test_a_folder_gets_the_default_name_and_the_toast_the_full_path(store, tmp_path,
                                                                        monkeypatch):
    seen = []
    monkeypatch.setenv("HOME", str(tmp_path))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await open_write_dialog(pilot, "~")
        await settle(pilot)
        written = tmp_path / "librechat-openid.env"
        assert written.is_file()
        assert str(written) in seen[-1]
        await open_write_dialog(pilot, "$HOME/b.env")
        await settle(pilot)
        assert (tmp_path / "b.env").is_file()


async def test_an_existing_file_offers_replace_append_cancel(store, tmp_path):
    from tui.core.librechat import render_env

    target = tmp_path / ".env"
    target.write_text("KEEP=1")  # no final newline
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_write_dialog(pilot, str(target))
        assert app.focused.id == "cancel-exists"
        await pilot.press("enter")  # a stray Enter cancels
        await pilot.pause()
        assert target.read_text() == "KEEP=1"
        await open_write_dialog(pilot, str(target))
        await pilot.click("#append")
        await settle(pilot)
        assert target.read_text() == "KEEP=1\n" + render_env(home_profile())
        await open_write_dialog(pilot, str(target))
        await pilot.click("#replace")
        await settle(pilot)
        assert target.read_text() == render_env(home_profile())


async def test_a_fifo_is_refused_in_the_dialog(store, tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_write_dialog(pilot, str(fifo))
        assert "not a regular file" in dialog_problem(app)
    assert fifo.exists() and not fifo.is_file()


# 11. The checklist: commands on lines of their own, copied with c; guidance is no step ----

async def test_c_copies_the_selected_steps_command(store):
    from tui.core.checklist import checklist_steps

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        steps = checklist_steps(app.profile)
        index = next(i for i, step in enumerate(steps) if step.command)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard == steps[index].command
        assert not app.clipboard.rstrip().endswith((" .", "."))
        ids = [item.id for item in app.query("StepItem")]
        assert "step-troubleshoot" not in ids
        assert "If login fails" not in " ".join(str(t.render()) for t in app.query(".step-title"))
        assert "invalid_client" in str(app.query_one("#troubleshooting").render())


# 4. Non-ASCII hosts are shown as written (IDNA), look-alikes warned about ---------------

async def test_a_non_ascii_host_is_shown_in_its_idna_form(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        field = app.query_one("#input-app_url", Input)
        field.value = "https://chät.home.lan"  # as pasted
        await settle(pilot)
        assert field.value == "https://chät.home.lan"  # while in the field: as typed
        await pilot.press("tab")
        await settle(pilot)
        assert app.profile.app_url == "https://xn--cht-rla.home.lan"
        assert field.value == app.profile.app_url


async def test_a_look_alike_host_is_warned_about(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#input-auth_url", Input).value = "https://аuth.home.arpa"  # Cyrillic а
        await settle(pilot)
        findings = str(app.query_one("#findings-auth_url").render())
        assert "!" in findings and "Cyrillic" in findings


# 6. The example URLs: warned about, and replaced by typing ------------------------------

async def test_an_example_url_is_warned_about_and_replaced_by_typing(_isolated_config,
                                                                     fixed_timing,
                                                                     no_system_clipboard):
    from conftest import fake_profile

    store = ProfileStore()
    store.save("home", fake_profile())  # still librechat.example.com / auth.example.com
    app = LibreChatAutheliaApp(store, "home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "example value" in str(app.query_one("#findings-app_url").render())
        assert "example value" in str(app.query_one("#summary").render())
        await pilot.press(*"https://chat.mine.lan")
        await settle(pilot)
        assert app.profile.app_url == "https://chat.mine.lan"
        await pilot.press("tab")  # to Authelia's URL, still the example
        await pilot.press(*"https://sso.mine.lan")
        await settle(pilot)
        assert app.profile.auth_url == "https://sso.mine.lan"
        assert "example" not in str(app.query_one("#summary").render())


# Issue 8 in the app: names too long, profiles others can read ---------------------------

async def test_a_name_too_long_is_said_in_the_dialog(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one(Input).value = "x" * 300
        await pilot.press("enter")
        await pilot.pause()
        assert "long" in str(app.screen.query_one(".dialog-problem").render())
    assert ProfileStore().names() == ["home"]


async def test_a_profile_others_can_read_is_warned_about(store, monkeypatch):
    import os

    os.chmod(store.path("home"), 0o644)
    seen = []
    app = LibreChatAutheliaApp(store)
    app.notify = lambda message, **kw: seen.append(message)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("chmod 600" in m for m in seen)


async def test_the_cost_range_shown_is_the_one_enforced(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        app.query_one("#input-digest_algorithm").value = "argon2id"
        await settle(pilot)
        assert app.profile.client_secret_digest.startswith("$argon2id$v=19$m=65536,")
        label = str(app.query_one("#field-digest_cost FieldLabel").render())
        low = int(label.split(": ")[1].split(" to ")[0])
        assert label.startswith("Memory (KiB): ") and low == 32  # 8 KiB x 4 lanes
        cost = app.query_one("#input-cost", Input)
        cost.focus()
        await pilot.press("end", "ctrl+u", "8", "enter")
        await settle(pilot)
        assert cost.value == "8"
        message = str(app.query_one("#findings-digest_cost").render())
        assert f"between {low} and" in message


# Found by a new user in tmux ------------------------------------------------------------

def test_every_stylesheet_parses():
    """A stylesheet a merge left unclosed stopped the app at start: parse them all here."""
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    from tui.resources import styles_dir

    variables = App().get_css_variables()
    for path in sorted(styles_dir().glob("*.tcss")):
        sheet = Stylesheet(variables=variables)
        sheet.read(path)
        sheet.parse()


async def test_no_screenshot_command_that_would_write_secrets(store):
    from textual.command import CommandPalette

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await palette_shows(pilot, "")
        await settle(pilot)  # every command is listed
        assert isinstance(app.screen, CommandPalette)
        names = [str(option.prompt).lower() for option in
                 app.screen.query_one("CommandList").options]
        assert not any("screenshot" in name for name in names)


async def test_the_highlighted_step_stays_in_sight(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        for _ in range(5):
            await pilot.press("down")
            await pilot.pause()
        await settle(pilot)
        item = app.query_one("#steps").highlighted_child
        assert visible(app, item.title)


async def test_the_pane_bar_names_every_pane_in_full_at_80_columns(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = str(app.query_one("#pane-bar").render())
        for title in ("Assumptions", "Secrets", "Authelia", "LibreChat", "Checklist", "Check"):
            assert text.count(title) >= (2 if title == "Check" else 1), title


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f5", "f6", "f7"])
async def test_tab_never_stops_on_a_pane_itself(store, key):
    from tui.app.panes.base import Pane

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        seen = set()
        # Back from the pane's first control (a stop on the pane would come just before
        # it), then forward again.
        for key in ["shift+tab"] * 4 + ["tab"] * 8:
            await pilot.press(key)
            assert app.focused is not None and not isinstance(app.focused, Pane), app.focused
            seen.add(app.focused)
        assert seen  # the test saw where Tab stops


async def test_nothing_to_copy_says_why(store, monkeypatch):
    seen = []
    store.save("home", home_profile(client_id="bad id"))
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("c")
        assert seen and "errors" in seen[-1]


async def test_appending_says_appended_and_names_the_file(store, tmp_path, monkeypatch):
    seen = []
    (tmp_path / "librechat-openid.env").write_text("KEEP=1\n")
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: seen.append(message))
        await open_write_dialog(pilot, str(tmp_path))  # a folder: the default name inside
        assert str(tmp_path / "librechat-openid.env") in dialog_problem(app)
        await pilot.click("#append")
        await settle(pilot)
        assert seen[-1].startswith("Appended to")


async def test_a_pane_shown_while_it_is_being_built_is_filled(store):
    """Found through a crash test that hung: a pane shown between its creation and its
    mounting stayed blank until the profile next changed."""
    from tui.app.panes.snippets import masked
    from tui.app.screens.main import MainScreen
    from tui.core.librechat import render_env

    class OnDemand(MainScreen):
        async def _mount_other_panes(self) -> None:
            self.panes_ready = True  # only what the test mounts

    class BuildOnDemand(LibreChatAutheliaApp):
        def get_default_screen(self):
            return OnDemand(self.session)

    app = BuildOnDemand(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = main_screen(app)
        main._mounted("env")  # started, not awaited: as the background mount does
        await main.action_show_pane("env")
        await settle(pilot)
        assert app.query_one("#pane-env TextArea").text == masked(render_env(app.profile),
                                                                  app.profile)


def send_burst(app, keys) -> None:
    """Queue every key at once, as a terminal delivers keys typed ahead of a busy app: none
    is handled before the next arrives (pilot.press waits for each)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:  # as pilot.press makes them
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_keys_typed_ahead_of_a_tab_land_where_they_were_typed(store):
    store.save("home", home_profile(app_url="", auth_url=""), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused is app.query_one("#input-app_url")
        send_burst(app, [*"https://chat.home.examplex", "backspace", "tab",
                         *"https://auth.home.exampley", "backspace", "tab",
                         "z", "backspace"])
        await settle(pilot)
        values = {name: app.query_one(f"#input-{name}", Input).value
                  for name in ("app_url", "auth_url", "client_id")}
        assert values == {"app_url": "https://chat.home.example",
                          "auth_url": "https://auth.home.example",
                          "client_id": home_profile().client_id}
        assert (app.profile.app_url, app.profile.auth_url, app.profile.client_id) == (
            "https://chat.home.example", "https://auth.home.example", home_profile().client_id)
        assert app.focused is app.query_one("#input-client_id")
