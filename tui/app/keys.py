"""The provider's signing key, made and checked off the UI thread.

Making one takes seconds at 4096 bits; reading one back to check it (RSA, its size)
about 40 ms, too much for every keystroke on the UI thread: both run in background
threads, and the checks' findings are kept per key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import provider
from .background import BackgroundJobs
from .widgets.text import outside_markup

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


class KeyJobs(BackgroundJobs):
    """One key at a time; the newest request wins."""

    def __init__(self, app: LibreChatAutheliaApp) -> None:
        super().__init__(app)
        self.generating = False
        self._generation = 0
        # (key, key_bits) -> findings of provider.verify_key_findings
        self._checked: dict[tuple[str, int], list] = {}
        self._checking: set[tuple[str, int]] = set()

    def findings(self, profile) -> list:
        """The key's findings when known; unknown ones are checked in the background."""
        if profile.provider != "new" or not profile.signing_key:
            return []
        key = (profile.signing_key, profile.key_bits)
        if key in self._checked:
            return self._checked[key]
        if key not in self._checking and self.app.panes_ready:
            # Not before every pane is built: reading the key loads `cryptography`, which
            # would hold up the first screen (the app refreshes once the panes are ready).
            self._checking.add(key)
            self.start(self._check, profile, key)
        return []

    def _check(self, profile, key) -> None:
        self.reply(self._checked_done, key, provider.verify_key_findings(profile))

    def _checked_done(self, key, findings: list) -> None:
        self._checking.discard(key)
        self._checked[key] = findings
        self.app.refresh_views()

    def generate(self, bits: int) -> None:
        """A new RSA key of `bits` for the open profile, delivered to app.key_made."""
        self._generation += 1
        self.generating = True
        self.start(self._make, bits, self._generation)

    def cancel_pending(self) -> None:
        self._generation += 1  # a key still being made is dropped when it is ready
        self.generating = False

    def _make(self, bits: int, generation: int) -> None:
        try:
            pem, key_id = provider.new_signing_key(bits)
        except Exception as error:  # never "generating" for ever
            self.reply(self._failed, f"{type(error).__name__}: {error}", generation)
            return
        self.reply(self._made, bits, pem, key_id, generation)

    def _failed(self, message: str, generation: int) -> None:
        if generation == self._generation:
            self.generating = False
            self.app.notify(outside_markup(message), title="Cannot make the signing key",
                            severity="error")
            self.app.refresh_views()

    def _made(self, bits: int, pem: str, key_id: str, generation: int) -> None:
        if generation != self._generation:
            return  # another key was asked for meanwhile, or another profile opened
        self.generating = False
        self.app.key_made(bits, pem, key_id)
