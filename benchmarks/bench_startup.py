"""Start-up: process start to a shown main window with an idle event loop, `ptdesk --demo` on an
existing demo database vs a bare PySide6 QMainWindow script (median of N runs each, offscreen).

    python3 -m uv run python -m benchmarks.bench_startup [--runs 15] [--data-dir DIR]

Each child is a fresh interpreter. The parent notes the wall clock just before starting it; the
child prints the wall clock from a zero-timer queued right before `app.exec()`, which Qt runs
once the shown window's pending events are processed. Target (issue 3): within 2x the bare one.
`--importtime` also writes `python -X importtime` of one ptdesk start to a file for profiling.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The child that starts the real app: ptdesk's own main(), with a stamp at the first idle.
PTDESK_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
_exec = QApplication.exec
def _stamped_exec(*_args):
    app = QApplication.instance()
    def stamp():
        print(f"READY {time.time():.6f}", flush=True)
        app.quit()
    QTimer.singleShot(0, stamp)
    return _exec()
QApplication.exec = _stamped_exec
from ptdesk.app.main import main
sys.exit(main(["--demo", "--data-dir", sys.argv[1]]))
"""

BARE_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1100, 700)
w.show()
def stamp():
    print(f"READY {time.time():.6f}", flush=True)
    app.quit()
QTimer.singleShot(0, stamp)
sys.exit(app.exec())
"""


def _run(code: str, *args: str, env: dict[str, str]) -> float:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )
    for line in out.stdout.splitlines():
        if line.startswith("READY "):
            return (float(line.split()[1]) - t0) * 1000
    raise RuntimeError(f"child did not report ready (exit {out.returncode}): {out.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, help="default: a temp dir, demo created once")
    parser.add_argument("--importtime", type=Path, help="write -X importtime of one ptdesk start")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (every start compiles every module)",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ptdesk-startup-"))
    if not args.no_bytecode:
        # As installed, Python keeps compiled bytecode; a machine with PYTHONDONTWRITEBYTECODE=1
        # would compile ~500 modules (~1.2 s) on every start. Keep the caches outside the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    first = _run(PTDESK_CHILD, str(data_dir), env=env)  # creates and migrates the demo once
    print(f"first start (creates the 300-patient demo clinic): {first:.0f} ms")
    ptdesk, bare = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        bare.append(_run(BARE_CHILD, env=env))
        ptdesk.append(_run(PTDESK_CHILD, str(data_dir), env=env))
    p_med, b_med = statistics.median(ptdesk), statistics.median(bare)
    print(f"bare PySide6 QMainWindow: median {b_med:.0f} ms (min {min(bare):.0f}, n={len(bare)})")
    print(
        f"ptdesk --demo (existing): median {p_med:.0f} ms (min {min(ptdesk):.0f}, n={len(ptdesk)})"
    )
    print(f"ratio: {p_med / b_med:.2f}x (target 2x)")
    if args.importtime:
        res = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", PTDESK_CHILD, str(data_dir)],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        args.importtime.write_text(res.stderr)
        print(f"import times written to {args.importtime}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
