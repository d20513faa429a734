"""Getting a snippet out of the app: to the clipboard, or into a file the user names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.files import write_snippet
from .clipboard import copy_text
from .widgets.text import outside_path_markup

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


async def copy_snippet(app: LibreChatAutheliaApp, text: str | None, title: str) -> None:
    if text is None:
        app.notify("Nothing to copy: the profile has errors (see the message).",
                   severity="error")
        return
    copied, message = await copy_text(app, text)
    app.notify(message, title=f"{title} {'copied' if copied else 'sent to your terminal'}")


async def write_snippet_to_file(app: LibreChatAutheliaApp, text: str | None,
                                default_name: str) -> None:
    from .dialogs.write import WriteDialog

    if text is None:
        app.notify("Nothing to write: the profile has errors (see the message).",
                   severity="error")
        return

    def write(path: str, mode: str) -> Path:
        return write_snippet(path, text, overwrite=mode == "replace", append=mode == "append",
                             default_name=default_name)

    dialog = WriteDialog("Write to which file? (a folder gets the file name " + default_name
                         + ")", str(Path.cwd() / default_name), write)
    written = await app.push_screen_wait(dialog)
    if written is None:
        app.notify("Nothing was written.")
        return
    verb = {"append": "Appended to", "replace": "Replaced"}.get(dialog.mode, "Wrote")
    app.notify(f"{verb} (readable only by you: it holds secrets)\n"
               f"{outside_path_markup(Path(written).resolve())}")
