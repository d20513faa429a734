"""How a string that did not come from this program is shown: never raw.

Servers, the user's files and the command line can hold anything: an ``ESC ] 52`` sequence
that writes the clipboard, a CSI that moves the cursor, C1 controls that some terminals obey,
bidi overrides that make text read backwards, a newline that splits one message into two.
``shown`` escapes every such character visibly (``\\x1b``, ``\\u202e``) and cuts long values
with a marker, so one outside value is always one harmless piece of one line. Escaping is
idempotent: the backslash it writes is not a control character, so a shown value shown again
is unchanged (apart from a second cut, which never happens below the limit).

Textual markup is the app's concern (``tui.app.widgets.text.outside_markup`` escapes it on top
of this); JSON output carries these same shown strings, escaped again by the encoder.
"""

from __future__ import annotations

#: How many characters of one outside value are shown before the cut marker.
LIMIT = 200

_CONTROLS = [
    *range(0x00, 0x09),  # C0 before tab
    *range(0x0A, 0x20),  # C0 after tab: LF, CR, ESC, ...
    0x7F,  # DEL
    *range(0x80, 0xA0),  # C1: CSI 0x9b, OSC 0x9d, NEL 0x85, ...
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2066, 0x206A),  # bidi isolates
    0x2028, 0x2029,  # line and paragraph separators
]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLE = {code: _escape(code) for code in _CONTROLS}


def shown(value: object, limit: int | None = LIMIT) -> str:
    """``value`` as safe, single-line text: controls escaped, cut after ``limit`` characters."""
    text = value if isinstance(value, str) else str(value)
    if limit is not None and len(text) > limit:
        rest = len(text) - limit
        return f"{text[:limit].translate(_TABLE)}… ({rest} more characters)"
    return text.translate(_TABLE)


def shown_path(path: object) -> str:
    """A path as safe text: controls escaped like any outside value, never cut (a path is
    only useful whole; its length is bounded by the system)."""
    return shown(path, limit=None) if not isinstance(path, bytes) else shown(
        path.decode("utf-8", "backslashreplace"), limit=None)


def shown_lines(text: str) -> str:
    """Lines of an outside text (a diff of the user's file) as safe text: each line's
    controls escaped, none cut (a diff is read whole); only its ``\\n`` stay line breaks."""
    return "\n".join(shown(line, limit=None) for line in text.split("\n"))


def is_clean(text: str) -> bool:
    """True when ``text`` holds no character that ``shown`` would escape."""
    return text.translate(_TABLE) == text
