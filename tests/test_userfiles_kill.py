"""Kill -9 during apply, at random points: the file is always the old or the new one, whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import fake_profile
from tests.userfiles_helpers import clean_env
from tui.userfiles.apply import apply_env

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("Label A", "Label B")
WRITER = f"""
import sys
from pathlib import Path
from tests.conftest import fake_profile
from tui.userfiles.apply import apply_file
path = Path(sys.argv[1])
print("ready", flush=True)
for i in range(100000):
    apply_file("env", fake_profile(button_label={LABELS!r}[i % 2]), path)
"""


def test_kill_during_apply_leaves_a_whole_file(tmp_path):
    path = tmp_path / ".env"
    original = clean_env()
    path.write_text(original)
    first = apply_env(original, fake_profile(button_label=LABELS[0]))[0]
    second = apply_env(first, fake_profile(button_label=LABELS[1]))[0]
    assert apply_env(second, fake_profile(button_label=LABELS[0]))[0] == first
    whole = {original, first, second}
    rng = random.Random(1234)
    seen = set()
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                                   stdout=subprocess.PIPE, env={**os.environ,
                                                                "PYTHONPATH": str(ROOT)})
        try:
            assert process.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.01, 0.4))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            process.stdout.close()
        text = path.read_text()
        assert text in whole
        seen.add(text)
    # The writer did get to write: the test saw more than the untouched file.
    assert seen - {original}
