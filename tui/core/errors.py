"""ProfileInvalid, for the modules that still import it from here: it lives in checks.py,
beside require_valid and the checks that raise it."""

from __future__ import annotations

from .checks import ProfileInvalid, require_valid

__all__ = ["ProfileInvalid", "require_valid"]
