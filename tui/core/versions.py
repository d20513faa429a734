"""Version strings as users write them: 4.39, v4.39.20, 0.8.7, v0.8.8-rc1."""

from __future__ import annotations

import re
from collections import namedtuple

from .inputerror import InputError
from .shown import shown

_VERSION = re.compile(
    r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-.]?(alpha|beta|rc)\.?(\d*))?", re.IGNORECASE
)
_PRE_RANK = {"alpha": 0, "beta": 1, "rc": 2}
_RELEASE = 3


class VersionError(InputError):
    pass


class Version(namedtuple("Version", "major minor patch pre_rank pre_number",
                         defaults=(_RELEASE, 0))):
    """Comparable as a tuple; pre_rank puts pre-releases before their release."""

    __slots__ = ()

    @classmethod
    def parse(cls, text: str, *, what: str = "a version",
              examples: str = "0.8.7, v0.8.8-rc1 or 4.39") -> Version:
        match = _VERSION.fullmatch(text.strip())
        if not match or len(text) > 64:  # and no int() of 100,000 digits
            # the text is the user's: escaped and cut (set --librechat <100,000 characters>)
            raise VersionError(f"'{shown(text)}' is not {what}: write it like {examples}")
        major, minor, patch, pre, pre_number = match.groups()
        rank = _PRE_RANK[pre.lower()] if pre else _RELEASE
        return cls(int(major), int(minor), int(patch or 0), rank, int(pre_number or 0))

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre_rank != _RELEASE:
            name = next(k for k, v in _PRE_RANK.items() if v == self.pre_rank)
            text += f"-{name}{self.pre_number}"
        return text
