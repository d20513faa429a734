"""Small functions where the rules live: no function in tui/userfiles is over 40 lines or
over cyclomatic complexity 15 (the audit's, import's and apply's rules are tables of small
functions; a long function there is a rule table waiting to be written)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

USERFILES = Path(__file__).resolve().parents[1] / "tui" / "userfiles"
MAX_LINES = 40
MAX_COMPLEXITY = 15


def long_functions(root: Path, limit: int) -> list[str]:
    """Functions (and methods) over `limit` lines under `root`. A function's lines run from
    its `def` to its last line, its docstring, comments and blank lines included and its
    decorators not; a function nested in another counts in its parent's lines too."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} "
                                 f"{node.name} ({lines} lines)")
    return found


def test_no_function_in_the_user_files_package_is_over_40_lines():
    assert long_functions(USERFILES, MAX_LINES) == []


def test_the_line_count_sees_a_long_function_and_its_docstring(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES - 3))
    (package / "fits.py").write_text(f'def fits():\n    """Doc."""\n{body}    return 0\n')
    (package / "long.py").write_text(
        'class A:\n    def method(self):\n        """Doc.\n\n        More."""\n'
        + body.replace("    ", "        ") + "        return 0\n")
    assert long_functions(package, MAX_LINES) == [
        f"package/long.py:2 method ({MAX_LINES + 2} lines)"]


def ruff_complexity(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "C901", "--config",
         f"lint.mccabe.max-complexity={MAX_COMPLEXITY}", "--output-format", "concise",
         str(root)], capture_output=True, text=True, timeout=120)


def test_no_function_in_the_user_files_package_is_over_complexity_15():
    result = ruff_complexity(USERFILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_complexity_check_sees_a_complex_function(tmp_path):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(MAX_COMPLEXITY))
    (tmp_path / "complex.py").write_text(f"def f(x):\n{branches}    return -1\n")
    result = ruff_complexity(tmp_path)
    assert result.returncode == 1 and "C901" in result.stdout, result.stdout + result.stderr
