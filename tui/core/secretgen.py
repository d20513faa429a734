"""Random values made the way `authelia crypto rand` makes them."""

from __future__ import annotations

import secrets

from .facts import ALPHANUMERIC, RFC3986_UNRESERVED
from .inputerror import InputError

CHARSETS = {"rfc3986": RFC3986_UNRESERVED, "alphanumeric": ALPHANUMERIC}

CLIENT_ID_LENGTH = 72
CLIENT_ID_CHARSET = "rfc3986"
CLIENT_SECRET_LENGTH = 72
CLIENT_SECRET_CHARSET = "rfc3986"
SESSION_SECRET_LENGTH = 64
SESSION_SECRET_CHARSET = "alphanumeric"

MAX_LENGTH = 4096


def random_string(length: int, charset: str = "rfc3986") -> str:
    """`length` characters drawn uniformly from the named charset with `secrets`.

    A length out of range is bad input (`rand --length 0`); an unknown charset is the
    caller's bug (every caller offers only CHARSETS)."""
    if charset not in CHARSETS:
        raise ValueError(f"unknown charset {charset!r}: use one of {', '.join(CHARSETS)}")
    if not 1 <= length <= MAX_LENGTH:
        raise InputError(f"length must be between 1 and {MAX_LENGTH}, not {length}")
    alphabet = CHARSETS[charset]
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_client_id() -> str:
    return random_string(CLIENT_ID_LENGTH, CLIENT_ID_CHARSET)


def new_client_secret() -> str:
    return random_string(CLIENT_SECRET_LENGTH, CLIENT_SECRET_CHARSET)


def new_session_secret() -> str:
    return random_string(SESSION_SECRET_LENGTH, SESSION_SECRET_CHARSET)
