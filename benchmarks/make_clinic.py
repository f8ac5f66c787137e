"""Generate a synthetic clinic into a SQLite file once, and reuse it while its recipe is the same.

    python3 -m uv run python -m benchmarks.make_clinic                 # 100,000 patients
    python3 -m uv run python -m benchmarks.make_clinic --patients 39000 --visits-per-patient 52 \
        --path /tmp/ptdesk-bench/clinic-2m-visits.sqlite3             # issue 5's board benchmark

The clinic is built around a fixed day (BENCH_TODAY) so every run measures the same data.
"""

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ptdesk.demo.clinic import generate_clinic
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import head_revision, upgrade_to_head
from ptdesk.storage.models import AppSetting

BENCH_TODAY = date(2025, 11, 24)
CACHE_DIR = Path("/tmp/ptdesk-bench")
RECIPE_KEY = "bench.recipe"


def default_path(patients: int, visits_per_patient: int | None) -> Path:
    tail = "" if visits_per_patient is None else f"-{visits_per_patient}v"
    return CACHE_DIR / f"clinic-{patients}{tail}.sqlite3"


def _recipe(patients: int, visits_per_patient: int | None, seed: int) -> str:
    return f"{patients}/{visits_per_patient}/{seed}/{BENCH_TODAY.isoformat()}/{head_revision()}"


def _stored_recipe(path: Path) -> str | None:
    if not path.exists():
        return None
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with session_scope(make_session_factory(engine)) as s:
            return s.scalar(select(AppSetting.value).where(AppSetting.key == RECIPE_KEY))
    except Exception:
        return None
    finally:
        engine.dispose()


def ensure_clinic(
    patients: int = 100_000,
    *,
    visits_per_patient: int | None = None,
    seed: int = 7,
    path: Path | None = None,
    force: bool = False,
) -> Path:
    """The path of a clinic generated with this recipe, generating it only when needed."""
    path = path or default_path(patients, visits_per_patient)
    recipe = _recipe(patients, visits_per_patient, seed)
    if not force and _stored_recipe(path) == recipe:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    engine = create_engine_for(f"sqlite:///{tmp}")
    upgrade_to_head(engine)
    factory = make_session_factory(engine)

    def progress(done: int, total: int) -> None:
        print(f"  generated {done:,} of {total:,} patients", file=sys.stderr, flush=True)

    summary = generate_clinic(
        factory,
        patients=patients,
        today=BENCH_TODAY,
        seed=seed,
        visits_per_patient=visits_per_patient,
        progress=progress,
    )
    with session_scope(factory) as s:
        s.add(AppSetting(key=RECIPE_KEY, value=recipe))
    with engine.connect() as conn:  # fold the WAL into the file before it is moved
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        old.unlink(missing_ok=True)
    tmp.rename(path)
    print(
        f"generated {summary.patients:,} patients, {summary.authorizations_in_force:,} "
        f"authorizations in force, {summary.visits:,} visits, {summary.service_lines:,} lines "
        f"in {summary.seconds:.1f} s -> {path}",
        file=sys.stderr,
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--visits-per-patient", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--path", type=Path)
    parser.add_argument("--force", action="store_true", help="generate even if cached")
    args = parser.parse_args(argv)
    path = ensure_clinic(
        args.patients,
        visits_per_patient=args.visits_per_patient,
        seed=args.seed,
        path=args.path,
        force=args.force,
    )
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
