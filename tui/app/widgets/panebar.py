"""The row of pane names under the header: each with its key, the current one marked.

One widget drawing one line, rather than a tab widget per pane: the keys (F2-F6, alt+letter)
are how panes are reached, a click on a name works too, and the start-up stays quick (a
Tabs bar is nine widgets and its own stylesheet before the first screen can be drawn).
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from ..messages import PaneChosen


class PaneBar(Widget):
    """`panes` is (pane id, key, title, short title); a click on a name shows that pane.

    The names are the longest words that fit the width (full, then short, then closer
    together): every pane's key and a name a person can read stay on screen.
    """

    COMPONENT_CLASSES = {"pane-bar--active", "pane-bar--hover", "pane-bar--key"}
    DEFAULT_CSS = """
    PaneBar {
        height: 1;
    }
    """

    active: reactive[str] = reactive("")
    hover: reactive[str] = reactive("")  # the pane name under the mouse

    def __init__(self, panes: list[tuple[str, str, str, str]], active: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.panes = panes
        self.set_reactive(PaneBar.active, active)

    def render(self) -> Content:
        active_style = self.get_visual_style("pane-bar--active")
        hover_style = self.get_visual_style("pane-bar--hover")
        key_style = self.get_visual_style("pane-bar--key")
        labels, pad = self._labels()
        # Roomy: " f2 Assumptions " side by side; tight: "f2 Assume" one space apart.
        parts: list[Content | tuple[str, Style] | str] = []
        edge = " " if pad else ""
        for pane_id, key, title in labels:
            if not pad:
                parts.append(" ")
            # The space after the key is in the key's run: a run that starts with a space
            # loses it in SVG screenshots (rsvg, browsers), which then show "f2Assumptions".
            name = Content.assemble(edge, (f"{key} ", key_style), f"{title}{edge}")
            if pane_id == self.active:
                name = name.stylize(active_style)
            elif pane_id == self.hover:
                name = name.stylize_before(hover_style)
            parts.append(name.stylize(Style.from_meta({"pane": pane_id})))
        return Content.assemble(*parts)

    def _labels(self) -> tuple[list[tuple[str, str, str]], bool]:
        """(pane id, key, name) in the longest form that fits the width, and whether each
        name has a space of its own on both sides (else one space between names)."""
        width = self.size.width or 80
        # The full names; then "LibreChat env" as "LibreChat" (80 columns fit every name);
        # then the short names, roomy then tight (60 columns fit them); then their first
        # letters, which only a terminal narrower than any the app supports gets.
        forms = [(lambda t, s: t, True), (lambda t, s: t.split()[0], True),
                 (lambda t, s: t.split()[0], False), (lambda t, s: s, True),
                 (lambda t, s: s, False), (lambda t, s: s[:3], False)]
        for form, pad in forms:
            labels = [(pane_id, key, form(title, short))
                      for pane_id, key, title, short in self.panes]
            if _width(labels, pad) <= width:
                return labels, pad
        return labels, pad

    def on_resize(self) -> None:
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover = event.style.meta.get("pane", "")

    def on_leave(self, event: events.Leave) -> None:
        self.hover = ""

    def on_click(self, event: events.Click) -> None:
        # Not an @click link: links take the link colours and hide which pane is current.
        pane_id = event.style.meta.get("pane")
        if pane_id:
            self.post_message(PaneChosen(pane_id))


def _width(labels: list[tuple[str, str, str]], pad: bool) -> int:
    """The columns `labels` take: " key name " each, or " key name" each."""
    return sum(len(key) + len(name) + (3 if pad else 2) for _, key, name in labels)
