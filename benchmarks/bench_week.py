"""Benchmark the Today page's week view for 5 providers (issue 10 #2).

    QT_QPA_PLATFORM=offscreen python3 -m uv run python -m benchmarks.bench_week [--rounds 20]

Uses `benchmarks.make_clinic`'s generator for a busy clinic of 800 patients (about 300 visits
per provider in the week: a full gym; the 100,000-patient clinic puts ~43,000 visits in one
provider's week, which no desk sees), kept in its own file, on the week of BENCH_TODAY, for
the 5 providers with the most visits that week. `--patients N` for another size. Times, per
provider: `WeekService.week` (the visits of the week, the patients' status chips from the
stored counts, the clinic's hours and closed days; a fresh session each) and the model's
first paint pass (every cell's text, icon, colour and tooltip). Target: the week for 5
providers under 100 ms (all five, one after the other, as a desk flicking through them).
"""

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.make_clinic import BENCH_TODAY, CACHE_DIR, ensure_clinic
from ptdesk.services.visits.week import WeekService
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import upgrade_to_head
from ptdesk.storage.models import Visit

TARGET_MS = 100.0


def _clinic(patients: int) -> Path:
    return ensure_clinic(patients, path=CACHE_DIR / f"week-clinic-{patients}.sqlite3")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--patients", type=int, default=800)
    ap.add_argument("--path", type=Path)
    args = ap.parse_args(argv)
    path = args.path or _clinic(args.patients)
    eng = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(eng)
    factory = make_session_factory(eng)
    monday = BENCH_TODAY - timedelta(days=BENCH_TODAY.weekday())
    with session_scope(factory) as s:
        top = s.execute(
            select(Visit.provider_id, func.count()).where(
                Visit.visit_date >= monday, Visit.visit_date <= monday + timedelta(days=5),
                Visit.provider_id.is_not(None))
            .group_by(Visit.provider_id).order_by(func.count().desc()).limit(5)).all()
    providers = [int(p) for p, _ in top]
    print(f"clinic: {path} · week of {monday} · visits per provider: "
          + ", ".join(str(n) for _, n in top))

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ptdesk.ui.visits.week_model import WeekModel

    app = QApplication.instance() or QApplication([])
    model = WeekModel()
    # What a paint asks for (tooltips only on hover).
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
             Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)

    def paint() -> None:
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                idx = model.index(r, c)
                for role in roles:
                    model.data(idx, role)

    def five_weeks(svc: WeekService, load: list[float], draw: list[float]) -> float:
        t5 = time.perf_counter()
        for p in providers:
            t0 = time.perf_counter()
            view = svc.week(BENCH_TODAY, p, BENCH_TODAY)
            t1 = time.perf_counter()
            model.set_view(view)
            paint()
            load.append(t1 - t0)
            draw.append(time.perf_counter() - t1)
        return time.perf_counter() - t5

    five_weeks(WeekService(factory), [], [])  # warm (statement cache, bands, icons)
    load: list[float] = []
    draw: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(args.rounds):
        svc = WeekService(factory)  # cold: no chip remembered (as after another desk's change)
        cold.append(five_weeks(svc, load, draw))
        warm.append(five_weeks(svc, [], []))  # flicking through them again
    for name, xs, target in (("one provider: WeekService.week", load, None),
                             ("one provider: model paint pass", draw, None),
                             ("5 providers: load + paint, cold", cold, TARGET_MS),
                             ("5 providers: load + paint, again", warm, TARGET_MS)):
        ms = sorted(x * 1000 for x in xs)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        verdict = "" if target is None else ("  OK" if p95 < target else "  OVER TARGET")
        print(f"{name:<36} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
              f"n={len(ms)}{verdict}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
