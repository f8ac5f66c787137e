"""Benchmark the check-in decision for one patient on the 100,000-patient clinic (issue 10).

    python3 -m uv run python -m benchmarks.bench_checkin [--rounds 200] [--path DB]

Uses the cached clinic of `benchmarks.make_clinic` (100,000 patients, built around
BENCH_TODAY). For patients with a visit booked on that day it times, in one process:
- `CheckInService.decide(visit_id, today)`: what Ctrl+I waits for (load the patient's
  coverages, authorizations, visits and plan of care, allocate, decide), a fresh session each;
- `decide_check_in(...)` alone on parts already built (the pure rule);
Nothing is written (the cached file is shared with the other benchmarks): the decision is
the part the desk waits for; saving the check-in is the existing visit update.
Target: the decision under 16 ms (one frame). Prints median and p95.
"""

import argparse
import random
import statistics
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.make_clinic import BENCH_TODAY, ensure_clinic
from ptdesk.domain.checkin import decide_check_in
from ptdesk.domain.patient_status import CoverageRule, patient_panel
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.records import load_patient, patient_records
from ptdesk.services.visits.checkin import CheckInService
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import upgrade_to_head
from ptdesk.storage.models import Visit

TARGET_MS = 16.0


def stats(name: str, samples: list[float], target_ms: float | None = None) -> None:
    ms = sorted(x * 1000 for x in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    verdict = "" if target_ms is None else ("  OK" if p95 < target_ms else "  OVER TARGET")
    print(f"{name:<46} median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
          f"max {ms[-1]:7.2f} ms   n={len(ms)}{verdict}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--path", type=Path)
    args = ap.parse_args(argv)
    path = args.path or ensure_clinic(100_000)
    eng = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(eng)  # a file cached before migration 0009 gains its tables
    factory = make_session_factory(eng)
    with session_scope(factory) as s:
        booked = list(s.scalars(select(Visit.id).where(
            Visit.visit_date == BENCH_TODAY, Visit.status == VisitStatus.BOOKED)))
    print(f"clinic: {path} · {len(booked):,} visits booked on {BENCH_TODAY}")
    rng = random.Random(10)
    picks = [rng.choice(booked) for _ in range(args.rounds)]
    svc = CheckInService(factory)
    for vid in picks[:10]:  # warm the caches (bands, KX table, statement cache)
        svc.decide(vid, BENCH_TODAY)
    outcomes: dict[str, int] = {}
    full = []
    for vid in picks:
        t = time.perf_counter()
        view = svc.decide(vid, BENCH_TODAY)
        full.append(time.perf_counter() - t)
        outcomes[view.outcome.value] = outcomes.get(view.outcome.value, 0) + 1
    pure = []
    with session_scope(factory) as s:
        for vid in picks[:50]:
            v = s.get(Visit, vid)
            assert v is not None
            data = load_patient(s, v.patient_id)
            cov = data.coverage(v.coverage_id) if v.coverage_id is not None else None
            rules = [CoverageRule(cov.id, cov.payer_name, cov.requires_auth)] if cov else []
            records = [r for r in patient_records(data) if cov and r.coverage_id == cov.id]
            panel = patient_panel(BENCH_TODAY, records, data.visits, rules)
            t = time.perf_counter()
            decide_check_in(BENCH_TODAY, authorizations=panel.authorizations,
                            coverages=panel.coverages, self_pay=cov is None)
            pure.append(time.perf_counter() - t)
    stats("CheckInService.decide (what Ctrl+I waits for)", full, TARGET_MS)
    stats("decide_check_in alone (parts built)", pure)
    print("outcomes:", ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))
    eng.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
