"""Getting a snippet out of the app: to the clipboard, or into a file the user names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.files import write_snippet
from .clipboard import copy_text

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


def copy_snippet(app: LibreChatAutheliaApp, text: str | None, title: str) -> None:
    if text is None:
        app.notify("Nothing to copy: the profile has errors (see the message).",
                   severity="error")
        return
    copied, message = copy_text(app, text)
    app.notify(message, title=f"{title} {'copied' if copied else 'sent to your terminal'}")


async def write_snippet_to_file(app: LibreChatAutheliaApp, text: str | None,
                                default_name: str) -> None:
    from .dialogs.confirm import ConfirmDialog, NameDialog

    if text is None:
        app.notify("Nothing to write: the profile has errors (see the message).",
                   severity="error")
        return
    path = await app.push_screen_wait(NameDialog(
        "Write to which file? (an existing file is only replaced if you confirm)",
        str(Path.cwd() / default_name), None, "path/to/file"))
    if not path:
        return
    try:
        written = write_snippet(path, text)
    except FileExistsError:
        replace = await app.push_screen_wait(ConfirmDialog(
            f"{Path(path).expanduser()} already exists. Replace it?", "Replace",
            danger=True))
        if not replace:
            app.notify("Nothing was written.")
            return
        try:
            written = write_snippet(path, text, overwrite=True)
        except OSError as error:
            app.notify(f"{error.strerror or error}", title="Not written", severity="error")
            return
    except OSError as error:
        app.notify(f"{error.strerror or error}", title="Not written", severity="error")
        return
    app.notify(f"Wrote {written} (readable only by you: it holds secrets).")
