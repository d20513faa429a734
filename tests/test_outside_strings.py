"""Nothing an outsider wrote reaches the terminal raw.

Values in the user's .env and configuration.yml, and paths given on the command line, can
hold an OSC 52 sequence (which writes the clipboard), a CSI, C1 controls, bidi overrides,
a newline that splits one message into two, and Textual markup. Every output path of
audit, import, apply (its diff and its refusals), set, write-key, check and the doctor's
file options, in text and JSON, and the app's Check pane, toasts and dialogs, shows them
escaped (tui.core.shown; tui.app.widgets.text for markup), and long values cut.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import fake_provider_profile, home_profile, main_screen, settle
from hypothesis import given
from hypothesis import strategies as st
from textual.content import Content
from textual.widgets import Static

from tests.userfiles_helpers import CONFIG, ENV, env_set, librechat_client_set
from tui import cli
from tui.core.profile import Profile
from tui.core.shown import LIMIT, shown

OSC52 = "\x1b]52;c;aGk=\x07"
CSI = "\x1b[2J"
C1 = "\x9b31m\x9d0;t\x9c"
BIDI = "\u202e"
MARKUP = "[bold red]B[/][@click=app.quit]Q[/][$accent]A[/]"
# One hostile value: each kind of control, then markup.
HOSTILE = f"{OSC52}{CSI}{C1}{BIDI}{MARKUP}"
# The same in a YAML double-quoted scalar (raw controls are not allowed in YAML).
HOSTILE_YAML = '"\\e]52;c;aGk=\\a\\e[2J\\x9b31m\\x9d0;t\\x9c\\u202e' + MARKUP + '"'
# Without [ ]: a URL's host parser refuses brackets before anything is shown.
HOSTILE_PLAIN = f"{OSC52.replace(']', ')')}{C1}{BIDI}"
RAW = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\u202e")
# A path with a newline and a CR in it: one error must stay one line.
HOSTILE_NAME = f"x{OSC52}\ny\rz{BIDI}"


def assert_not_raw(text: str) -> None:
    found = [repr(c) for c in RAW if c in text]
    assert not found, f"raw {found} in {text[:2000]!r}"


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    assert_not_raw(out)
    assert_not_raw(err)
    return status, out, err


def one_line_error(capsys, *args: str) -> str:
    status, out, err = run(capsys, *args)
    assert status == cli.EXIT_USAGE, (status, out, err)
    assert err.count("\n") == 1 and "\r" not in err, err
    return err


# The setup: .env and configuration.yml with hostile values, in a folder with a hostile name.

def hostile_env() -> str:
    text = ENV.read_text()
    text = env_set(text, "OPENID_SCOPE", f"'openid profile email {HOSTILE}'")
    text = env_set(text, "OPENID_AUDIENCE", HOSTILE)
    text = env_set(text, "DOMAIN_SERVER", f"https://librechat.example.com/{HOSTILE_PLAIN}")
    text = env_set(text, "OPENID_CALLBACK_URL", f"/oauth/{HOSTILE}")
    text = env_set(text, "OPENID_ISSUER", f"https://auth.example.com/{HOSTILE_PLAIN}")
    return text


def hostile_config() -> str:
    text = CONFIG.read_text()
    replacement = HOSTILE_YAML.replace("\\", "\\\\")  # the helper's re.sub reads \\
    for key in ("token_endpoint_auth_method", "authorization_policy", "pkce_challenge_method"):
        text = librechat_client_set(text, key, replacement)
    return text.replace("authelia_url: 'https://auth.example.com'",
                        f"authelia_url: {HOSTILE_YAML}")


@pytest.fixture
def hostile_files(tmp_path):
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    config, env = folder / "configuration.yml", folder / ".env"
    config.write_text(hostile_config())
    env.write_text(hostile_env())
    return config, env


def test_the_hostile_files_do_carry_every_kind_of_control(hostile_files):
    """The fixture is what the tests claim: each control really reaches the readers."""
    from tui.userfiles.sources import read_sources

    config, env = hostile_files
    sources = read_sources([config], env)
    assert sources.env.values["OPENID_AUDIENCE"] == HOSTILE
    client = next(c for _, c in sources.config.clients() if c.get("client_name") == "LibreChat")
    assert client["token_endpoint_auth_method"] == HOSTILE


# audit -------------------------------------------------------------------------------------

def test_audit_text_shows_every_outside_value_escaped_one_finding_per_two_lines(
        capsys, hostile_files):
    config, env = hostile_files
    status, out, _ = run(capsys, "audit", "--authelia-config", str(config), "--env", str(env))
    assert status == cli.EXIT_FAILED
    codes = {"scope-not-allowed", "audience-not-allowed", "redirect-uri-mismatch",
             "callback-path-wrong", "issuer-mismatch", "auth-method-mismatch",
             "policy-undefined", "pkce-method-invalid"}
    for code in codes:
        assert f" {code} " in out, code
    # every finding is its line and its fix line, then the summary: no value split one
    assert len(out.splitlines()) == 2 * out.count("\n    fix: ") + 1
    assert shown(HOSTILE) in out  # visibly escaped: \x1b]52;c;aGk=\x07 ...
    assert "\\x1b]52;c;aGk=\\x07" in out and "\\u202e" in out and "\\x9b" in out
    assert shown(str(env.parent)) in out  # where: the folder's name, escaped


def test_audit_json_is_valid_and_carries_the_escaped_strings(capsys, hostile_files):
    config, env = hostile_files
    status, out, _ = run(capsys, "audit", "--authelia-config", str(config), "--env", str(env),
                         "--format", "json")
    assert status == cli.EXIT_FAILED
    findings = json.loads(out)["findings"]
    assert len(findings) > 8
    for finding in findings:
        for value in finding.values():
            assert_not_raw(str(value))
    assert any(shown(HOSTILE) in f["message"] for f in findings)


def test_a_long_outside_value_is_cut_where_a_finding_quotes_it(capsys, tmp_path):
    env = tmp_path / ".env"
    env.write_text(env_set(ENV.read_text(), "OPENID_AUDIENCE", "a" * 100_000))
    config = tmp_path / "configuration.yml"
    shutil.copy(CONFIG, config)
    _, out, _ = run(capsys, "audit", "--authelia-config", str(config), "--env", str(env))
    line = next(x for x in out.splitlines() if "audience-not-allowed" in x)
    assert "a" * LIMIT + "… (99800 more characters)" in line
    assert len(out) < 20_000

    env.write_text(env_set(ENV.read_text(), "OPENID_CLIENT_ID", f"{HOSTILE}{'c' * 100_000}"))
    _, out, _ = run(capsys, "audit", "--authelia-config", str(config), "--env", str(env))
    line = next(x for x in out.splitlines() if "client-not-found" in x)
    assert f"no client has client_id '{shown(HOSTILE)[:40]}" in line and len(line) < 1000


@pytest.mark.parametrize("option", ["--env", "--authelia-config", "--compose"])
def test_a_hostile_path_on_the_command_line_is_one_escaped_line(capsys, tmp_path, option):
    paths = {"--authelia-config": str(CONFIG), "--env": str(ENV)}
    paths[option] = str(tmp_path / HOSTILE_NAME / "missing")
    args = [arg for item in paths.items() for arg in item]
    err = one_line_error(capsys, "audit", *args)
    assert "\\x0a" in err and "\\x0d" in err


def test_a_hostile_directory_path_is_one_escaped_line(capsys, tmp_path):
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    err = one_line_error(capsys, "audit", "--authelia-config", str(folder), "--env", str(ENV))
    assert "no .yml" in err


def test_a_env_that_is_not_text_is_named_escaped(capsys, tmp_path):
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    env = folder / ".env"
    env.write_bytes(b"KEY=\xff\n")
    _, out, _ = run(capsys, "audit", "--authelia-config", str(CONFIG), "--env", str(env))
    assert f"env-unreadable {shown(str(env), limit=None)}:1: not UTF-8" in out


# import ------------------------------------------------------------------------------------

def test_import_notes_and_lines_are_escaped(capsys, hostile_files, store):
    config, env = hostile_files
    status, _, err = run(capsys, "import", "hostile", "--authelia-config", str(config),
                         "--env", str(env))
    assert status == cli.EXIT_OK
    assert "not carried over: the scopes" in err
    notes = [line for line in err.splitlines() if line.startswith("not carried over")]
    assert any(shown(HOSTILE) in line for line in notes), notes
    # what the profile holds of the hostile files (their paths among it): `check` is calm
    status, _, _ = run(capsys, "check", "--profile", "hostile")
    assert status in (cli.EXIT_OK, cli.EXIT_FAILED)


def test_import_never_carries_a_value_with_a_control_character(capsys, store, tmp_path):
    """The app would show it raw in its field: left out with a note that names the field
    and never the value (it may be a secret)."""
    env = tmp_path / ".env"
    secret = f"fake-client-secret-{OSC52}-ssssssssssssssssssssssssssssssss"
    text = env_set(ENV.read_text(), "OPENID_CLIENT_SECRET", secret)
    text = env_set(text, "OPENID_BUTTON_LABEL", f"Log in {BIDI}")
    env.write_text(text)
    status, _, err = run(capsys, "import", "odd", "--authelia-config", str(CONFIG),
                         "--env", str(env))
    assert status == cli.EXIT_OK
    assert "not carried over: the client secret (it holds a control character" in err
    assert "not carried over: the button label (it holds a control character" in err
    assert "aGk=" not in err
    profile = store.load("odd")
    assert secret not in profile.client_secret and BIDI not in profile.button_label


def test_check_quotes_a_profiles_values_escaped_and_cut(capsys, store):
    store.save("odd", home_profile(authelia_version=f"4.39{BIDI}",
                                   librechat_version="0.8." + "9" * 100_000,
                                   client_name=f"{BIDI}name", group=f"{BIDI}admins"))
    status, out, _ = run(capsys, "check", "--profile", "odd")
    assert status == cli.EXIT_FAILED
    assert len(out) < 20_000
    assert "\\u202e" in out


def test_a_remembered_path_with_a_newline_is_no_error_and_shown_escaped(capsys, store):
    """A file name may hold a newline: the profile remembers it; only its display escapes."""
    store.save("paths", home_profile(env_path=f"/srv/{HOSTILE_NAME}/.env",
                                     authelia_config_paths=[f"/srv/{HOSTILE_NAME}/c.yml"]))
    status, out, _ = run(capsys, "check", "--profile", "paths")
    assert status == cli.EXIT_OK and out == "profile paths: no problems found\n"


# apply ---------------------------------------------------------------------------------------

def test_apply_dry_run_diff_and_notes_are_escaped(capsys, store, tmp_path):
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    env = folder / ".env"
    env.write_text(f"NOTE={HOSTILE}\nDOMAIN_SERVER=https://old.example.com/{HOSTILE}\n"
                   f"OTHER={HOSTILE}\n")
    status, out, err = run(capsys, "apply", "env", "--profile", "home", "--file", str(env),
                           "--dry-run")
    assert status == cli.EXIT_FAILED
    assert out.startswith(f"--- {shown(str(env), limit=None)}\n")
    assert f"-DOMAIN_SERVER=https://old.example.com/{shown(HOSTILE, limit=None)}\n" in out
    assert f" NOTE={shown(HOSTILE, limit=None)}\n" in out


def test_shown_lines_escapes_each_line_and_keeps_only_its_newlines():
    from tui.core.shown import shown_lines

    assert shown_lines(f"a{OSC52}\nb\rc\x85d\u2028e\n") == \
        "a\\x1b]52;c;aGk=\\x07\nb\\x0dc\\x85d\\u2028e\n"
    assert shown_lines("x" * 1000) == "x" * 1000  # never cut


def test_apply_refusals_name_a_hostile_path_on_one_line(capsys, store, tmp_path):
    missing = tmp_path / HOSTILE_NAME / "configuration.yml"
    one_line_error(capsys, "apply", "authelia", "--profile", "home", "--file", str(missing))
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    one_line_error(capsys, "apply", "env", "--profile", "home", "--file", str(folder))
    config = folder / "configuration.yml"
    config.write_text("- a list\n")
    one_line_error(capsys, "apply", "authelia", "--profile", "home", "--file", str(config))


def test_apply_writes_and_names_a_hostile_path_escaped(capsys, store, tmp_path):
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    env = folder / ".env"
    env.write_text("DOMAIN_SERVER=https://old.example.com\n")
    status, _, err = run(capsys, "apply", "env", "--profile", "home", "--file", str(env),
                         "--yes")
    assert status == cli.EXIT_OK
    assert err.count("\n") == 1 and err.startswith("wrote ")


# set, write-key, doctor's file options -------------------------------------------------------

def test_set_cuts_and_escapes_what_it_echoes(capsys, store):
    err = one_line_error(capsys, "set", "--librechat", "9" * 100_000)
    assert len(err) < 1000 and "… (" in err
    err = one_line_error(capsys, "set", "--librechat", HOSTILE)
    assert "U+001B" in err  # a control character is refused by name
    err = one_line_error(capsys, "set", "--librechat", f"0.8.7{BIDI}{MARKUP}")
    assert "\\u202e" in err  # a bidi override is no control character: shown escaped
    # digits past Python's int() limit: "not a version", not "Exceeds the limit (4300 digits)"
    err = one_line_error(capsys, "set", "--librechat", "0.8." + "9" * 100_000)
    assert "is not a LibreChat version" in err and len(err) < 1000


@pytest.mark.parametrize("value", ["9" * 100_000, HOSTILE], ids=["long", "hostile"])
def test_an_argument_the_parser_refuses_is_cut_and_escaped(capsys, value):
    err = one_line_error(capsys, "apply", value, "--profile", "home", "--file", "x")
    assert len(err) < 1000


def test_tick_cuts_an_unknown_step_it_echoes(capsys, store):
    err = one_line_error(capsys, "tick", "q" * 100_000)
    assert "there is no checklist step 'qqq" in err and len(err) < 1000
    one_line_error(capsys, "tick", HOSTILE)


def test_set_ca_file_with_a_hostile_path_is_one_line(capsys, store, tmp_path):
    one_line_error(capsys, "set", "--ca-file", str(tmp_path / HOSTILE_NAME))
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    one_line_error(capsys, "set", "--ca-file", str(folder))
    (folder / "ca.pem").write_text("not a certificate\n")
    one_line_error(capsys, "set", "--ca-file", str(folder / "ca.pem"))


def test_write_key_names_a_hostile_path_escaped(capsys, store, tmp_path):
    store.save("key", fake_provider_profile(**{"app_url": "https://chat.home.arpa",
                                               "auth_url": "https://auth.home.arpa"}))
    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    target = folder / "rsa.key"
    status, _, err = run(capsys, "write-key", "--profile", "key", str(target))
    assert status == cli.EXIT_OK and target.exists()
    assert err.count("\n") == 1 and shown(str(target), limit=None) in err
    one_line_error(capsys, "write-key", "--profile", "key", str(target))  # exists
    one_line_error(capsys, "write-key", "--profile", "key", str(folder))  # a directory
    one_line_error(capsys, "write-key", "--profile", "key", str(folder / "no" / "k"))


def test_doctor_file_options_with_a_hostile_path_are_one_line(capsys, store, tmp_path):
    missing = str(tmp_path / HOSTILE_NAME)
    one_line_error(capsys, "doctor", "--env", missing)
    one_line_error(capsys, "doctor", "--ca-file", missing)


# The app: markup and controls in outside strings render literally -------------------------

@given(st.text() | st.text(alphabet="[]/\\@$=:#abB .()'\"\n\x1b"))
def test_outside_markup_renders_any_text_literally(text):
    from tui.app.widgets.text import outside_markup

    content = Content.from_markup(outside_markup(text))
    assert content.plain == shown(text, limit=None)
    assert not content.spans


def test_outside_markup_neutralises_what_textuals_own_escape_misses():
    from tui.app.widgets.text import outside_markup

    for text in ("[$accent]x[/]", "[B]y[/B]", "[ bold]v[/]", "[@click=app.quit]z[/]",
                 "a\\[bold]b", "end\\"):
        assert Content.from_markup(outside_markup(text)).plain == text


def rendered(app) -> str:
    """Every text widget on screen, as rendered (a dialog's, or the whole app's)."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def toasts(app) -> list[str]:
    from textual.widgets._toast import Toast

    return [str(t.render()) for t in app.screen.query(Toast)] + [
        str(Content.from_markup(n.message) if n.markup else n.message)
        for n in app._notifications]


async def test_the_check_pane_shows_a_hostile_audit_literally(store, hostile_files):
    from tui.app import checks as app_checks
    from tui.app.app import LibreChatAutheliaApp

    config, env = hostile_files
    store.save("home", home_profile(authelia_config_paths=[str(config)], env_path=str(env)),
               overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert main_screen(app).checks.audit.state == app_checks.DONE
        text = rendered(app)
        assert "audience-not-allowed" in text
        assert_not_raw(text)
        assert shown(HOSTILE) in text  # markup shown as written, controls escaped
        assert "[bold red]B[/]" in text and "[@click=app.quit]Q[/]" in text


async def test_the_check_pane_shows_hostile_doctor_findings_literally(store):
    from tui.app import checks as app_checks
    from tui.app.app import LibreChatAutheliaApp
    from tui.core.findings import Finding

    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        doctor = main_screen(app).checks.doctor
        doctor.findings = [Finding("token-invalid-client", "error", f"Authelia says {HOSTILE}",
                                   f"fix {HOSTILE}"),
                           Finding("discovery-ok", "ok", f"issuer {HOSTILE}", "")]
        doctor.state, doctor.finished_at = app_checks.DONE, 1.0
        doctor.targets = f"Authelia {HOSTILE}"
        main_screen(app).show_checks()
        await settle(pilot)
        text = rendered(app)
        assert f"Authelia says {shown(HOSTILE)}" in text and f"fix {shown(HOSTILE)}" in text
        assert_not_raw(text)
        doctor.state, doctor.message = app_checks.FAILED, f"cannot: {HOSTILE}"
        main_screen(app).show_checks()
        await settle(pilot)
        text = rendered(app)
        assert f"cannot: {shown(HOSTILE)}" in text
        assert_not_raw(text)


async def test_a_failed_audit_names_a_hostile_path_literally(store, tmp_path):
    from tui.app.app import LibreChatAutheliaApp

    missing = tmp_path / HOSTILE_NAME / "configuration.yml"
    store.save("home", home_profile(authelia_config_paths=[str(missing)], env_path=str(ENV)),
               overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = rendered(app)
        assert "Cannot check the files" in text
        assert_not_raw(text)
        assert shown(str(missing), limit=None) in text


async def test_apply_in_the_app_shows_diff_dialog_and_toasts_literally(store, tmp_path):
    from tui.app.app import LibreChatAutheliaApp
    from tui.app.dialogs.files import ApplyPathDialog, DiffDialog

    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    env = folder / ".env"
    env.write_text(f"NOTE={HOSTILE}\nDOMAIN_SERVER=https://old.example.com/{HOSTILE}\n")
    store.save("home", home_profile(env_path=str(env)), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ApplyPathDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffDialog)
        text = rendered(app)
        assert_not_raw(text)
        diff = "\n".join(app.screen.query_one("#diff-text").lines)  # not folded to the width
        assert f"NOTE={shown(HOSTILE, limit=None)}" in diff
        assert shown(str(env), limit=None) in text
        await pilot.press("left", "enter")  # Apply
        await settle(pilot)
        messages = toasts(app)
        assert any("Backup" in m for m in messages), messages
        for message in messages:
            assert_not_raw(message)
        assert any(shown(str(env), limit=None) in m for m in messages), messages


async def test_a_refused_apply_in_the_app_is_one_escaped_line(store, tmp_path):
    from tui.app.app import LibreChatAutheliaApp
    from tui.app.dialogs.files import ApplyPathDialog

    folder = tmp_path / HOSTILE_NAME
    folder.mkdir()
    store.save("home", home_profile(env_path=str(folder)), overwrite=True)
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplyPathDialog)
        problem = str(app.screen.query_one(".dialog-problem", Static).render())
        assert "is a directory" in problem and "\n" not in problem.strip()
        assert_not_raw(rendered(app))


async def test_the_values_dialog_shows_an_imported_value_escaped_and_whole(store):
    """An imported client ID can hold anything: shown in full, but never raw."""
    from tui.app.app import LibreChatAutheliaApp
    from tui.app.dialogs.values import ValuesDialog

    value = f"{HOSTILE}{'n' * 300}"
    app = LibreChatAutheliaApp(store)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(ValuesDialog(Profile(client_id=value), revealed=False))
        await settle(pilot)
        text = rendered(app)
        assert_not_raw(text)
        assert "n" * 300 in text.replace("\n", "")
