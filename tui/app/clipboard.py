"""Copy text to the user's clipboard, locally and over SSH, and say what really happened."""

from __future__ import annotations

import asyncio
import os

from textual.app import App


async def copy_text(app: App, text: str) -> tuple[bool, str]:
    """Send `text` by OSC 52 and try the system clipboard.

    Returns whether the system clipboard took it, and what to tell the user. OSC 52 travels
    through SSH to the terminal on the user's desk; whether that terminal accepts it cannot
    be known from here, so the message says "sent", not "copied". The system clipboard is
    tried off the UI thread (its command may take a moment) and only through backends that
    take the text on standard input (tui/core/sysclipboard.py).
    """
    from ..core.sysclipboard import copy_to_system

    app.copy_to_clipboard(text)
    backend = await asyncio.to_thread(copy_to_system, text)
    if backend:
        return True, (f"Copied to the system clipboard ({backend}), and sent to your "
                      "terminal by OSC 52.")
    message = "Sent to your terminal's clipboard (OSC 52)."
    if os.environ.get("TMUX"):
        message += " Inside tmux, it needs: set -s set-clipboard on."
    message += " If nothing arrives, press w to write it to a file."
    return False, message
