"""The wheel carries the .tcss files, and they are found from a checkout too."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tui.resources import styles_dir

ROOT = Path(__file__).resolve().parents[1]


def test_styles_are_found_from_the_source_checkout():
    found = {p.name for p in styles_dir().glob("*.tcss")}
    assert found == {p.name for p in (ROOT / "styles").glob("*.tcss")} and found


def test_the_wheel_ships_the_styles_inside_the_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(ROOT)], capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("librechat_authelia-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for tcss in (ROOT / "styles").glob("*.tcss"):
        assert f"tui/styles/{tcss.name}" in names
    assert "tui/core/digest.py" in names
    assert not any(name.startswith("tests/") for name in names)
