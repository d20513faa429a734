"""What the app prints when it stops on an unexpected error: the kind and the place only.

Textual's own report shows every frame's local variables, and the open profile with its
client secret and session secret is among them. This one names the error type, the file,
line and function where it happened, and its message with every secret of the open profile
blanked out; it writes nothing anywhere else.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from pathlib import Path

MAX_MESSAGE = 200
BLANK = "•••"


def crash_report(error: BaseException, secrets: Iterable[str]) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f"{Path('tui')}/" in f.filename.replace("\\", "/")] or frames
    place = "an unknown place"
    if ours:
        frame = ours[-1]
        filename = frame.filename.replace("\\", "/")
        short = filename[filename.rfind("tui/"):] if "tui/" in filename else Path(filename).name
        place = f"{short}:{frame.lineno} ({frame.name})"
    message = str(error)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        message = message.replace(secret, BLANK)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    detail = f": {message}" if message else ""
    return (f"librechat-authelia stopped on an unexpected error, {type(error).__name__} in "
            f"{place}{detail}\n"
            "Unsaved changes are lost; saved profiles are untouched. Please report this "
            "line (it holds no secret).")
