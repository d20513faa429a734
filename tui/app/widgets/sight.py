"""Keeping the focused control in sight: toasts placed where they hide nothing, a control
scrolled into view only when it is out of it, and whether a widget is hidden by the
profile's choices."""

from __future__ import annotations

from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets._toast import ToastRack

# The rows a toast takes (two lines of text, its padding and margin), before one is shown.
TOAST_ROWS = 5


def place_toasts(screen: Screen) -> None:
    """Toasts open at the bottom right, unless they would hide the focused control there:
    then at the top (a control taller than half the screen is hidden in part either way)."""
    focused = screen.focused
    if focused is None or not focused.region.area:
        return
    for rack in screen.query_children(ToastRack):
        rows = rack.region.height if rack.display and rack.region.height else TOAST_ROWS
        above_footer = screen.region.bottom - 2  # the footer, and the rack's margin
        zone = Region(0, above_footer - rows, screen.region.width, rows)
        rack.set_class(zone.overlaps(focused.region)
                       and focused.region.height <= screen.region.height // 2, "-top")


def scroll_into_view(screen: Screen, widget: Widget) -> None:
    """Scroll the focused `widget` into sight unless it already is (a list taller than the
    pane counts as in sight when part of it shows: scrolling to it would hide the pane's
    top)."""
    if not widget.is_attached or widget is not screen.focused:
        return
    region, visible = widget.region, screen.region
    if region.area and (visible.contains_region(region) or (
            region.height >= visible.height // 2 and visible.overlaps(region))):
        return
    screen.scroll_to_widget(widget, animate=False)


def displayed_within(widget: Widget, container: Widget) -> bool:
    """Not hidden by the profile's choices up to `container` (which may be off screen)."""
    node = widget
    while node is not None and node is not container:
        if not node.display:
            return False
        node = node.parent
    return True
