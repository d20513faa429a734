"""A Select whose list opens below it, inside the pane it is in."""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.widgets import Select
from textual.widgets._select import SelectOverlay


class PaneSelect(Select):
    """Opening its list first scrolls the pane to make room for it below the field.

    Textual keeps an open list inside the screen by moving it up: at the bottom of a pane
    it would then cover the field's own name and value, and the status line under the
    pane. Scrolled first, the list opens where it belongs, between them.
    """

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded:
            self._make_room_below()
        super()._watch_expanded(expanded)

    def _make_room_below(self) -> None:
        pane = next((node for node in self.ancestors
                     if isinstance(node, ScrollableContainer)), None)
        if pane is None or not self.region.area:
            return
        overlay = self.query_one(SelectOverlay)
        height = overlay.option_count + overlay.styles.gutter.height
        if overlay.styles.max_height is not None and overlay.styles.max_height.is_cells:
            height = min(height, int(overlay.styles.max_height.value))
        short = self.region.bottom + height - pane.scrollable_content_region.bottom
        if short > 0:
            pane.scroll_to(y=pane.scroll_y + short, animate=False, immediate=True)
