"""Kill -9 during apply, at random points: the file is always the old or the new one, whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import fake_profile
from tests.userfiles_helpers import clean_config, clean_env
from tui.userfiles.apply import apply_authelia, apply_env

ROOT = Path(__file__).resolve().parents[1]
# Two profiles that differ in one value, applied in turn: the file keeps changing.
CHANGES = {"env": ("button_label", ("Label A", "Label B")),
           "authelia": ("client_name", ("LibreChat A", "LibreChat B"))}
WRITER = """
import sys
from pathlib import Path
from tests.conftest import fake_profile
from tui.userfiles.apply import apply_file
target, path, field, values = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
print("ready", flush=True)
for i in range(100000):
    apply_file(target, fake_profile(**{field: values[i % 2]}), path)
"""


@pytest.mark.parametrize("target", ["env", "authelia"])
def test_kill_during_apply_leaves_a_whole_file(tmp_path, target):
    field, values = CHANGES[target]
    path = tmp_path / (".env" if target == "env" else "configuration.yml")
    original = clean_env() if target == "env" else clean_config()
    path.write_text(original)
    edit = apply_env if target == "env" else apply_authelia
    first = edit(original, fake_profile(**{field: values[0]}))[0]
    second = edit(first, fake_profile(**{field: values[1]}))[0]
    assert edit(second, fake_profile(**{field: values[0]}))[0] == first
    whole = {original, first, second}
    rng = random.Random(1234)
    seen = set()
    for _ in range(5):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, target, str(path), field, *values], cwd=ROOT,
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            assert process.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.05, 0.5))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            process.stdout.close()
        text = path.read_text()
        assert text in whole
        seen.add(text)
    # The writer did get to write: the test saw more than the untouched file.
    assert seen - {original}
