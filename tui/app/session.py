"""The open profile's life: which one it is, what is on disk, what is being edited.

No Textual here: the app shows a session, and every change of profile (open, new, save,
revert, a tick) goes through it, so what the fields show and what is saved come from one
place. Store errors pass through as StoreError for the app to show.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.profile import Profile
from ..core.store import ProfileStore

DEFAULT_PROFILE_NAME = "default"


class ProfileSession:
    def __init__(self, store: ProfileStore) -> None:
        self.store = store
        self.name = DEFAULT_PROFILE_NAME
        self.profile = Profile()
        self.saved: Profile | None = None  # as on disk; None if never saved

    @property
    def dirty(self) -> bool:
        return self.saved != self.profile

    def open(self, name: str) -> Profile:
        """Load `name` and make it the open profile (and the last used one)."""
        profile = self.store.load(name)
        self.name, self.saved, self.profile = name, profile, profile
        if self.store.last_used() != name:
            self.store.set_last_used(name)
        return profile

    def start(self, name: str, profile: Profile) -> None:
        """A profile that is not on disk yet."""
        self.name, self.saved, self.profile = name, None, profile

    def save(self) -> None:
        self.store.save(self.name, self.profile)
        self.store.set_last_used(self.name)
        self.saved = self.profile

    def save_as(self, name: str, profile: Profile) -> None:
        """Make `profile` the open one under `name`, and save it."""
        self.start(name, profile)
        self.save()

    def store_checklist(self) -> bool:
        """Store the current ticks at once, leaving other unsaved edits unsaved.

        False when the profile was never saved (the ticks go with its first save).
        """
        if self.saved is None:
            return False
        stored = self.saved.with_changes(checklist=self.profile.checklist)
        self.store.save(self.name, stored)
        self.saved = stored
        return True

    def rename(self, old: str, new: str) -> None:
        self.store.rename(old, new)
        if old == self.name:
            self.name = new

    def path(self):
        return self.store.path(self.name)

    # Names ------------------------------------------------------------------------------

    def names_last_used_first(self) -> Iterator[str]:
        """Lazily: the directory is listed only when the last-used profile cannot be opened."""
        last = self.store.last_used()
        if last:
            yield last
        yield from (name for name in self.store.names() if name != last)

    def unused_name(self, base: str) -> str:
        names = set(self.store.names())
        if base not in names:
            return base
        return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in names)
