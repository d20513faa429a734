"""The scriptable command line over the core. No Textual import on these paths.

`main` is the entry point (`tui.cli:main`); main.py assembles the parser from one module
per command group, common.py holds what they share.
"""

from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PROG, UsageError
from .main import main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "PROG", "UsageError", "main"]
