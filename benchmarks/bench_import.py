"""Benchmark `ptdesk import` at clinic-migration scale, and the board export at that size.

    python benchmarks/bench_import.py [--patients N] [--visits-per-patient K] [--db-url URL]

Writes the five CSV kinds for N patients (one primary coverage each, an authorization for
every third patient, K visits each: the past ones completed with lines, the rest booked), then
imports them into an empty database in the order a clinic would, each kind one transaction,
timing each and sampling the process's RSS every 0.2 s. Then times `board` (today) and the
board as of 30 days ago. Target (issue 13): 100,000 patients + 2,000,000 visits under 2
minutes, memory flat; report the sizes measured and the extrapolation honestly.
"""

import argparse
import random
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAYERS = [("Medicare", "medicare", "cms", "no"), ("Acme Health", "commercial", "ama", "yes"),
          ("State Medicaid", "medicaid", "cms", "yes"), ("Coastal MA", "medicare_advantage",
                                                          "cms", "yes"),
          ("Self-pay", "self_pay", "ama", "no")]
CODES = ["97110", "97112", "97140", "97530", "97116"]


class Rss:
    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self.start = time.perf_counter()

    def _now(self) -> int:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - self.start, self._now()))
            self._stop.wait(0.2)

    def __enter__(self) -> "Rss":
        self._t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._t.join()

    def peak(self) -> int:
        return max((m for _, m in self.samples), default=0)


def write_files(folder: Path, n: int, k: int, today: date, seed: int = 7) -> dict[str, Path]:
    rng = random.Random(seed)
    paths = {kind: folder / f"{kind}.csv" for kind in
             ("payers", "patients", "coverages", "authorizations", "visits")}
    with paths["payers"].open("w") as f:
        f.write("name,payer_type,unit_method,requires_authorization\n")
        for p in PAYERS:
            f.write(",".join(p) + "\n")
    with paths["patients"].open("w") as pf, paths["coverages"].open("w") as cf, \
            paths["authorizations"].open("w") as af, paths["visits"].open("w") as vf:
        pf.write("chart,last_name,first_name,date_of_birth,sex,phone,zip,active\n")
        cf.write("chart,payer,rank,member_id,effective,deductible,copay\n")
        af.write("chart,payer,number,status,start,end,visits,codes\n")
        vf.write("chart,date,time,provider,payer,status,lines\n")
        for i in range(n):
            chart = f"M{i:07d}"
            payer = PAYERS[i % 4][0]
            pf.write(f"{chart},Last{i % 997},First{i % 503},"
                     f"{1940 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d},"
                     f"{'FM'[i % 2]},555-{i % 10000:04d},0{i % 9999:04d},yes\n")
            cf.write(f"{chart},{payer},primary,MB{i:08d},2025-01-01,250,20\n")
            start = today - timedelta(days=rng.randint(20, 80))
            if i % 3 == 0 and payer != "Medicare":
                af.write(f"{chart},{payer},AU{i:08d},approved,{start},"
                         f"{start + timedelta(days=90)},{k + 2},\n")
            first = today - timedelta(days=2 * k)
            for j in range(k):
                day = first + timedelta(days=3 * j)
                if day < today:
                    lines = ";".join(f"{c}:{rng.choice((8, 15, 23, 30))}"
                                     for c in rng.sample(CODES, 2))
                    vf.write(f"{chart},{day},{9 + j % 8}:00,,,completed,{lines}\n")
                else:
                    vf.write(f"{chart},{day},{9 + j % 8}:00,,,booked,\n")
    return paths


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, default=100_000)
    ap.add_argument("--visits-per-patient", type=int, default=20)
    ap.add_argument("--db-url")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    from ptdesk.app.clock import local_now, local_today
    from ptdesk.domain.imports.columns import ImportKind
    from ptdesk.services.exports.board_export import board_lines
    from ptdesk.services.imports.service import ImportService
    from ptdesk.storage.engine import create_engine_for, make_session_factory
    from ptdesk.storage.migrate import upgrade_to_head

    today = local_today()
    folder = Path(tempfile.mkdtemp(prefix="ptdesk-bench-import-"))
    t0 = time.perf_counter()
    paths = write_files(folder, args.patients, args.visits_per_patient, today)
    print(f"files written in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in paths.items()))
    url = args.db_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = create_engine_for(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    service = ImportService(factory)
    total = cpu = 0.0
    with Rss() as rss:
        for kind in ImportKind:
            data = paths[kind.value].read_bytes()
            t, c = time.perf_counter(), time.process_time()
            report = service.run(kind, data, today=today)
            dt, dc = time.perf_counter() - t, time.process_time() - c
            total += dt
            cpu += dc
            del data
            print(f"import {kind.value:15s} {report.rows_read:>10,} rows  {dt:7.1f} s  "
                  f"(CPU {dc:6.1f} s)  refused {len(report.problems):,}  "
                  f"RSS peak so far {rss.peak():,} MB", flush=True)
        print(f"import total {total:.1f} s, CPU {cpu:.1f} s (target < 120 s at 100,000 "
              "patients + 2,000,000 visits)")
        now = local_now().replace(tzinfo=None)
        for label, day in (("today", today), ("30 days ago", today - timedelta(days=30))):
            t, c = time.perf_counter(), time.process_time()
            lines = board_lines(factory, day, now)
            print(f"board export ({label}): {len(lines):,} patients in "
                  f"{time.perf_counter() - t:.1f} s (CPU {time.process_time() - c:.1f} s)",
                  flush=True)
    print(f"RSS peak {rss.peak():,} MB; samples (s, MB): "
          + " ".join(f"{s:.0f}:{m}" for s, m in rss.samples[:: max(1, len(rss.samples) // 12)]))
    engine.dispose()
    if not args.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
