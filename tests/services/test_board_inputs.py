"""The board read from the derived `board_inputs` equals the board as it was computed before
(every input read from its own table: tests/services/board_reference.py), on the demo clinic
and on random clinics, on many days, after random saves through the services and after ORM
writes that no service re-derived; and the rows written save by save equal a recompute."""

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo.clinic import ensure_demo_clinic, generate_clinic
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import DomainError
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.derived_usage import rebuild_derived_usage
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.board.board_loader import load_board
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Authorization,
    BoardInputs,
    Coverage,
    Patient,
    Visit,
)
from tests.services.board_reference import reference_board

TODAY = date(2025, 11, 24)


def _days(today: date) -> list[date]:
    """Around the clinic's day: expiries, band edges, a new plan and calendar year."""
    return [today + timedelta(days=d) for d in (-400, -60, -7, 0, 1, 5, 12, 30, 90, 200)] + [
        date(today.year + 1, 1, 1), date(today.year, 12, 31)]


def _assert_same(factory: sessionmaker[Session], days: list[date],
                 ids: list[int] | None = None) -> None:
    with session_scope(factory) as s:
        for day in days:
            now = datetime.combine(day, time(10, 30)).astimezone()
            new, nx = load_board(s, day, now, ids)
            old, ox = reference_board(s, day, now, ids)
            assert new.rows == old.rows, day
            assert new == old, day
            assert (nx.chart, nx.first_payer, nx.payer_of_cov, nx.requests) == (
                ox.chart, ox.first_payer, ox.payer_of_cov, ox.requests), day


def _stored(factory: sessionmaker[Session]) -> dict[int, str]:
    with session_scope(factory) as s:
        return {r[0]: r[1] for r in s.execute(select(BoardInputs.patient_id, BoardInputs.inputs))}


def _assert_recompute_equal(factory: sessionmaker[Session]) -> None:
    before = _stored(factory)
    with session_scope(factory) as s:
        rebuild_derived_usage(s.connection())
    assert _stored(factory) == before


def test_demo_clinic_board_equals_the_old_computation(
    session_factory: sessionmaker[Session],
) -> None:
    ensure_demo_clinic(session_factory, today=TODAY)
    _assert_same(session_factory, _days(TODAY))
    with session_scope(session_factory) as s:
        some = list(s.scalars(select(Patient.id).order_by(Patient.id)))[::7]
    _assert_same(session_factory, [TODAY, TODAY + timedelta(days=10)], some)
    _assert_recompute_equal(session_factory)
    # The service's view is built from the same board.
    now = datetime.combine(TODAY, time(9)).astimezone()
    view = BoardService(session_factory).board(TODAY, now)
    assert len(view.rows) == len(_patients(session_factory))


def _patients(factory: sessionmaker[Session]) -> list[int]:
    with session_scope(factory) as s:
        return list(s.scalars(select(Patient.id).where(Patient.active)))


def _random_saves(factory: sessionmaker[Session], rng: random.Random, today: date,
                  n: int) -> int:
    """Visits booked, completed, voided; authorizations added and ended; coverages edited
    and ended: through the services, as the desk does."""
    visits, auths, people = VisitService(factory), AuthorizationService(factory), \
        PatientService(factory)
    with session_scope(factory) as s:
        covs = list(s.execute(select(Coverage.id, Coverage.patient_id)).tuples())
        auth_ids = list(s.scalars(select(Authorization.id).where(
            Authorization.state == AuthState.ACTIVE)))
        booked = list(s.scalars(select(Visit.id).where(Visit.status == "booked")))
    saved = 0
    for _ in range(n):
        what = rng.randrange(7)
        cov, pid = rng.choice(covs)
        day = today + timedelta(days=rng.randrange(-30, 60))
        try:
            _save(visits, auths, people, rng, what, cov, pid, day, today, auth_ids, booked)
        except DomainError:  # refused (bad input for that record): nothing was written
            continue
        saved += 1
    return saved


def _save(visits: VisitService, auths: AuthorizationService, people: PatientService,
          rng: random.Random, what: int, cov: int, pid: int, day: date, today: date,
          auth_ids: list[int], booked: list[int]) -> None:
    if what <= 1:
        v = visits.book(VisitDraft(pid, day, cov))
        if what == 1 and day <= today:
            visits.complete(v.id, [ServiceLineDraft("97110", rng.randrange(1, 4))])
    elif what == 2 and booked:
        visits.void(booked.pop(rng.randrange(len(booked))), "test")
    elif what == 3:
        start = today - timedelta(days=rng.randrange(0, 90))
        auths.add(AuthorizationDraft(cov, start, start + timedelta(days=rng.randrange(10, 120)),
                                     rng.randrange(1, 20), number=f"R-{rng.randrange(999)}"))
    elif what == 4 and auth_ids:
        aid = auth_ids.pop(rng.randrange(len(auth_ids)))
        auths.end(aid, today - timedelta(days=rng.randrange(0, 20)), "test")
    elif what == 5:
        info = people.get(pid, today)
        c = next(c for c in info.coverages if c.id == cov)
        limit = rng.choice((None, 3, 20, 60))
        people.update_coverage(cov, replace(
            c.draft, member_id=c.draft.member_id or "M-1", visit_limit_per_year=limit,
            plan_year_start_month=rng.choice((1, 7)),
            benefits_verified_on=rng.choice((None, today - timedelta(days=200)))), today)
    else:
        info = people.get(pid, today)
        c = next(c for c in info.coverages if c.id == cov)
        if c.draft.end_date is None and c.draft.effective_date is not None:
            people.end_coverage(cov, max(c.draft.effective_date,
                                         today + timedelta(days=rng.randrange(-5, 20))),
                                today)


def test_random_clinics_equal_the_old_computation_after_random_saves(
    session_factory: sessionmaker[Session],
) -> None:
    generate_clinic(session_factory, patients=90, today=TODAY, seed=5)
    _assert_same(session_factory, _days(TODAY))
    rng = random.Random(9)
    assert _random_saves(session_factory, rng, TODAY, 60) > 40
    _assert_same(session_factory, _days(TODAY))
    _assert_recompute_equal(session_factory)


def test_random_clinic_with_fixed_visit_counts(session_factory: sessionmaker[Session]) -> None:
    generate_clinic(session_factory, patients=40, today=TODAY, seed=3, visits_per_patient=12)
    _assert_same(session_factory, _days(TODAY))
    _assert_recompute_equal(session_factory)


def test_an_orm_write_no_service_derived_is_derived_before_it_commits(
    session_factory: sessionmaker[Session],
) -> None:
    """The safety net (storage/derived_marks.py): a coverage and a visit written straight
    through the ORM still reach the board's inputs in the same transaction."""
    generate_clinic(session_factory, patients=20, today=TODAY, seed=4)
    with session_scope(session_factory) as s:
        p = s.scalars(select(Patient).where(Patient.active).order_by(Patient.id)).first()
        assert p is not None
        payer = s.scalars(select(Coverage.payer_id)).first()
        cov = Coverage(patient_id=p.id, payer_id=payer, priority=3, member_id="ORM-1",
                       effective_date=TODAY - timedelta(days=3), visit_limit_per_year=2)
        s.add(cov)
        s.flush()
        s.add(Visit(patient_id=p.id, coverage_id=cov.id, visit_date=TODAY + timedelta(days=2),
                    status=VisitStatus.BOOKED))
    _assert_same(session_factory, [TODAY, TODAY + timedelta(days=3)])
    _assert_recompute_equal(session_factory)
