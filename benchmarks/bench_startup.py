"""Start-up: process start to a usable main window, `ptdesk --demo` on an existing demo database
vs a bare PySide6 QMainWindow script (median of N runs each, offscreen).

    python3 -m uv run python -m benchmarks.bench_startup [--runs 15] [--data-dir DIR]

Each child is a fresh interpreter. The parent notes the wall clock just before starting it; the
child prints the wall clock from a zero-timer queued right before `app.exec()`, which Qt runs
once the shown window's pending events are processed. Target (issue 3): within 2x the bare one.

"Usable" is checked, not assumed: at that moment the ptdesk child also checks that the window is
shown and its current (first) page is built, visible and enabled, and fails otherwise. A page's
data may load after that (on the worker): the child also times the first data shown, from the
start, in wall and CPU time ("start to the day's list shown" on Today; on Patients it types "s"
at the stamp, as the first keystroke, and times its answer), so work moved past the stamp is
still counted. It then presses Ctrl+F (the global shortcut's action) and times, up to the next
idle, how long the Patients page takes to come up with its search box enabled: pages after the
first are built when first shown, so this is where that cost went. "Start to patient search" is
from the start to that moment.

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
from dataclasses import dataclass
from pathlib import Path

# The child that starts the real app: ptdesk's own main(), with a stamp at the first idle.
# QApplication.exec is wrapped when ptdesk itself first imports QtWidgets (an import hook),
# not by importing PySide6 up front: PySide6 reads the source of every module imported after
# it (its `__feature__` scan), so a child that imported it first would charge ptdesk for
# scanning SQLAlchemy and the models, which the real start imports before PySide6.
PTDESK_CHILD = """
import sys, time

def stamped(QApplication, QTimer):
    _exec = QApplication.exec
    def _stamped_exec(*_args):
        app = QApplication.instance()
        QTimer.singleShot(0, lambda: stamp(app, QTimer))
        return _exec()
    QApplication.exec = _stamped_exec

def stamp(app, QTimer):
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

    def ctrl_f():
        t0 = time.perf_counter()
        action = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+F")
        action.trigger()
        def search_ready():
            box = window.page("patients").search_box
            ok = window.current_page_key() == "patients" and box.isVisible() and box.isEnabled()
            print(f"SEARCH {(time.perf_counter() - t0) * 1000:.3f} {ok} {time.time():.6f}",
                  flush=True)
            app.quit()
        QTimer.singleShot(0, search_ready)

    def shown(what):  # the first data on screen: then Ctrl+F
        print(f"DATA {time.time():.6f} {what} {time.process_time() * 1000:.1f}", flush=True)
        QTimer.singleShot(0, ctrl_f)

    if key == "today" and page.view is not None:  # already loaded
        shown(len(page.view.rows))
    elif key == "today":  # the day's list, loaded on the worker once the loop runs
        page.sig_loaded.connect(lambda view: shown(len(view.rows)))
    elif key == "patients":  # the first keystroke's answer
        page.sig_results_shown.connect(lambda text: shown(page.model.rowCount()))
        page.search_box.setFocus()
        page.search_box.setText("s")
    else:
        QTimer.singleShot(0, ctrl_f)

class Hook:  # a plain finder: importlib.abc would load typing & co. before ptdesk does
    def find_spec(self, name, path, target=None):
        if name != "PySide6.QtWidgets":
            return None
        sys.meta_path.remove(self)
        spec = next(s for f in sys.meta_path
                    if (s := f.find_spec(name, path, target)) is not None)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            from PySide6.QtCore import QTimer
            stamped(module.QApplication, QTimer)
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Hook())
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


@dataclass
class Start:
    """One child's figures: ms from the parent starting it (wall) and the child's CPU ms."""

    ready: float  # the window usable
    ready_cpu: float | None = None
    data: float | None = None  # the first data shown: the day's list, or the first answer
    data_cpu: float | None = None
    ctrl_f: float | None = None  # from Ctrl+F to the search box enabled
    search: float | None = None  # from the start to the search box enabled after Ctrl+F


def _run(code: str, *args: str, env: dict[str, str]) -> Start:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )
    start: Start | None = None
    for line in out.stdout.splitlines():
        parts = line.split()
        if line.startswith("NOT USABLE"):
            raise NotUsable(line)
        if parts[0] == "READY":
            if parts[3] != "True":
                raise NotUsable(f"page {parts[2]} shown but not built, visible and enabled")
            start = Start((float(parts[1]) - t0) * 1000, float(parts[4]))
        if parts[0] == "DATA" and start is not None:
            start.data, start.data_cpu = (float(parts[1]) - t0) * 1000, float(parts[3])
        if parts[0] == "SEARCH" and start is not None:
            if parts[2] != "True":
                raise NotUsable("Ctrl+F did not bring up an enabled search box")
            start.ctrl_f, start.search = float(parts[1]), (float(parts[3]) - t0) * 1000
    if start is None:
        raise RuntimeError(
            f"child did not report ready (exit {out.returncode}): {out.stderr[-2000:]}"
        )
    return start


def _line(label: str, values: list[float], cpu: list[float] | None = None) -> str:
    med, low = statistics.median(values), min(values)
    text = f"{label:36s} median {med:5.0f} ms (min {low:.0f}, n={len(values)})"
    if cpu:
        text += f"; CPU median {statistics.median(cpu):.0f} ms"
    return text


def _figures(starts: list[Start], field: str) -> list[float]:
    return [v for s in starts if (v := getattr(s, field)) is not None]


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
        (config / "ptdesk" / "ptdesk-demo.conf").write_text(  # the demo remembers its own
            f"[window]\npage={args.last_page or 'today'}\n")

    if not args.no_bytecode:
        # As installed, Python keeps compiled bytecode; a machine with PYTHONDONTWRITEBYTECODE=1
        # would compile ~500 modules (~1.2 s) on every start. Keep the caches outside the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    first = _run(PTDESK_CHILD, str(data_dir), env=env).ready  # creates the demo once
    print(f"first start (creates the 300-patient demo clinic): {first:.0f} ms")
    floors = {} if args.no_floors else {"sqlalchemy": BARE_SQLALCHEMY, "orm": BARE_SQLALCHEMY_ORM}
    for code in floors.values():
        _run(code, env=env)  # compile once
    ptdesk: list[Start] = []
    bare: list[Start] = []
    floor: dict[str, list[Start]] = {name: [] for name in floors}
    for _ in range(args.runs):  # interleaved, so machine noise hits all alike
        bare.append(_run(BARE, env=env))
        remembered()
        ptdesk.append(_run(PTDESK_CHILD, str(data_dir), env=env))
        for name, code in floors.items():
            floor[name].append(_run(code, env=env))
    print(_line("bare PySide6 QMainWindow:", _figures(bare, "ready"), _figures(bare, "ready_cpu")))
    for name, label in (("sqlalchemy", "sqlalchemy"), ("orm", "sqlalchemy.orm")):
        if name in floor:
            print(_line(f"bare + import {label}:", _figures(floor[name], "ready"),
                        _figures(floor[name], "ready_cpu")))
    key = args.last_page or "today"
    print(_line(f"ptdesk --demo, usable ({key}):", _figures(ptdesk, "ready"),
                _figures(ptdesk, "ready_cpu")))
    data = "the day's list shown" if key == "today" else "first keystroke answered"
    if _figures(ptdesk, "data"):
        print(_line(f"  start to {data}:", _figures(ptdesk, "data"), _figures(ptdesk, "data_cpu")))
    if _figures(ptdesk, "ctrl_f"):
        print(_line("  then Ctrl+F to the search box:", _figures(ptdesk, "ctrl_f")))
        print(_line("  start to patient search:", _figures(ptdesk, "search")))
    b_med = statistics.median(_figures(bare, "ready"))
    p_med = statistics.median(_figures(ptdesk, "ready"))
    print(f"ratio: {p_med / b_med:.2f}x the bare window (target 2x, issue 3)")
    if floors:
        core = statistics.median(_figures(floor["sqlalchemy"], "ready")) - b_med
        o_med = statistics.median(_figures(floor["orm"], "ready"))
        print(
            f"importing SQLAlchemy costs {core:.0f} ms (with the ORM {o_med - b_med:.0f} ms): a "
            f"window that imports it first is already {o_med / b_med:.2f}x the bare one"
        )
        o_cpu = statistics.median(_figures(floor["orm"], "ready_cpu"))
        c_ratio = statistics.median(_figures(ptdesk, "ready_cpu")) / o_cpu
        print(f"ptdesk usable / bare window with the ORM: {p_med / o_med:.2f}x wall, "
              f"{c_ratio:.2f}x CPU (target 1.3x, issue 9); load average "
              f"{os.getloadavg()[0]:.1f}")
        if _figures(ptdesk, "data"):
            d_med = statistics.median(_figures(ptdesk, "data"))
            d_cpu = statistics.median(_figures(ptdesk, "data_cpu"))
            print(f"  start to {data} / that floor: {d_med / o_med:.2f}x wall, "
                  f"{d_cpu / o_cpu:.2f}x CPU")
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
