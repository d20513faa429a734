"""How the app's frame reads at every size: the pane bar, the title, the footer, where
dropdowns and toasts open, and the words the panes use for the app's own keys."""

from __future__ import annotations

import re

import pytest
from conftest import HOME_URLS, fake_provider_profile, session_signing_key, settle

from tui.app.app import LibreChatAutheliaApp
from tui.app.panes.registry import PANES, SHORT_TITLES, TITLES


@pytest.fixture
def quick_keys(monkeypatch):
    """Keys of any size come from the session's one real key (making RSA keys is slow)."""
    from tui.core import keys

    monkeypatch.setattr(keys, "new_signing_key", lambda bits=2048: session_signing_key())


@pytest.fixture
def provider_store(store):
    """The home profile with Authelia's provider section: the key fields are shown."""
    store.save("home", fake_provider_profile(**HOME_URLS), overwrite=True)
    return store


def bar_text(app) -> str:
    return str(app.query_one("#pane-bar").render()).rstrip()


def title_text(app) -> str:
    from textual.widgets._header import HeaderTitle

    return str(app.query_one(HeaderTitle).render()).strip()


# The pane bar -------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [60, 64, 70, 75])
async def test_a_narrow_pane_bar_names_every_pane_in_words(store, width):
    """Below 80 columns every pane keeps its key and a whole word for a name, never its
    first three letters."""
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        text = bar_text(app)
        assert len(text) <= width
        for pane_id, _, key, *_ in PANES:
            names = (TITLES[pane_id], TITLES[pane_id].split()[0], SHORT_TITLES[pane_id])
            assert any(f"{key} {name} " in text + " " for name in names), (pane_id, text)


@pytest.mark.parametrize("width", [60, 70, 80, 100, 120])
async def test_the_pane_bar_puts_a_space_between_each_key_and_its_name(store, width):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(width, 20)) as pilot:
        await settle(pilot)
        words = bar_text(app).split()
        keys = [key for _, _, key, *_ in PANES]
        assert [w for w in words if w in keys] == keys, words


async def test_the_pane_bar_takes_the_longest_names_as_the_window_grows(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert "f2 Assume " in bar_text(app)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert "f2 Assumptions " in bar_text(app) and "f5 LibreChat env " in bar_text(app)


# The title ----------------------------------------------------------------------------------

async def test_the_title_names_the_app_and_the_profile_with_one_clean_separator(store):
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert title_text(app) == "LibreChat ⇄ Authelia — home"
        await pilot.press("end", "x")
        await settle(pilot)
        title = title_text(app)
        assert title.startswith("LibreChat ⇄ Authelia — home ")
        assert "unsaved" in title
        assert "  " not in title, title


async def test_at_60_columns_the_title_shows_a_profile_name_and_unsaved_whole(store):
    from conftest import home_profile
    from textual.widgets._header import HeaderTitle

    store.save("homelab", home_profile())
    app = LibreChatAutheliaApp(store, "homelab")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("end", "x")
        await settle(pilot)
        title = title_text(app)
        assert title == "LibreChat ⇄ Authelia — homelab ● unsaved"
        assert len(title) <= app.query_one(HeaderTitle).region.width


async def test_no_word_of_the_frame_starts_a_styled_run_with_a_space(store):
    """In SVG screenshots a run of text that starts with a space loses it: the title read
    "Authelia—  home", the bar "f2Assumptions", the footer "ctrl+sSave". Each space
    after a key or before the dash ends the run before it instead."""
    import re

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("end", "x")  # the title says unsaved changes too
        await settle(pilot)
        svg = app.export_screenshot()
    for line in (0, 1, 29):  # title, pane bar, footer
        line_id = rf"terminal-[0-9a-z]*-?line-{line}"
        runs = re.findall(rf'clip-path="url\(#{line_id}\)">([^<]*)</text>', svg)
        assert runs, line
        starting = [run for run in runs if re.match(r"(&#160;)+[^&]", run)]
        assert not starting, (line, starting)


# The footer ---------------------------------------------------------------------------------

def footer_keys(app) -> list[str]:
    """The footer's keys as shown, each checked to be whole on screen."""
    from textual.widgets._footer import FooterKey

    shown = []
    for key in app.screen.query(FooterKey):
        region = key.region
        if not key.display or not region.area:
            continue
        assert app.screen.region.contains_region(region), (key.key, region)
        shown.append(f"{key.key_display} {key.description}".strip())
    return shown


async def keys_after(store, sizes, pane_key: str) -> list[str]:
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=sizes[0]) as pilot:
        await settle(pilot)
        await pilot.press(pane_key)
        await settle(pilot)
        for size in sizes[1:]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
        return footer_keys(app)


@pytest.mark.parametrize("pane_key", ["f2", "f3"])
@pytest.mark.parametrize("start", [(100, 30), (60, 20)])
async def test_a_terminal_resized_to_80_columns_shows_the_footer_a_fresh_start_shows(
        store, start, pane_key):
    fresh = await keys_after(store, [(80, 24)], pane_key)
    assert "ctrl+s Save" in fresh and "ctrl+o Profiles" in fresh and "f1 Help" in fresh
    assert await keys_after(store, [start, (80, 24)], pane_key) == fresh


@pytest.mark.parametrize("pane_key", ["f2", "f3", "f4", "f5", "f6", "f7"])
async def test_at_60_columns_the_footer_shows_whole_keys_with_help_and_save(store, pane_key):
    """What does not fit is left out whole (f1 lists every key), never cut at the edge."""
    keys = await keys_after(store, [(100, 30), (60, 20)], pane_key)
    assert "f1 Help" in keys and "ctrl+s Save" in keys, keys
    assert not any("palette" in key for key in keys)


async def test_the_footer_is_rebuilt_only_when_its_keys_change(store):
    """A Tab between two fields with the same keys keeps the footer's widgets (Textual's
    rebuilds them at every move of the focus: half of a Tab's work); a field with other
    keys, or another pane, shows its own."""
    from textual.widgets._footer import FooterKey

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = list(app.screen.query(FooterKey))
        await pilot.press("tab")  # LibreChat's URL to Authelia's: the same keys
        await settle(pilot)
        assert app.focused.id == "input-auth_url"
        assert list(app.screen.query(FooterKey)) == before
        await pilot.press("f7")  # the Check pane: its own keys (r Re-check among them)
        await settle(pilot)
        assert any(key.key == "r" for key in app.screen.query(FooterKey)), [
            (key.key, key.description) for key in app.screen.query(FooterKey)]


# The key path's hint ------------------------------------------------------------------------

async def test_the_key_path_hint_names_the_chosen_key_size(provider_store, quick_keys):
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        hint = app.query_one("#field-key_path FieldLabel")
        assert "rsa.2048.key" in str(hint.render())
        app.query_one("#input-key_bits").focus()
        await pilot.press("enter", "down", "enter")  # RSA 3072 bits, below 2048
        await settle(pilot)
        assert app.profile.key_bits == 3072
        assert "rsa.3072.key" in str(hint.render()) and "2048" not in str(hint.render())


# The checklist speaks the tool the user is in ----------------------------------------------

def words_profile():
    """Every step that names a snippet: the provider section, a CA file (the override)."""
    return fake_provider_profile(ca_file="/etc/ssl/home-ca.pem", **HOME_URLS)


async def test_the_checklist_in_the_app_names_the_apps_keys(store):
    store.save("home", words_profile(), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)

        def detail(step_id: str) -> str:
            return str(app.query_one(f"#step-{step_id} .step-detail").render())

        assert "f4 shows these two keys alone" in detail("authelia-provider-new")
        assert "Paste the Authelia client block (f4" in detail("authelia-client")
        assert "Add the LibreChat .env block (f5" in detail("librechat-env")
        assert "Compose block (f5, its Docker Compose form)" in detail("librechat-override")
        shown = " ".join(str(s.render()) for s in app.query(".step-detail"))
        assert "'render " not in shown and "prints" not in shown


def test_the_clis_checklist_keeps_the_clis_words(store):
    from test_cli import run

    store.save("home", words_profile(), overwrite=True)
    text = run("render", "checklist", "--profile", "home").stdout
    assert "Paste the whole block ('render provider' prints these two keys alone)" in text
    assert "Paste the Authelia client block under identity_providers.oidc" in text
    assert "Add the LibreChat .env block to the .env" in text
    assert "Save the LibreChat Compose block as docker-compose.override.yml" in text
    # The app's keys as words of their own (a random key ID may hold "f4" in its hex).
    assert not re.search(r"\bf[45]\b", text), text


# The README's account of the screens -------------------------------------------------------

def readme_app_section() -> str:
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text()
    start = text.index("\n## The app\n")
    return text[start:text.index("\n## ", start + 1)]


def test_the_readme_has_one_screens_table_and_it_matches_the_panes():
    import re

    from tui.app.panes.registry import PANES

    section = readme_app_section()
    assert section.count("| key | screen |") == 1
    assert readme_app_section().count("On the snippet screens") == 1
    table = section[section.index("| key | screen |"):].split("\n\n")[0].splitlines()
    assert re.fullmatch(r"\|(\s*-+\s*\|){2}", table[1]), "a header row, then the rule"
    rows = []
    for line in table[2:]:
        keys, screen = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows.append((keys, re.match(r"\*\*(.+?)\*\*", screen).group(1)))
    assert rows == [(f"{f_key} or {alt_key}", title) for _, title, f_key, alt_key, _ in PANES]


def test_the_readme_spells_every_key_as_the_app_does():
    """Keys as the bindings (and the help) spell them: f2, ctrl+s, enter; never F2 or ^S."""
    import re

    from tui.app.app import LibreChatAutheliaApp

    section = readme_app_section()
    wrong = re.findall(r"\bF\d+\b|\b(?:Ctrl|Alt|Shift)[-+]\w|\^[A-Z]\b|\b(?:Enter|Tab|Esc)\b",
                       section)
    assert not wrong, wrong
    for binding in LibreChatAutheliaApp.BINDINGS:
        if not binding.id.startswith("pane-"):
            assert binding.key in section, binding.key


# What opens over the pane: a Select's list, toasts ------------------------------------------

async def to_the_pane_bottom(pilot, widget) -> None:
    """Scroll `widget`'s pane so that `widget` is on the pane's last row (or as low as the
    pane scrolls it), focused."""
    from tui.app.panes.base import Pane

    pane = widget.query_ancestor(Pane)
    widget.focus()
    await pilot.pause()
    row = widget.region.y - pane.region.y + pane.scroll_y
    pane.scroll_to(y=row - (pane.region.height - 1), animate=False, immediate=True)
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("pane_key", "name"), [
    ("f2", "authelia_version"), ("f2", "key_bits"), ("f2", "consent"),
    ("f3", "digest_algorithm")])
async def test_a_select_list_opens_below_its_field_inside_the_pane(
        provider_store, quick_keys, size, pane_key, name):
    from textual.widgets._select import SelectOverlay

    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(pane_key)
        await settle(pilot)
        select = app.query_one(f"#input-{name}")
        await to_the_pane_bottom(pilot, select)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        overlay = app.screen.find_widget(select.query_one(SelectOverlay)).region
        pane = select.query_ancestor("Pane").region
        label = select.parent.query_one("FieldLabel").region
        assert overlay.area and pane.contains_region(overlay), (overlay, pane)
        assert not overlay.overlaps(select.region) and not overlay.overlaps(label)
        assert app.screen.region.contains_region(label)
        assert not overlay.overlaps(app.query_one("#summary").region)
        await pilot.press("escape")


async def toast_over(pilot) -> list:
    """Save (a toast says where), and return the toasts' regions once they are laid out."""
    from conftest import wait_until
    from textual.widgets._toast import Toast

    app = pilot.app
    await pilot.press("ctrl+s")
    return await wait_until(pilot, lambda: [
        toast.region for toast in app.screen.query(Toast) if toast.region.area],
        "a toast on screen")


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["app_url", "ca_file", "consent_duration"])
async def test_a_toast_never_covers_the_focused_field(provider_store, quick_keys, size, name):
    """At the top (the first field), or at the bottom right (a field scrolled to the pane's
    last row): the toast opens where the focused field stays in sight."""
    provider_store.save("home", words_profile().with_changes(consent="pre-configured"),
                        overwrite=True)
    app = LibreChatAutheliaApp(provider_store)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        field = app.query_one(f"#input-{name}")
        if name != "app_url":
            await to_the_pane_bottom(pilot, field)
        assert app.focused is field
        for toast in await toast_over(pilot):
            assert not toast.overlaps(field.region), (toast, field.region)
        assert app.screen.region.contains_region(field.region)


@pytest.mark.parametrize("name", ["app_url", "client_id"])
async def test_a_toast_stays_at_the_bottom_when_the_focused_field_is_clear_of_it(store, name):
    """The pane bar stays in sight unless the toast must move for the focused field."""
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.query_one(f"#input-{name}").focus()
        await pilot.pause()
        for toast in await toast_over(pilot):
            assert toast.y > app.screen.region.height // 2, toast
