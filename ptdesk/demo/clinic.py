"""The synthetic demo clinic, and a generator for clinics of any size (benchmarks).

`ensure_demo_clinic` seeds ~300 patients into an empty database the first time `ptdesk --demo`
opens it. `generate_clinic` builds the same kind of clinic at any size, up to 100,000 patients
or 2,000,000 visits, with Core `insert()` executemany in batches (no ORM object per row) on
SQLite and PostgreSQL. Everything is relative to `today` and deterministic for a seed.

The patients come from `generator.py`, written by `writer.py`. All data is synthetic (see
`data.py`). Logs carry counts only, never names, dates of birth
or member ids.
"""

import logging
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo.generator import ClinicBuilder
from ptdesk.demo.requests import add_demo_requests
from ptdesk.domain.errors import DomainError
from ptdesk.storage.derived_marks import DERIVE_LATER
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Patient,
)

log = logging.getLogger(__name__)

DEMO_PATIENTS = 300
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class GenerationSummary:
    patients: int
    providers: int
    payers: int
    coverages: int
    authorizations: int
    authorizations_in_force: int  # approved (not pending) and covering `today`
    visits: int
    service_lines: int
    search_terms: int
    seconds: float


def _summary(clinic: ClinicBuilder, seconds: float) -> GenerationSummary:
    c = clinic.w.counts
    return GenerationSummary(
        patients=c["patients"],
        providers=len(clinic.pts) + len(clinic.ptas),
        payers=len(clinic.payers),
        coverages=c["coverages"],
        authorizations=c["authorizations"],
        authorizations_in_force=clinic.in_force,
        visits=c["visits"],
        service_lines=c["service_lines"],
        search_terms=c["patient_search_terms"],
        seconds=seconds,
    )


class ClinicNotEmpty(DomainError):
    """The generator only fills a database that has no patients yet."""


def generate_clinic(
    factory: sessionmaker[Session],
    *,
    patients: int,
    today: date,
    seed: int = 7,
    visits_per_patient: int | None = None,
    progress: ProgressFn | None = None,
    commit_every: int = 5000,
    derive_usage: bool = True,
) -> GenerationSummary:
    """Fill an empty clinic with `patients` synthetic patients and their history.

    `visits_per_patient=None` gives each patient a realistic episode (0-20 visits); a number
    gives every patient exactly that many visit rows, the older ones under a chain of earlier
    authorizations (benchmarks: 39,000 patients x 52 visits ~ 20,000 authorizations in force and
    2,000,000 visits). Commits every `commit_every` patients; `progress(done, total)` is called
    after each batch. `derive_usage` then has the authorizations service derive the stored
    usage counts (about 1.5 ms per patient; off for lookup-only benchmarks).
    """
    if patients < 0 or (visits_per_patient is not None and visits_per_patient < 0):
        raise ValueError("patients and visits per patient cannot be negative")
    started = _time.perf_counter()
    session = factory()
    session.info[DERIVE_LATER] = True  # derived below (derive_usage), not batch by batch
    try:
        if session.execute(select(Patient.id).limit(1)).first() is not None:
            raise ClinicNotEmpty(
                "This database already has patients; the demo generator only fills an empty one."
            )
        sqlite = session.get_bind().dialect.name == "sqlite"
        if sqlite:  # a big page cache while the tables grow (the default 2 MB thrashes)
            session.execute(text("PRAGMA cache_size=-262144"))
        clinic = ClinicBuilder(session, today=today, seed=seed, k=visits_per_patient)
        for n in range(patients):
            clinic.patient(n)
            if clinic.w.pending() >= 20_000:
                clinic.w.flush()
            if (n + 1) % commit_every == 0 or n + 1 == patients:
                clinic.w.flush()
                session.commit()
                if progress is not None:
                    progress(n + 1, patients)
        clinic.w.flush()
        clinic.w.fix_sequences()
        session.commit()
        if sqlite:
            session.execute(text("PRAGMA cache_size=-2000"))  # SQLite's default again
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    if derive_usage:  # the stored usage counts (migration 0004), by the authorizations service
        from ptdesk.services.authorizations.changes import AuthorizationService

        AuthorizationService(factory).reallocate_all()
    summary = _summary(clinic, _time.perf_counter() - started)
    log.info(
        "generated a synthetic clinic: %d patients, %d authorizations, %d visits in %.1f s",
        summary.patients,
        summary.authorizations,
        summary.visits,
        summary.seconds,
    )
    return summary


def ensure_demo_clinic(
    factory: sessionmaker[Session], *, today: date, patients: int = DEMO_PATIENTS
) -> GenerationSummary | None:
    """Create the demo clinic once: only when the database has no patients yet; with renewal
    requests in every state (`demo_requests`)."""
    with session_scope(factory) as s:
        if s.execute(select(Patient.id).limit(1)).first() is not None:
            return None
    summary = generate_clinic(factory, patients=patients, today=today)
    add_demo_requests(factory, today)
    from ptdesk.demo.estimates import add_estimate_demo  # issue 11

    add_estimate_demo(factory, today=today)
    return summary
