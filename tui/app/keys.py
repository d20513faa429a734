"""The provider's signing key, made and checked off the UI thread.

Making one takes seconds at 4096 bits; reading one back to check it (RSA, its size)
about 40 ms, too much for every keystroke on the UI thread: both run in background
threads, report as messages (KeyMade, KeyFailed, KeyChecked), and the checks' findings
are kept per key.
"""

from __future__ import annotations

from ..core import keys as core_keys
from ..core import provider_checks
from .background import BackgroundJobs, Target
from .messages import KeyChecked, KeyFailed, KeyMade


class KeyJobs(BackgroundJobs):
    """One key at a time; the newest request wins."""

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.generating = False
        # Off until the first screen is up: reading a key loads `cryptography`, which would
        # hold up the first screen.
        self.checks_allowed = False
        self._generation = 0
        # (key, key_bits) -> findings of provider_checks.verify_key_findings
        self._checked: dict[tuple[str, int], list] = {}
        self._checking: set[tuple[str, int]] = set()

    def findings(self, profile) -> list:
        """The key's findings when known; unknown ones are checked in the background."""
        if profile.provider != "new" or not profile.signing_key:
            return []
        key = (profile.signing_key, profile.key_bits)
        if key in self._checked:
            return self._checked[key]
        if key not in self._checking and self.checks_allowed:
            self._checking.add(key)
            self.start(self._check, profile, key)
        return []

    def _check(self, profile, key) -> None:
        self.post(KeyChecked(key, provider_checks.verify_key_findings(profile)))

    def checked(self, news: KeyChecked) -> None:
        self._checking.discard(news.key)
        self._checked[news.key] = news.findings

    def generate(self, bits: int) -> None:
        """A new RSA key of `bits` for the open profile, reported by KeyMade."""
        self._generation += 1
        self.generating = True
        self.start(self._make, bits, self._generation)

    def cancel_pending(self) -> None:
        self._generation += 1  # a key still being made is dropped when it is ready
        self.generating = False

    def _make(self, bits: int, generation: int) -> None:
        try:
            pem, key_id = core_keys.new_signing_key(bits)
        except Exception as error:  # never "generating" for ever
            self.post(KeyFailed(f"{type(error).__name__}: {error}", generation))
            return
        self.post(KeyMade(bits, pem, key_id, generation))

    def failed(self, news: KeyFailed) -> bool:
        """True when the failed key was the latest one asked for (the user is told)."""
        if news.generation != self._generation:
            return False
        self.generating = False
        return True

    def made(self, news: KeyMade) -> bool:
        """True when the key is the latest one asked for (the profile may take it)."""
        if news.generation != self._generation:
            return False  # another key was asked for meanwhile, or another profile opened
        self.generating = False
        return True
