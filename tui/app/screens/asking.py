"""One dialog at a time: a flow that asks the user starts only while no dialog is open.

The main screen's flows (revert, profiles, new secrets, write, apply, the files to check)
each run in a worker of the group "dialog", which waits for the user's answers. A key
that starts one while another dialog is open, or about to open (its worker started, its
dialog not pushed yet: keys typed fast on a loaded box), does nothing: Textual's
`exclusive` would instead cancel the first flow and leave its dialog behind, unanswered.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from textual import work
from textual.dom import DOMNode
from textual.screen import Screen

DIALOG = "dialog"


def asking(node: DOMNode) -> bool:
    """Whether `node` runs a dialog flow now (its dialog shown, or about to be)."""
    return any(worker.node is node and worker.group == DIALOG and not worker.is_finished
               for worker in node.app.workers)


def dialog_open(screen: Screen) -> bool:
    """A dialog is over `screen`, or one of its flows is about to show one."""
    return screen.app.screen is not screen or asking(screen)


def one_dialog_at_a_time(method: Callable) -> Callable:
    """A screen's dialog flow, run in its dialog worker; started while another dialog is
    open (or about to be), it does nothing."""
    flow = work(group=DIALOG)(method)

    @wraps(method)
    def start(self: Screen, *args, **kwargs):
        if dialog_open(self):
            return None
        return flow(self, *args, **kwargs)

    return start
