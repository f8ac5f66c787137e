"""After the start, what lives as long as the window is moved out of the garbage collector's
sight (gc.freeze), so a full collection (~50 ms with the window, the mappers and the lookup's
index) no longer lands in the middle of a keystroke's repaint. Run as the app runs, in a
process of its own (run_gui signs the demo user in and installs its hooks)."""

import os
import subprocess
import sys
from pathlib import Path

_CHILD = """
import gc, sys
from ptdesk.app import gui
from ptdesk.app.main import main
gui.FREEZE_AFTER_MS = int(sys.argv[2])  # the smoke test quits after 200 ms
code = main(["--demo", "--data-dir", sys.argv[1], "--smoke-test"])
print("frozen", gc.get_freeze_count(), code)
"""


def _frozen(tmp_path: Path, after_ms: int) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path), str(after_ms)],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    word, count, code = out.stdout.strip().splitlines()[-1].split()
    assert (word, code) == ("frozen", "0")
    return int(count)


def test_the_window_freezes_its_start_up_objects(tmp_path: Path) -> None:
    assert _frozen(tmp_path, 60_000) == 0  # not yet when the window closes first
    assert _frozen(tmp_path, 0) > 10_000  # the modules, classes, widgets and mappers
