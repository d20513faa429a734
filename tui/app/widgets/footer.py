"""The footer: the keys that matter here, each whole, at any width and after any resize."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# f1 lists every key: it stays when others must go. Of the keys every screen has, these
# go first, in this order (quit last among them: the help and the palette name it too).
ALWAYS = "f1"
DROP_FIRST = ("ctrl+q", "ctrl+o", "ctrl+s")


class AppFooter(Footer):
    """Textual's compact footer, laid out for the width it has now.

    Keys that do not fit are left out whole (f1 lists them all) instead of being cut at
    the edge, and the command palette's hint is shown only when every key fits beside
    it. Textual's footer decides that once, when its keys change; this one again on
    every change of width, so a terminal resized to 80 columns shows what one started
    at 80 shows.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(compact=True, **kwargs)
        self._laid_out_for = 0
        self._composed_for: tuple | None = None

    def _keys_now(self) -> tuple:
        """What the footer shows depends on: the shown keys (with their descriptions and
        whether each is enabled) and the width."""
        return (self.app.size.width, tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show))

    def bindings_changed(self, screen) -> None:
        """Textual's footer is built anew on every change of the bindings (each move of
        the focus): here only when what it shows changes."""
        if (self._bindings_ready and screen.app.app_focus and self.is_attached
                and screen is self.screen and self._keys_now() == self._composed_for):
            return
        super().bindings_changed(screen)

    def compose(self):
        keys = list(super().compose())
        width = self.app.size.width
        self._laid_out_for = width
        if self._bindings_ready:
            self._composed_for = self._keys_now()
        if not all(isinstance(key, FooterKey) for key in keys):
            yield from keys  # grouped keys: this app has none, Textual's layout then
            return
        palette = [key for key in keys if key.has_class("-command-palette")]
        shown = [key for key in keys if key not in palette]
        # What does not fit goes, whole: first the keys every screen has (f1 lists them),
        # then this screen's own from the last; f1 stays.
        drop = sorted((key for key in shown if key.key != ALWAYS),
                      key=lambda k: (DROP_FIRST.index(k.key) if k.key in DROP_FIRST
                                     else len(DROP_FIRST), -shown.index(k)))
        kept = list(shown)
        removed = []
        for key in drop:
            if _total(kept) <= width:
                break
            kept.remove(key)
            removed.append(key)
        for key in reversed(removed[:-1]):  # one dropped early may fit beside the rest
            with_it = sorted([*kept, key], key=shown.index)
            if _total(with_it) <= width:
                kept = with_it
        # The palette's hint is docked right, after a bar, and only when every key fits.
        if palette and len(kept) == len(shown) and _total(kept) + 1 + _columns(palette[0]) <= width:
            kept += palette
        yield from kept

    def on_resize(self, event: events.Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)


def _total(keys: list[FooterKey]) -> int:
    """The columns `keys` take side by side (no space after the last)."""
    return sum(_columns(key) for key in keys) - 1 if keys else 0


def _columns(key: FooterKey) -> int:
    """A compact key's width: "key description" and the space after it."""
    return len(key.key_display) + (1 + len(key.description) if key.description else 0) + 1
