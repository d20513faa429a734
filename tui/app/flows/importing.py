"""Importing the files the Check pane audits into a new profile, as `librechat-authelia
import` does: the same readers and importer (tui/userfiles), the same notes in the same
words.

The files are read off the UI thread. The user names the profile; a name in use is replaced
only after a confirmation. The open profile's unsaved changes are settled first (saved or
dropped, as the user says), then the new profile is saved, opened, and its notes shown.
"""

from __future__ import annotations

from pathlib import Path

from ...core.profile import Profile
from ...core.store import StoreError, validate_name
from ..widgets.text import outside_markup, outside_path_markup
from .host import Host
from .profiles import open_profile, settle_unsaved

# The name offered for the new profile (made unique: imported-2, ...).
SUGGESTED_NAME = "imported"

# (Authelia's configuration files or folders, .env, Compose file or "")
Paths = tuple[tuple[str, ...], str, str]


def checked_files(profile: Profile) -> Paths | None:
    """The files the Check pane audits, or None when there is not enough to import."""
    if not profile.authelia_config_paths or not profile.env_path:
        return None
    return tuple(profile.authelia_config_paths), profile.env_path, profile.compose_path


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().resolve())


def import_files(paths: Paths) -> tuple[Profile, list[str]]:
    """The profile and the notes `librechat-authelia import` makes of these files (the
    paths remembered as absolute ones, as the CLI remembers them; the notes' commands say
    NAME until the dialog names the profile). Raises the readers' one-line errors
    (ValueError)."""
    from ...userfiles.importer import import_profile
    from ...userfiles.sources import read_sources

    config, env, compose = paths
    sources = read_sources(list(config), env, compose or None)
    remembered = {"authelia_config_paths": [_absolute(p) for p in config],
                  "env_path": _absolute(env),
                  "compose_path": _absolute(compose) if compose else ""}
    return import_profile(sources.config, sources.env, sources.compose, paths=remembered)


def _name_problem(name: str) -> str | None:
    try:
        validate_name(name)
    except StoreError as error:
        return str(error)
    return None


async def ask_profile_name(host: Host) -> tuple[str, bool] | None:
    """(name, replace) for the imported profile, or None when the user cancels. A name in
    use is taken only once the user confirms replacing that profile."""
    from ..dialogs.confirm import ConfirmDialog, NameDialog

    suggestion = host.session.unused_name(SUGGESTED_NAME)
    while True:
        name = await host.app.push_screen_wait(NameDialog(
            "Import the checked files into a new profile named", suggestion,
            _name_problem))
        if not name:
            return None
        try:
            taken = host.session.store.exists(name)
        except StoreError as error:
            host.notify(outside_markup(error), title="Cannot import", severity="error")
            return None
        if not taken:
            return name, False
        if await host.app.push_screen_wait(ConfirmDialog(
                f"A profile named {name} already exists. Replace it with the imported one? "
                "Its secrets are gone for good.", "Replace", danger=True)):
            return name, True
        suggestion = name  # back to the name, to choose another


async def import_checked_files(host: Host) -> None:
    """The Check pane's files into a new profile, which is then open; its notes shown."""
    paths = checked_files(host.session.profile)
    if paths is None:
        host.notify("No files to import yet: press p on Check to name Authelia's "
                    "configuration.yml and LibreChat's .env.", severity="warning")
        return
    result, problem = await host.checks.in_thread("import", import_files, paths)
    if problem:
        host.notify(outside_markup(problem), title="Cannot import", severity="error",
                    timeout=20)
        return
    profile, notes = result
    answer = await ask_profile_name(host)
    if answer is None or not await settle_unsaved(host, "switch"):
        host.notify("Nothing was imported.")
        return
    name, replace = answer
    try:
        path = host.session.store.save(name, profile, overwrite=replace)
    except StoreError as error:
        host.notify(outside_markup(error), title="Not imported", severity="error", timeout=20)
        return
    try:
        open_profile(host, name)
    except StoreError as error:
        host.notify(f"{outside_markup(error)}. It was saved to\n{outside_path_markup(path)}",
                    title="Cannot open the imported profile", severity="error", timeout=20)
        return
    from ..dialogs.imported import ImportedDialog

    await host.app.push_screen_wait(ImportedDialog(name, path, notes))
