"""The provider's signing key, made off the UI thread (seconds at 4096 bits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import provider
from .background import BackgroundJobs

if TYPE_CHECKING:
    from .app import LibreChatAutheliaApp


class KeyJobs(BackgroundJobs):
    """One key at a time; the newest request wins."""

    def __init__(self, app: LibreChatAutheliaApp) -> None:
        super().__init__(app)
        self.generating = False
        self._generation = 0

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
            self.app.notify(message, title="Cannot make the signing key", severity="error")
            self.app.refresh_views()

    def _made(self, bits: int, pem: str, key_id: str, generation: int) -> None:
        if generation != self._generation:
            return  # another key was asked for meanwhile, or another profile opened
        self.generating = False
        self.app.key_made(bits, pem, key_id)
