"""Start-up without the cyclic garbage collector's full passes.

Importing Textual and building the five panes leaves about 90,000 long-lived objects
(classes, CSS rules, widgets) and almost no cyclic garbage (about 3,000 objects). With the
collector on, its passes over that growing heap cost 25-40 ms before the first screen on a
2-core box. The entry point holds the collector before Textual is imported; once every pane
is built the app releases it: one collection, then the survivors are frozen (exempt from
later passes, since they live as long as the app) and collection goes on as usual.
"""

from __future__ import annotations

import gc

_held = False


def hold_collector() -> None:
    """Called first by the entry point, before Textual is imported."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> None:
    """Collect start-up's cycles, freeze what survives and collect as usual from now on.

    Does nothing unless hold_collector turned the collector off (tests, or a program that
    embeds the app, keep their own policy).
    """
    global _held
    if not _held:
        return
    _held = False
    gc.collect()
    gc.freeze()
    gc.enable()
