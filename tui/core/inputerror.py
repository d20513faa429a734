"""The base of every error that bad input causes: a value, a file or a path the user gave.

Each module raises its own subclass (StoreError, DigestError, VersionError, ...). The CLI
reports an InputError as one line with exit status 2; any other exception is a bug and is
reported as one (exit status 1), even a plain ValueError. A subclass of ValueError, so
code that catches ValueError around these calls still catches them.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input; the message is one line that says what is wrong and, if it can, what to
    do instead."""
