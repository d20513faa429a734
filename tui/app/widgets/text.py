"""Outside strings on the screen: never raw, never markup.

A value from the user's files, a server's answer or a path can hold an ``ESC ] 52`` (it
writes the clipboard through the terminal), other controls, and Textual markup
(``[bold red]``, ``[@click=app.quit]``). ``tui.core.shown`` escapes the controls and cuts
long values, for every widget. Where the text is read as markup (a toast, a Label made with
markup on), ``outside_markup`` also escapes every ``[``, so the value shows as written.
Textual's own ``markup.escape`` leaves ``[$accent]``, ``[B]`` and ``[ bold]`` alone, which
Textual still reads as styles: hence this one.
"""

from __future__ import annotations

from ...core.shown import shown, shown_path


def outside_markup(text: object, limit: int | None = None) -> str:
    """``text`` for a markup string: controls escaped visibly, every ``[`` escaped.

    Uncut by default: a message's values are cut where the message is made; pass
    ``limit`` for a bare outside value.
    """
    return shown(text, limit).replace("[", "\\[")


def outside_path_markup(path: object) -> str:
    """A path for a markup string (never cut)."""
    return shown_path(path).replace("[", "\\[")
