"""The core and the CLI never import Textual; the app is the only layer that does."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tui"
CLI_MAIN = PACKAGE / "cli" / "main.py"

# Everything below the app, as globs under tui/: none of it may import Textual or the app.
# A new module or package outside tui/app must be named here (see the test after the next).
BELOW_THE_APP = ("__init__.py", "__main__.py", "resources.py", "cli/**/*.py", "core/**/*.py",
                 "userfiles/**/*.py", "doctor/**/*.py")


def modules_below_the_app() -> list[Path]:
    return sorted({path for pattern in BELOW_THE_APP for path in PACKAGE.glob(pattern)})


def test_no_module_in_the_core_or_cli_imports_textual():
    for path in modules_below_the_app():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else [
                    "." * node.level + (node.module or "")]
            for name in names:
                assert name.split(".")[0] not in ("textual", "rich"), f"{path}: {name}"
                # By component: tui.userfiles.apply is not the app.
                # The CLI's entry point alone opens the app (no command given).
                assert "app" not in name.split(".") or path == CLI_MAIN, f"{path}: {name}"


def test_cli_commands_run_without_loading_textual():
    code = (
        "import sys, tui.cli, tui.core.authelia, tui.core.librechat, tui.core.checklist, "
        "tui.core.store, tui.core.checks, tui.core.digest, tui.userfiles.dotenv\n"
        "tui.cli.main(['rand'])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
        "assert 'passlib' not in sys.modules, 'rand should not load passlib'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_textual_check_walks_every_module_outside_the_app():
    everything = set(PACKAGE.rglob("*.py"))
    app = set((PACKAGE / "app").rglob("*.py"))
    assert set(modules_below_the_app()) == everything - app
    assert app and PACKAGE / "userfiles" / "dotenv.py" in everything - app


def test_the_doctor_runs_without_loading_textual():
    code = (
        "import sys, tui.doctor, tui.doctor.runner, tui.doctor.tlsprobe, tui.cli.doctor\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_doctors_codes_and_targets_load_without_httpx():
    code = (
        "import sys\n"
        "from tui.doctor import CODES, target_from_profile\n"
        "assert 'httpx' not in sys.modules, 'httpx was imported'\n"
        "from tui.doctor import run\n"
        "assert 'httpx' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
