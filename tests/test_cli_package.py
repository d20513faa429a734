"""The CLI package's shape, and what it reports as bad input versus a bug.

Bad input (an InputError: a UsageError, StoreError, DigestError, ...) is one line with exit
status 2. Anything else is a bug, even a plain ValueError: one line naming the error's type
and place, exit status 1, as the app reports its own crashes.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fake_profile

from tui import cli
from tui.cli.main import COMMANDS, build_parser
from tui.core.inputerror import InputError
from tui.core.store import ProfileStore

PACKAGE = Path(__file__).resolve().parents[1] / "tui"
CLI = PACKAGE / "cli"


# Bad input versus a bug ---------------------------------------------------------------------

def _broken_random_string(length, charset="rfc3986"):
    raise ValueError("internal detail fake-secret-value")


def test_an_unexpected_value_error_in_a_command_is_a_bug_not_bad_input(monkeypatch, capsys):
    monkeypatch.setattr("tui.core.secretgen.random_string", _broken_random_string)
    status = cli.main(["rand"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_FAILED, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("librechat-authelia: stopped on an unexpected error, ValueError in "
                          "tui/cli/secrets.py:")
    assert "(cmd_rand)" in err and "a bug, not your input" in err
    assert "fake-secret-value" not in err  # the message may quote a secret: never shown


def test_bad_input_is_still_one_line_with_exit_2(capsys):
    assert cli.main(["rand", "--length", "0"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err == "librechat-authelia: length must be between 1 and 4096, not 0\n"


def test_a_bug_shows_its_traceback_in_python_development_mode():
    code = ("import tui.core.secretgen as s\n"
            "def broken(*args): raise ValueError('internal detail')\n"
            "s.random_string = broken\n"
            "from tui.cli import main\n"
            "raise SystemExit(main(['rand']))\n")
    result = subprocess.run([sys.executable, "-X", "dev", "-c", code], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ValueError: internal detail" in result.stderr


@pytest.mark.parametrize("name", [
    "tui.core.store:StoreError", "tui.core.store:ProfileNotFound", "tui.core.digest:DigestError",
    "tui.core.versions:VersionError", "tui.core.hosts:HostError",
    "tui.core.duration:DurationError", "tui.core.keys:ProviderError",
    "tui.core.profile:ProfileFormatError", "tui.core.checklist:UnknownStep",
    "tui.core.envfile:UnrepresentableValue", "tui.core.checks:ProfileInvalid",
    "tui.doctor.target:TargetError", "tui.userfiles.apply:ApplyError",
    "tui.userfiles.authelia_config:ConfigInputError", "tui.userfiles.guard:InputPathError",
    "tui.userfiles.yamldoc:YamlDocError", "tui.userfiles.yamldoc:YamlEditError",
    "tui.userfiles.dotenv:DotEnvError", "tui.userfiles.dotenv:DotEnvEditError",
    "tui.cli.common:UsageError", "tui.cli.io:StdinError", "tui.cli.io:OutputError",
])
def test_every_error_of_bad_input_is_an_input_error(name):
    import importlib

    module, _, attribute = name.partition(":")
    error = getattr(importlib.import_module(module), attribute)
    # Still a ValueError: code that catches ValueError around these calls keeps working.
    assert issubclass(error, InputError) and issubclass(error, ValueError)


# The package's shape ------------------------------------------------------------------------

def test_the_entry_point_is_the_main_function():
    from importlib.metadata import entry_points

    from tui.cli import main as entry

    (point,) = [p for p in entry_points(group="console_scripts")
                if p.name == "librechat-authelia"]
    assert point.value == "tui.cli:main"
    assert point.load() is entry is sys.modules["tui.cli.main"].main


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_is_registered_with_its_function_by_the_module_main_names():
    commands = _commands(build_parser())
    assert list(commands) == ["new", "list", "render", "check", "hash", "verify", "rand",
                              "tick", "set", "write-key", "audit", "import", "apply", "doctor"]
    assert list(commands) == list(COMMANDS)
    for name, sub in commands.items():
        func = sub.get_default("func")
        assert callable(func) and func.__module__ == f"tui.cli.{COMMANDS[name]}", name


@pytest.mark.parametrize("argv", [
    ["new", "home", "--app-url", "https://chat.home.lan", "--auth-url", "https://auth.home.lan",
     "--provider", "existing", "--hairpin"],
    ["list"], ["render", "env", "--profile", "home"], ["check"], ["hash", "--algorithm", "bcrypt"],
    ["verify", "--digest-stdin"], ["rand", "--length", "9"], ["tick", "discovery", "--undo"],
    ["set", "--no-refresh-tokens", "--consent", "implicit"], ["write-key", "k.pem"],
    ["audit", "--authelia-config", "a.yml", "--authelia-config", "b.yml", "--env", ".env"],
    ["import", "x", "--authelia-config", "a.yml", "--env", ".env", "--force"],
    ["apply", "env", "--profile", "home", "--file", ".env", "--dry-run"],
    ["doctor", "--timeout", "3", "--format", "json"],
])
def test_the_parser_of_one_command_reads_its_command_line_as_the_whole_one_does(argv):
    assert set(_commands(build_parser(argv[0]))) < set(COMMANDS)
    assert vars(build_parser(argv[0]).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_render_env_loads_no_other_command_and_nothing_it_does_not_use():
    ProfileStore().save("p", fake_profile())
    code = ("import sys\n"
            "before = set(sys.modules)\n"
            "from tui.cli import main\n"
            "assert main(['render', 'env', '--profile', 'p']) == 0\n"
            "print(' '.join(sorted(set(sys.modules) - before)), file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "OPENID_CLIENT_ID=" in result.stdout, result.stderr
    loaded = set(result.stderr.split())
    commands = {f"tui.cli.{module}" for module in COMMANDS.values()}
    assert loaded & commands == {"tui.cli.render"}
    # hashlib: a stamp nobody asked for; duration: no consent duration to read
    assert not loaded & {"hashlib", "tui.core.duration", "tui.core.checklist", "tui.core.authelia"}


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, list[str], ast.AST]]:
    """(module, names, node) of each import in the file, relative ones made absolute
    (`root` is the directory of the package tui)."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    package = parts if path.name == "__init__.py" else parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, node.module] if node.module else base)
            found.append((module, [alias.name for alias in node.names], node))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, [], node) for alias in node.names)
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_names_used(path: Path, root: Path = PACKAGE) -> list[str]:
    """Each private name the file takes from another tui module: `from tui.x import _y`,
    or `_y` read off a tui module it imported (`from tui import x; x._y`)."""
    problems = []
    modules: set[str] = set()  # local names bound to tui modules
    for module, _names, node in _imports(path, root):
        if not module.startswith("tui"):
            continue
        if isinstance(node, ast.Import):
            modules.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
            continue
        for alias in node.names:
            if _is_private(alias.name):
                problems.append(f"{path.name}:{node.lineno}: from {module} import {alias.name}")
            # whether it names a module or not, reading a private attribute off it is flagged
            modules.add(alias.asname or alias.name)
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and _is_private(node.attr)):
            problems.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    return problems


def test_the_private_name_check_finds_both_forms(tmp_path):
    sample = tmp_path / "tui" / "cli" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from .common import _secret, ok\n"
                      "from ..core import store\n"
                      "from .. import __version__\n"
                      "import argparse\n"
                      "store._stamp_of(b'')\n"
                      "argparse._SubParsersAction\n")
    assert private_names_used(sample, root=tmp_path / "tui") == [
        "sample.py:1: from tui.cli.common import _secret", "sample.py:5: store._stamp_of"]


def test_no_cli_module_imports_a_private_name_from_another_tui_module():
    paths = sorted(CLI.rglob("*.py"))
    assert {p.name for p in paths} >= {"__init__.py", "main.py", "common.py", "doctor.py"}
    problems = [problem for path in paths for problem in private_names_used(path)]
    assert problems == []


def test_common_is_a_leaf_and_no_command_module_imports_main():
    for path in sorted(CLI.rglob("*.py")):
        imported = {module for module, _, _ in _imports(path)}
        imported |= {f"{module}.{name}" for module, names, _ in _imports(path)
                     for name in names}
        if path.name == "common.py":
            assert not {m for m in imported if m.startswith("tui.cli")}, path
        if path.name not in ("__init__.py", "main.py"):
            assert "tui.cli.main" not in imported, path

