"""Several desks at once (issue 12): failures under concurrent check-ins/completions, and how
long a save waits on a SQLite file another desk holds before the desk is told.

    python3 -m uv run python -m benchmarks.bench_desks [--desks 4] [--calls 200] [--pg]

`--calls` per desk (a check-in and a completion per visit, on two shared patients). `--pg`
also runs the load on a throwaway PostgreSQL cluster (tests/pg_cluster.py). Prints failures,
exact final counts and wall time per backend, then the locked-file wait.
"""

import argparse
import multiprocessing
import sqlite3
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import upgrade_to_head
from ptdesk.storage.models import AuthorizationUsage
from tests.services.auth_fixtures import make_clinic
from tests.services.desk_worker import check_in_and_complete


def _load(url: str, desks: int, calls: int) -> tuple[int, int, int, bool, float]:
    engine = create_engine_for(url)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    c = make_clinic(factory)
    aid = AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 10_000, number="B")).authorization_id
    visits = VisitService(factory)
    pairs = [(c.patient_id, c.coverage_id), (c.medicare_patient_id, c.medicare_coverage_id)]
    ids = [visits.book(VisitDraft(pid, date(2026, 3, 20), cov)).id
           for _ in range(desks * calls // 4) for pid, cov in pairs]
    work = [(url, ids[k::desks]) for k in range(desks)]
    t0 = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(desks) as pool:
        errors = [e for desk in pool.starmap(check_in_and_complete, work) for e in desk]
    wall = time.perf_counter() - t0
    with session_scope(factory) as s:
        used = s.scalar(select(AuthorizationUsage.used)
                        .where(AuthorizationUsage.authorization_id == aid))
    engine.dispose()
    retries = errors.count("busy-retry")
    errors = [e for e in errors if e != "busy-retry"]
    if errors:
        print("  first error:", errors[0][:160])
    print(f"  ({retries} automatic tries after 'another desk is saving')")
    return len(errors), 2 * len(ids), used or 0, used == len(ids) // 2, wall


def _locked_wait(folder: Path) -> float:
    path = folder / "locked.sqlite3"
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    c = make_clinic(factory)
    vid = VisitService(factory).book(VisitDraft(c.patient_id, date(2026, 3, 20),
                                                c.coverage_id)).id
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    t0 = time.perf_counter()
    try:
        VisitService(factory).check_in(vid, datetime(2026, 3, 20, 9).astimezone())
    except Exception as exc:  # the words the desk sees
        print(f"  answer: {type(exc).__name__}: {exc}")
    waited = time.perf_counter() - t0
    other.execute("ROLLBACK")
    other.close()
    engine.dispose()
    return waited


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--desks", type=int, default=4)
    parser.add_argument("--calls", type=int, default=200, help="calls per desk")
    parser.add_argument("--pg", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ptdesk-bench-desks-"))
    urls = [("SQLite", f"sqlite:///{folder / 'desks.sqlite3'}")]
    cluster = None
    if args.pg:
        from tests.pg_cluster import start_cluster

        cluster = start_cluster()
        if cluster is not None:
            urls.append(("PostgreSQL", cluster.createdb("bench_desks")))
    try:
        print(f"{args.desks} desks x {args.calls} calls (check-in + completion, 2 patients)")
        for name, url in urls:
            failed, calls, used, exact, wall = _load(url, args.desks, args.calls)
            print(f"  {name:10} failed {failed} of {calls} calls; used {used} exact: {exact}; "
                  f"{wall:.1f} s")
        print(f"locked SQLite file: answered after {_locked_wait(folder):.2f} s")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
