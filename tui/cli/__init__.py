"""The scriptable command line over the core. No Textual import on these paths."""

from .main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PROG, UsageError, main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "PROG", "UsageError", "main"]
