"""Benchmark one patient cost estimate PDF (issue 11): the document alone and the command.

    python3 -m uv run python -m benchmarks.bench_estimate [--rounds 30] [--runs 10]

1. The document alone: `build_estimate_pdf` / `build_good_faith_estimate_pdf` on an estimate
   already computed (12 visits), median and p95 over --rounds, plus the arithmetic alone.
   Target: under 100 ms.
2. From the command line: process wall time (and the child's CPU time, which a shared machine
   does not inflate) of `ptdesk estimate --scenario F --format pdf --out P`, fork to exit,
   median of --runs, next to the floor `python -c "import ptdesk"`.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

SCENARIO = {
    "as_of": "2026-01-12", "payer_type": "commercial",
    "patient": {"name": "Ana Rivera", "date_of_birth": "1961-03-07"},
    "benefits": {"deductible": "1500.00", "deductible_met": "200.00", "coinsurance_percent": "20",
                 "oop_max": "4000.00", "oop_met": "500.00", "visit_limit": 20, "visits_used": 4,
                 "auth_visits_left": 8, "auth_end": "2026-03-31"},
    "fees": {"97110": "29.06"}, "self_pay_prices": {"97110": "45.00"},
    "plan_of_care": {"first_visit": "2026-01-13", "visits_per_week": 2, "weeks": 6,
                     "evaluation": "97162", "per_visit": [{"code": "97110", "units": 2}]},
    "diagnoses": ["M54.50"],
    "clinic": {"name": "Riverside Physical Therapy", "address": ["1200 Main Street"],
               "phone": "(217) 555-0142", "npi": "1234567893", "tin": "12-3456789"},
}


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, float, float]:
    """(median wall ms, p95 wall ms, median CPU ms): the CPU time is what a busy shared
    machine does not inflate."""
    fn()  # warm: imports, font metrics
    samples, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], \
        statistics.median(cpu)


def wall(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """(median wall ms, median CPU ms of the child): on a shared machine the wall time
    includes waiting for a core; the CPU time is what the command itself costs."""
    samples, cpu = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        samples.append((time.perf_counter() - t0) * 1000)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1000)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed with {proc.returncode}")
    return statistics.median(samples), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--no-bytecode", action="store_true",
                    help="keep PYTHONDONTWRITEBYTECODE as set (every run compiles every module)")
    args = ap.parse_args()

    from ptdesk.domain.estimate import compute_estimate
    from ptdesk.domain.estimate_scenario import parse_scenario
    from ptdesk.reports.estimate_pdf import build_estimate_pdf
    from ptdesk.reports.good_faith_estimate_pdf import build_good_faith_estimate_pdf
    from ptdesk.storage.estimate_tables import load_estimate_tables, read_code_descriptions

    scenario = parse_scenario(SCENARIO)
    tables = load_estimate_tables()
    est = compute_estimate(scenario.request, tables)
    doc = scenario.document(est, date(2026, 1, 12), read_code_descriptions())
    self_pay = parse_scenario({**SCENARIO, "payer_type": "self_pay"})
    gfe = self_pay.document(compute_estimate(self_pay.request, tables), date(2026, 1, 12),
                            read_code_descriptions())

    print(f"{'in process':<48} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8}")
    for name, fn in [
        ("arithmetic (12 visits)", lambda: compute_estimate(scenario.request, tables)),
        ("estimate PDF, en", lambda: build_estimate_pdf(doc, io.BytesIO(), lang="en")),
        ("estimate PDF, es", lambda: build_estimate_pdf(doc, io.BytesIO(), lang="es")),
        ("Good Faith Estimate PDF, en",
         lambda: build_good_faith_estimate_pdf(gfe, io.BytesIO(), lang="en")),
    ]:
        med, p95, cpu = timed(fn, args.rounds)
        print(f"{name:<48} {med:>10.1f} {p95:>8.1f} {cpu:>8.1f}")

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "s.json"
        src.write_text(json.dumps(SCENARIO))
        out = Path(tmp) / "e.pdf"
        cmd = [sys.executable, "-m", "ptdesk", "--data-dir", tmp, "estimate", "--scenario",
               str(src), "--format", "pdf", "--out", str(out)]
        env = dict(os.environ)
        if not args.no_bytecode:
            # As installed, Python keeps compiled bytecode; with PYTHONDONTWRITEBYTECODE=1 every
            # run would compile reportlab (~0.5 s CPU). Caches go outside the tree.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            wall(cmd, 1, env)  # compile once
        floor, floor_cpu = wall([sys.executable, "-c", "import ptdesk"], args.runs, env)
        total, total_cpu = wall(cmd, args.runs, env)
    print(f"\n{'process (fork to exit)':<48} {'wall ms':>10} {'CPU ms':>8}")
    print(f"{'ptdesk estimate --format pdf --out F':<48} {total:>10.1f} {total_cpu:>8.1f}")
    label = "floor: python -c 'import ptdesk'"
    print(f"{label:<48} {floor:>10.1f} {floor_cpu:>8.1f}")


if __name__ == "__main__":
    main()
