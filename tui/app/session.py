"""The open profile's life: which one it is, what is on disk, what is being edited.

No Textual here: the main screen shows a session, and every change of profile (open, new,
save, revert, a tick) goes through it, so what the fields show and what is saved come from
one place. Store errors pass through as StoreError for the screen to show.

A profile whose digest or signing key is still being made is not saved yet: a save asked
for meanwhile waits (`save_when_ready`), and `save_due` says when it may go ahead.

Every save is checked against the file as it was loaded (the store's stamp): a profile
changed on disk meanwhile (by `librechat-authelia new NAME --force` in another shell, say)
raises ProfileChangedOnDisk instead of being overwritten, and the app asks what to do.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.profile import Profile
from ..core.store import ProfileStore, Stamp, StoreError

DEFAULT_PROFILE_NAME = "default"


class ProfileSession:
    def __init__(self, store: ProfileStore) -> None:
        self.store = store
        self.name = DEFAULT_PROFILE_NAME
        self.profile = Profile()
        self.saved: Profile | None = None  # as on disk; None if never saved
        self.stamp: Stamp | None = None  # the file as loaded or last written
        self.save_pending = False  # save once the digest and the key being made are ready

    @property
    def dirty(self) -> bool:
        return self.saved != self.profile

    def open(self, name: str) -> Profile:
        """Load `name` and make it the open profile (and the last used one)."""
        profile, stamp = self.store.load_with_stamp(name)
        self.name, self.saved, self.profile, self.stamp = name, profile, profile, stamp
        if self.store.last_used() != name:
            self.store.set_last_used(name)
        return profile

    def save_when_ready(self, wanted: bool = True) -> None:
        self.save_pending = wanted

    def save_due(self, busy: bool) -> bool:
        """Whether a waiting save may go now (`busy`: a digest or key is being made)."""
        if self.save_pending and not busy:
            self.save_pending = False
            return True
        return False

    def save_refusal(self, digest_mismatch: bool) -> str | None:
        """Why the profile must not be saved as it is, or None.

        Never a new secret with a digest that was not made from it.
        """
        if digest_mismatch and (self.saved is None
                                or self.saved.client_secret != self.profile.client_secret):
            return ("The digest was not made from this client secret: fix the secret on "
                    "Secrets (it is hashed again by itself).")
        return None

    def reload(self) -> Profile:
        """The profile's file as it is on disk now (the user's answer to a change there)."""
        return self.open(self.name)

    def start(self, name: str, profile: Profile) -> None:
        """A profile that is not on disk yet."""
        self.name, self.saved, self.profile, self.stamp = name, None, profile, None

    def save(self, *, replace_changed: bool = False) -> None:
        """Save the profile; a new one never replaces a file, a loaded one only the file
        as it was loaded (unless `replace_changed`, the user's answer to that conflict)."""
        expected = None if replace_changed else self.stamp
        self.stamp = self.store.save_with_stamp(
            self.name, self.profile, overwrite=replace_changed or self.saved is not None,
            expected=expected)
        self.saved = self.profile
        self.store.set_last_used(self.name)

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
        self.stamp = self.store.save_with_stamp(self.name, stored, expected=self.stamp)
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
        try:
            names = set(self.store.names())
        except StoreError:
            return base  # an unreadable directory: saving will say so
        if base not in names:
            return base
        return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in names)
