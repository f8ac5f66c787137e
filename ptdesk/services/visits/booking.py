"""Booking ahead (issue 10 #2): preview a visit or a series against the patient's
authorizations and plan-year limit, book it in one transaction (all or nothing), move a
booked visit. Every change re-allocates the patient (`auth_records.refresh_patient`) and bumps
the change counter, so the panel, Today's chips and every desk's board re-project at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.booking import (
    Coverage,
    CoverageTerms,
    ProposedVisit,
    SeriesPlan,
    SkippedDay,
    displaced,
    outside_summary,
    plan_words,
    project_series,
    series_dates,
)
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.domain.status import short_date
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.patient_data import PatientData
from ptdesk.services.authorizations.records import (
    coverage_patient,
    load_patient,
    patient_records,
    refresh_patient,
)
from ptdesk.services.authorizations.status_inputs import visit_limit
from ptdesk.services.clinic.details import load_details
from ptdesk.services.visits.dtos import VisitView
from ptdesk.services.visits.records import VisitNotFound, _view
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    patient_id: int
    coverage_id: int | None  # None = self-pay
    provider_id: int | None
    plan: SeriesPlan
    notes: str = ""


@dataclass(frozen=True, slots=True)
class SeriesPreview:
    request: SeriesRequest
    visits: tuple[ProposedVisit, ...]
    skipped: tuple[SkippedDay, ...]
    outside: tuple[str, ...]  # "Mar 30 and Apr 2: past the authorization's 12 visits"
    words: str  # "2 a week for 6 weeks, Mon/Thu"
    # Visits already booked that these would push past the authorization (earlier dates
    # draw first).
    displaced: tuple[date, ...] = ()

    @property
    def outside_count(self) -> int:
        return sum(1 for v in self.visits if v.coverage is Coverage.OUTSIDE)


@dataclass(frozen=True, slots=True)
class SeriesBooked:
    visit_ids: tuple[int, ...]
    marked: int  # booked outside the authorization or limit
    change_token: int


class BookingApi(Protocol):
    """What the booking dialog and the week view use (the UI imports no SQLAlchemy)."""

    def preview(self, req: SeriesRequest) -> SeriesPreview: ...

    def book(self, req: SeriesRequest, anyway: bool = False) -> SeriesBooked: ...

    def move(self, visit_id: int, day: date, at: time | None) -> VisitView: ...


_ACTIVE = (VisitStatus.BOOKED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED)


class BookingService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def preview(self, req: SeriesRequest) -> SeriesPreview:
        with session_scope(self._factory) as s:
            return _preview(s, req)

    def book(self, req: SeriesRequest, anyway: bool = False) -> SeriesBooked:
        """Book every date of the series or none. Dates the authorization or limit will not
        cover are refused unless `anyway`; then each is stored with its reason (marked)."""
        require(Permission.SCHEDULE_VISITS)
        with session_scope(self._factory) as s:
            p = _preview(s, req)
            if not p.visits:
                raise ValidationErrors({"repeat": "No dates to book: every day is closed."})
            if p.outside_count and not anyway:
                raise ValidationErrors({"outside": "Not covered: " + "; ".join(p.outside)})
            _refuse_clashes(s, req.patient_id, p.visits)
            rows = [Visit(patient_id=req.patient_id, coverage_id=req.coverage_id,
                          visit_date=v.day, scheduled_time=v.at, provider_id=req.provider_id,
                          notes=req.notes, status=VisitStatus.BOOKED,
                          outside_reason=v.why[:200] if v.coverage is Coverage.OUTSIDE else "")
                    for v in p.visits]
            s.add_all(rows)
            s.flush()
            _, token = refresh_patient(s, req.patient_id)
            return SeriesBooked(tuple(r.id for r in rows), p.outside_count, token)

    def move(self, visit_id: int, day: date, at: time | None) -> VisitView:
        """A booked visit to another day or time: its mark is re-projected for the new date
        and the patient's counts re-allocated (the counter moves for every desk)."""
        require(Permission.SCHEDULE_VISITS)
        with session_scope(self._factory) as s:
            v = s.get(Visit, visit_id)
            if v is None:
                raise VisitNotFound("This visit is no longer in the database.")
            if v.status is not VisitStatus.BOOKED:
                raise ValidationErrors({"status": "Only a booked visit can be moved."})
            data = load_patient(s, v.patient_id)
            others = tuple(x for x in data.visits if x.visit_id != visit_id)
            terms = _terms(data, v.coverage_id, day)
            (proj,) = project_series((day,), at, terms, others, patient_records(data))
            _refuse_clashes(s, v.patient_id, (proj,), ignore=visit_id)
            v.visit_date, v.scheduled_time = day, at
            v.outside_reason = proj.why[:200] if proj.coverage is Coverage.OUTSIDE else ""
            s.flush()
            _, token = refresh_patient(s, v.patient_id)
            s.refresh(v, ["authorization_id"])
            return _view(v, token)


def _terms(data: PatientData, coverage_id: int | None, day: date) -> CoverageTerms | None:
    if coverage_id is None:
        return None
    c = data.coverage(coverage_id)
    if c is None:
        raise ValidationErrors({"coverage_id": "Choose one of this patient's coverages."})
    return CoverageTerms(c.id, c.requires_auth, visit_limit(c))


def _preview(s: Session, req: SeriesRequest) -> SeriesPreview:
    if s.get(Patient, req.patient_id) is None:
        raise ValidationErrors({"patient_id": "This patient is no longer in the database."})
    if req.coverage_id is not None and coverage_patient(s, req.coverage_id) != req.patient_id:
        raise ValidationErrors({"coverage_id": "Choose one of this patient's coverages."})
    closed = frozenset(load_details(s).closed_dates)
    days, skipped = series_dates(req.plan, closed)
    data = load_patient(s, req.patient_id)
    terms = _terms(data, req.coverage_id, req.plan.start)
    records = patient_records(data)
    visits = project_series(days, req.plan.at, terms, data.visits, records)
    return SeriesPreview(req, visits, skipped, outside_summary(visits), plan_words(req.plan),
                         displaced(days, terms, data.visits, records))


def _refuse_clashes(s: Session, patient_id: int, visits: Sequence[ProposedVisit],
                    ignore: int | None = None) -> None:
    """A patient is not booked twice on one day (a double click, a series typed twice): one
    such date refuses the whole series (nothing is saved) and names every such date. A
    provider may see several patients at once (a PT gym does), so that is not refused."""
    days = sorted({v.day for v in visits})
    if not days:
        return
    q = (select(Visit.id, Visit.visit_date)
         .where(Visit.patient_id == patient_id, Visit.visit_date.in_(days),
                Visit.status.in_(_ACTIVE)))
    twice = sorted({d for vid, d in s.execute(q) if vid != ignore})
    if twice:
        when = ", ".join(short_date(d) for d in twice)
        raise ValidationErrors({"day": f"Already booked that day: {when}. Nothing was booked."})
