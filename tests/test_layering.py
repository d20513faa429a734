"""The core and the CLI never import Textual; the app is the only layer that does."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tui"

# Everything below the app, as globs under tui/: none of it may import Textual or the app.
# A new module or package outside tui/app must be named here (see the test after the next).
BELOW_THE_APP = ("__init__.py", "__main__.py", "resources.py", "cli.py", "cli_*.py",
                 "cli/**/*.py", "core/**/*.py", "userfiles/**/*.py", "doctor/**/*.py")


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
                assert "app" not in name.split(".") or path.name == "cli.py", f"{path}: {name}"


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
        "import sys, tui.doctor, tui.doctor.runner, tui.doctor.tlsprobe, tui.cli_doctor\n"
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


# Import cycles ---------------------------------------------------------------------------
# Every import counts: at the top, inside a function (a lazy import) and under TYPE_CHECKING.
# tui/app and the CLI (tui/cli.py, tui/cli_*.py, tui/cli/) are left out while their own
# circles are being taken apart; remove them from CYCLE_EXEMPT once they have none.
CYCLE_EXEMPT = ("tui.app", "tui.cli")


def cycle_exempt(module: str) -> bool:
    return any(module == name or module.startswith((f"{name}.", f"{name}_"))
               for name in CYCLE_EXEMPT)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The tui modules `path` imports, relative imports resolved; `from p import m` names
    the submodule p.m when there is one, else the module p."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                out.add(submodule if submodule in known else base)
    return {module for module in out if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: imported_modules(path, known) for name, path in paths.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path back to its start) for each back edge a depth-first walk meets."""
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_import_cycles_finds_a_circle_and_no_false_one():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c", "a"]]
    assert import_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_relative_imports_resolve_to_modules_and_packages():
    graph = import_graph()
    assert {"tui.core.digest", "tui.core.facts", "tui.core.findings"} <= graph["tui.core.checks"]
    assert "tui.doctor.runner" in graph["tui.doctor"]  # a lazy import inside __getattr__


def test_no_import_cycle_among_tui_modules():
    graph = {name: {target for target in targets if not cycle_exempt(target)}
             for name, targets in import_graph().items() if not cycle_exempt(name)}
    cycles = import_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)
