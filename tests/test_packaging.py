"""Packaging: one version string, honest dependency ranges, styles found from a checkout.

Building and installing the wheel is slow, so it is checked in `.ci/run`, not here.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import tui
from tui.resources import styles_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def requirements() -> list[Requirement]:
    return [Requirement(line) for line in [
        *PROJECT["dependencies"], *PROJECT["optional-dependencies"]["test"]]]


def test_styles_are_found_from_the_source_checkout():
    found = {p.name for p in styles_dir().glob("*.tcss")}
    assert found == {p.name for p in (ROOT / "styles").glob("*.tcss")} and found


def test_the_version_is_written_once_in_tui_init():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "tui/__init__.py"


def test_version_flag_prints_the_installed_version():
    result = subprocess.run([sys.executable, "-m", "tui", "--version"],
                            capture_output=True, text=True, timeout=60)
    installed = importlib.metadata.version("librechat-authelia")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"librechat-authelia {installed}"
    assert installed == tui.__version__


def test_every_dependency_has_a_lower_and_an_upper_bound():
    for requirement in requirements():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators == {">=", "<"}, f"{requirement}: give a range, >=LOW,<HIGH"


@pytest.mark.parametrize("requirement", requirements(), ids=str)
def test_the_installed_version_is_inside_the_declared_range(requirement):
    if requirement.marker is not None and not requirement.marker.evaluate():
        return  # a back-port for another Python (tomli), not installed here
    installed = importlib.metadata.version(requirement.name)
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"{requirement.name} {installed} is outside {requirement.specifier}")


def test_textual_is_bounded_to_what_the_app_and_its_snapshots_are_made_for():
    (textual,) = [r for r in requirements() if r.name == "textual"]
    assert "syntax" in textual.extras
    # Compact widgets, breakpoints and Footer(compact=) need 6.0; the snapshots render as
    # they do from 8.2.7 on (8.2.6 draws the values dialog differently, 8.2.4 every screen).
    assert not textual.specifier.contains("5.3.0")
    assert not textual.specifier.contains("8.2.6") and textual.specifier.contains("8.2.7")
    # The app overrides Textual internals: the next major is not assumed to keep them.
    installed_major = Version(importlib.metadata.version("textual")).major
    assert not textual.specifier.contains(f"{installed_major + 1}.0.0")


def test_the_wheel_is_configured_to_carry_the_styles_inside_the_package():
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["tui"]
    assert wheel["force-include"] == {"styles": "tui/styles"}
    assert PROJECT["scripts"] == {"librechat-authelia": "tui.cli:main"}


def test_ci_builds_and_checks_the_wheel():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip wheel" in ci and "tui/styles/" in ci and "tests/" in ci


def test_ci_runs_the_readmes_test_command_exactly():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("Install and run the whole test suite", 1)[1].split("```sh\n", 1)[1]
    command = block.split("\n", 1)[0]
    assert command.endswith(".venv/bin/python -m pytest")
    assert command in (ROOT / ".ci" / "run").read_text()


# Node.js for the interop tests: skipped on a developer's machine without it, never in CI --


def no_node(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: None)


@pytest.mark.parametrize("ci", [None, "", "0", "false"])
def test_without_node_the_interop_tests_skip_outside_ci(monkeypatch, ci):
    from conftest import require_node

    no_node(monkeypatch)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="node and npm not found"):
        require_node()


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_without_node_the_interop_tests_fail_under_ci(monkeypatch, ci):
    from conftest import require_node

    no_node(monkeypatch)
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI is set, so they must run"):
        require_node()


def test_under_ci_the_openid_client_tests_fail_without_node(tmp_path):
    # The real test file on a PATH without node or npm, as a CI box without Node.js.
    env = {**os.environ, "PATH": str(tmp_path), "CI": "true", "PYTEST_ADDOPTS": ""}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_doctor_openid_client.py", "-k", "logs_in"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "CI is set, so they must run" in result.stdout and "1 error" in result.stdout
