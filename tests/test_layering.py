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


# Import circles --------------------------------------------------------------------------

def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(module: str, is_package: bool, node: ast.AST, known: set[str]) -> list[str]:
    """The tui modules one import statement names (relative ones resolved; `from X import
    name` is the submodule X.name when there is one, else X)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join([*base, node.module] if node.module else base)
    else:
        source = node.module or ""
    found = [f"{source}.{alias.name}" for alias in node.names
             if f"{source}.{alias.name}" in known]
    return found if len(found) == len(node.names) else [*found, source]


def import_graph() -> dict[str, set[str]]:
    """Every tui module and the tui modules it imports anywhere in its text (at the top, in
    a function, under TYPE_CHECKING)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {_module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        module = _module_name(path)
        edges = graph.setdefault(module, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges.update(name for name in _imported(module, path.name == "__init__.py",
                                                        node, known)
                             if name in known and name != module)
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_circle_finder_finds_a_circle_and_resolves_relative_imports():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_circles(graph) == [["a", "b", "c"]]
    known = {"tui.app", "tui.app.messages", "tui.app.screens.main", "tui.core.store"}
    main = "tui.app.screens.main"
    parse = lambda text: ast.parse(text).body[0]  # noqa: E731
    assert _imported(main, False, parse("from .. import messages"), known) == \
        ["tui.app.messages"]
    assert _imported(main, False, parse("from ...core.store import X"), known) == \
        ["tui.core.store"]
    assert _imported("tui.app", True, parse("from .messages import X"), known) == \
        ["tui.app.messages"]


def test_no_import_circle_in_the_app():
    graph = import_graph()
    app = {m: {t for t in targets if t.startswith("tui.app")}
           for m, targets in graph.items() if m.startswith("tui.app")}
    assert import_circles(app) == []
    # The shell is imported by nothing inside the app but its entry point.
    assert {m for m, targets in app.items() if "tui.app.app" in targets} <= {"tui.app.main"}


def test_no_import_circle_anywhere_in_tui():
    assert import_circles(import_graph()) == []



def _imported_names(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) of every `from tui... import name` in `path`, the ones inside
    functions too (relative imports resolved), but not those for type hints only (under
    `if TYPE_CHECKING:`)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = parts[:-1]  # a module's package; for __init__.py, the package itself
    tree = ast.parse(path.read_text())
    hints = {id(inner) for node in ast.walk(tree)
             if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
             for inner in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or id(node) in hints:
            continue
        if node.level:
            base = package[:len(package) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        if module == "tui" or module.startswith("tui."):
            found += [(module, alias.name, node.lineno) for alias in node.names]
    return found


def test_every_name_imported_from_tui_exists():
    """A name moved or no longer re-exported breaks an import that runs only inside a
    function (the CLI's commands import lazily): every one is checked here, not when a
    user first runs that command."""
    import importlib

    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for module, name, line in _imported_names(path):
            loaded = importlib.import_module(module)
            if name == "*" or hasattr(loaded, name):
                continue
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module}.{name}")
    assert not missing, missing


def test_the_import_check_finds_a_missing_name(tmp_path, monkeypatch):
    """The check above on a module that imports a name its neighbour lacks."""
    fake = tmp_path / "tui" / "core"
    fake.mkdir(parents=True)
    (fake / "lazy.py").write_text("def f():\n    from .keys import no_such_name\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "tui")
    assert _imported_names(fake / "lazy.py") == [("tui.core.keys", "no_such_name", 2)]
