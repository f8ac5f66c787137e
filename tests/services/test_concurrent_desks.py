"""Four desks at once (separate processes, spawn) checking in and completing visits of the same
patients, on SQLite and PostgreSQL: no error reaches a caller and the derived counts are exact.

Before the per-patient lock, PostgreSQL failed 222 of 800 such calls with a duplicate key on
`pk_authorization_usage` (each save deletes and re-inserts the patient's usage rows).
"""

import multiprocessing
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.models import AuthorizationUsage, CoverageUsage, PeriodUsage, Visit
from tests.services.auth_fixtures import make_clinic
from tests.services.desk_worker import check_in_and_complete

DESKS = 4
VISITS_PER_DESK = 12  # x2 calls each: 96 calls, every patient touched by every desk


def _usage(factory: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with session_scope(factory) as s:
        rows: list[tuple[object, ...]] = []
        for model in (AuthorizationUsage, CoverageUsage, PeriodUsage):
            rows += [tuple(r) for r in s.execute(select(*model.__table__.c)).all()]
    return sorted(rows, key=repr)


def test_four_desks_on_shared_patients(migrated_db_url: str) -> None:
    engine = create_engine_for(migrated_db_url)
    factory = make_session_factory(engine)
    c = make_clinic(factory)
    auths = AuthorizationService(factory)
    aid = auths.add(AuthorizationDraft(c.coverage_id, date(2026, 3, 1), date(2026, 6, 30),
                                       100, number="AU-1")).authorization_id
    visits = VisitService(factory)
    patients = [(c.patient_id, c.coverage_id), (c.medicare_patient_id, c.medicare_coverage_id)]
    ids = [visits.book(VisitDraft(pid, date(2026, 3, 20), cov)).id
           for _ in range(DESKS * VISITS_PER_DESK // 2) for pid, cov in patients]
    # Desk k takes every DESKS-th visit: all desks work on both patients all the time.
    work = [(migrated_db_url, ids[k::DESKS]) for k in range(DESKS)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(DESKS) as pool:
        errors = [e for desk in pool.starmap(check_in_and_complete, work) for e in desk]
    # A SQLite desk may wait out the 2 s busy timeout under load; the form then tries again by
    # itself, as the worker does: nothing else may reach the person.
    assert [e for e in errors if e != "busy-retry"] == []
    with session_scope(factory) as s:
        statuses = s.scalars(select(Visit.status).where(Visit.id.in_(ids))).all()
        used = s.execute(select(AuthorizationUsage.used, AuthorizationUsage.booked)
                         .where(AuthorizationUsage.authorization_id == aid)).one()
    assert statuses == [VisitStatus.COMPLETED] * len(ids)
    assert tuple(used) == (len(ids) // 2, 0)
    stored = _usage(factory)
    auths.reallocate_patient(c.patient_id)
    auths.reallocate_patient(c.medicare_patient_id)
    assert _usage(factory) == stored  # what the desks left equals a fresh recompute
    engine.dispose()
