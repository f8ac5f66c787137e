"""Start-up: process start to a usable main window, `ptdesk --demo` on an existing demo database
vs a bare PySide6 QMainWindow script (median of N runs each, offscreen).

    python3 -m uv run python -m benchmarks.bench_startup [--runs 15] [--data-dir DIR]

Each child is a fresh interpreter. The parent notes the wall clock just before starting it; the
child prints the wall clock from a zero-timer queued right before `app.exec()`, which Qt runs
once the shown window's pending events are processed. Target (issue 3): within 2x the bare one.

"Usable" is checked, not assumed: at that moment the ptdesk child also checks that the window is
shown and its current (first) page is built, visible and enabled, and fails otherwise. It then
presses Ctrl+F (the global shortcut's action) and times, up to the next idle, how long the
Patients page takes to come up with its search box enabled: pages after the first are built when
first shown, so this is where that cost went. "To patient search" adds the two.

Two floors measured in the same run: the bare window script that first imports SQLAlchemy
(`import sqlalchemy`), and one that imports its ORM as well (`sqlalchemy.orm`, which every
service uses). Their difference from the bare window is what importing SQLAlchemy alone costs.
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
        ready = time.time()
        windows = [w for w in app.topLevelWidgets()
                   if w.isVisible() and hasattr(w, "current_page_key")]
        if len(windows) != 1:
            print(f"NOT USABLE: {len(windows)} main windows shown", flush=True)
            app.quit()
            return
        window = windows[0]
        key = window.current_page_key()
        page = window.page(key)
        ok = page.isVisible() and page.isEnabled()
        if key == "patients":
            ok = ok and page.search_box.isEnabled()
        print(f"READY {ready:.6f} {key} {ok} {time.process_time() * 1000:.1f}", flush=True)
        t0 = time.perf_counter()
        action = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+F")
        action.trigger()
        def search_ready():
            patients = window.page("patients")
            box = patients.search_box
            ok = window.current_page_key() == "patients" and box.isVisible() and box.isEnabled()
            print(f"SEARCH {(time.perf_counter() - t0) * 1000:.3f} {ok}", flush=True)
            app.quit()
        QTimer.singleShot(0, search_ready)
    QTimer.singleShot(0, stamp)
    return _exec()
QApplication.exec = _stamped_exec
from ptdesk.app.main import main
sys.exit(main(["--demo", "--data-dir", sys.argv[1]]))
"""

BARE_CHILD = """
import sys, time
{imports}
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1100, 700)
w.show()
def stamp():
    print(f"READY {{time.time():.6f}} bare True {{time.process_time() * 1000:.1f}}", flush=True)
    app.quit()
QTimer.singleShot(0, stamp)
sys.exit(app.exec())
"""
BARE = BARE_CHILD.format(imports="")
BARE_SQLALCHEMY = BARE_CHILD.format(imports="import sqlalchemy")
BARE_SQLALCHEMY_ORM = BARE_CHILD.format(imports="import sqlalchemy.orm")


class NotUsable(RuntimeError):
    pass


READY_CPU: list[float] = []  # the last child's CPU time up to its usable window, ms


def _run(code: str, *args: str, env: dict[str, str]) -> tuple[float, float | None]:
    """(ms from process start to the usable window, ms from Ctrl+F to the search box or None)."""
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )
    ready: float | None = None
    search: float | None = None
    for line in out.stdout.splitlines():
        if line.startswith("NOT USABLE"):
            raise NotUsable(line)
        if line.startswith("READY "):
            parts = line.split()
            if len(parts) > 3 and parts[3] != "True":
                raise NotUsable(f"page {parts[2]} shown but not built, visible and enabled")
            ready = (float(parts[1]) - t0) * 1000
            if len(parts) > 4:
                READY_CPU.append(float(parts[4]))  # the child's CPU time up to usable
        if line.startswith("SEARCH "):
            _, ms, ok = line.split()
            if ok != "True":
                raise NotUsable("Ctrl+F did not bring up an enabled search box")
            search = float(ms)
    if ready is None:
        raise RuntimeError(
            f"child did not report ready (exit {out.returncode}): {out.stderr[-2000:]}"
        )
    return ready, search


def _line(label: str, values: list[float], cpu: list[float] | None = None) -> str:
    med, low = statistics.median(values), min(values)
    text = f"{label:34s} median {med:5.0f} ms (min {low:.0f}, n={len(values)})"
    if cpu:
        text += f"; CPU to usable median {statistics.median(cpu):.0f} ms"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, help="default: a temp dir, demo created once")
    parser.add_argument("--importtime", type=Path, help="write -X importtime of one ptdesk start")
    parser.add_argument("--no-floors", action="store_true", help="skip the SQLAlchemy floors")
    parser.add_argument("--last-page", default="today",
                        help="the page the window last showed (default today: a new install)")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (every start compiles every module)",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ptdesk-startup-"))
    # The window remembers its last page (QSettings, ~/.config/ptdesk): a settings folder of
    # its own, so every run starts on the first page as a new install does, whatever page
    # someone's window last showed on this machine (--last-page patients: as if it was that).
    config = data_dir / "config"
    env["XDG_CONFIG_HOME"] = str(config)

    def remembered() -> None:  # each run starts alike (a run's Ctrl+F leaves "patients")
        (config / "ptdesk").mkdir(parents=True, exist_ok=True)
        (config / "ptdesk" / "ptdesk.conf").write_text(
            f"[window]\npage={args.last_page or 'today'}\n")

    if not args.no_bytecode:
        # As installed, Python keeps compiled bytecode; a machine with PYTHONDONTWRITEBYTECODE=1
        # would compile ~500 modules (~1.2 s) on every start. Keep the caches outside the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    first, _ = _run(PTDESK_CHILD, str(data_dir), env=env)  # creates and migrates the demo once
    print(f"first start (creates the 300-patient demo clinic): {first:.0f} ms")
    floors = {} if args.no_floors else {"sqlalchemy": BARE_SQLALCHEMY, "orm": BARE_SQLALCHEMY_ORM}
    for code in floors.values():
        _run(code, env=env)  # compile once
    ptdesk: list[float] = []
    search: list[float] = []
    total: list[float] = []
    bare: list[float] = []
    floor: dict[str, list[float]] = {name: [] for name in floors}
    cpu: dict[str, list[float]] = {"bare": [], "ptdesk": [], **{name: [] for name in floors}}
    for _ in range(args.runs):  # interleaved, so machine noise hits all alike
        bare.append(_run(BARE, env=env)[0])
        cpu["bare"].append(READY_CPU[-1])
        remembered()
        ready, found = _run(PTDESK_CHILD, str(data_dir), env=env)
        cpu["ptdesk"].append(READY_CPU[-1])
        ptdesk.append(ready)
        if found is not None:
            search.append(found)
            total.append(ready + found)
        for name, code in floors.items():
            floor[name].append(_run(code, env=env)[0])
            cpu[name].append(READY_CPU[-1])
    b_med, p_med = statistics.median(bare), statistics.median(ptdesk)
    print(_line("bare PySide6 QMainWindow:", bare, cpu["bare"]))
    if floors:
        print(_line("bare + import sqlalchemy:", floor["sqlalchemy"], cpu["sqlalchemy"]))
        print(_line("bare + import sqlalchemy.orm:", floor["orm"], cpu["orm"]))
    print(_line("ptdesk --demo (existing), usable:", ptdesk, cpu["ptdesk"]))
    if search:
        print(_line("  then Ctrl+F to the search box:", search))
        print(_line("  start to patient search:", total))
    print(f"ratio: {p_med / b_med:.2f}x (target 2x)", end="")
    if search:
        print(f"; to patient search {statistics.median(total) / b_med:.2f}x", end="")
    print()
    if floors:
        core = statistics.median(floor["sqlalchemy"]) - b_med
        orm = statistics.median(floor["orm"]) - b_med
        o_med = statistics.median(floor["orm"])
        print(
            f"importing SQLAlchemy costs {core:.0f} ms (with the ORM {orm:.0f} ms): a window "
            f"that imports it first is already {o_med / b_med:.2f}x the bare one"
        )
        c_ratio = statistics.median(cpu["ptdesk"]) / statistics.median(cpu["orm"])
        print(f"ptdesk usable / bare window with the ORM: {p_med / o_med:.2f}x wall, "
              f"{c_ratio:.2f}x CPU (target 1.3x, issue 9); load average "
              f"{os.getloadavg()[0]:.1f}")
    if args.importtime:
        remembered()
        res = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", PTDESK_CHILD, str(data_dir)],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        args.importtime.write_text(res.stderr)
        print(f"import times written to {args.importtime}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
