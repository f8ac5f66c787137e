"""Benchmark `ptdesk audit` on a generated 1,000,000-line file against the csv-reading floor.

    python benchmarks/bench_audit.py [--lines N] [--file PATH] [--keep]

Floor: `python -c "import csv; sum(1 for _ in csv.reader(open(F)))"` on the same file. Each
child runs alone and its own peak RSS comes from os.wait4 (ru_maxrss, kB on Linux).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "visit_id,date,patient_id,payer_type,unit_method,code,minutes,assistant_minutes,"
    "billed_units,billed_modifiers,ytd_allowed_before,allowed_amount,auth_visits,auth_start,"
    "auth_end,auth_codes,visit_number\n"
)
TIMED = ["97110", "97112", "97116", "97140", "97530", "97535", "97035", "97032"]
UNTIMED = ["97161", "97162", "97164", "97012", "97010", "G0283", "97016"]
PAYERS = [
    ("medicare", ""),
    ("medicare_advantage", ""),
    ("medicaid", ""),
    ("commercial", "ama"),
    ("commercial", "cms"),
    ("workers_comp", "ama"),
    ("self_pay", ""),
]


def generate(path: Path, n_lines: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    written = 0
    visit = 0
    with path.open("w", newline="") as f:
        f.write(HEADER)
        while written < n_lines:
            visit += 1
            payer, method = rnd.choice(PAYERS)
            day = f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            patient = f"P{rnd.randint(1, 50_000):06d}"
            ytd = f"{rnd.uniform(0, 3200):.2f}" if payer == "medicare" else ""
            auth = (
                f"20,2026-01-01,2026-12-31,,{rnd.randint(1, 24)}" if rnd.random() < 0.3 else ",,,,"
            )
            codes = rnd.sample(TIMED, rnd.randint(1, 4))
            if rnd.random() < 0.2:
                codes.append(rnd.choice(UNTIMED))
            for code in codes:
                if written >= n_lines:
                    break
                minutes = rnd.randint(5, 40)
                pta = rnd.choice((0, 0, 0, minutes, rnd.randint(0, minutes)))
                units = max(0, (minutes + 7) // 15 + rnd.choice((0, 0, 0, 0, 1, -1)))
                mods = rnd.choice(("GP", "GP", "GP KX", "GP;CQ", "", "GP,59"))
                f.write(
                    f"V{visit},{day},{patient},{payer},{method},{code},{minutes},{pta},"
                    f"{units},{mods},{ytd},,{auth}\n"
                )
                written += 1


def timed_child(argv: list[str], stdout: int | None = subprocess.DEVNULL) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child failed: {argv}")
    return elapsed, usage.ru_maxrss


AUDIT = (
    "import argparse, sys\n"
    "from ptdesk.app import cli_audit\n"
    "p = argparse.ArgumentParser(); sp = p.add_subparsers(); cli_audit.register(sp)\n"
    "a = p.parse_args(['audit', sys.argv[1], '--format', sys.argv[2], '--out', sys.argv[3],"
    " '--bundled-rules'])\n"
    "sys.exit(a.handler(a))\n"
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--file", type=Path)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ptdesk-bench-"))
    path = args.file or tmp / "audit.csv"
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.lines)
        print(
            f"generated {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) "
            f"in {time.perf_counter() - t:.1f}s"
        )
    py = sys.executable
    floor, floor_rss = timed_child(
        [py, "-c", f"import csv; sum(1 for _ in csv.reader(open({str(path)!r})))"]
    )
    print(f"floor (csv.reader count): {floor:.2f}s, peak RSS {floor_rss / 1024:.0f} MB")
    for fmt in ("json", "csv"):
        out = tmp / f"out.{fmt}"
        elapsed, rss = timed_child([py, "-c", AUDIT, str(path), fmt, str(out)])
        print(
            f"audit --format {fmt}: {elapsed:.2f}s = {args.lines / elapsed:,.0f} lines/s, "
            f"peak RSS {rss / 1024:.0f} MB, {elapsed / floor:.1f}x the floor, "
            f"output {out.stat().st_size / 1e6:.0f} MB"
        )
    if not args.keep:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
