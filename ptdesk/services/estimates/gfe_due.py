"""The board's "Good Faith Estimates due": uninsured and self-pay patients with a booked visit
that no Good Faith Estimate covers yet, and the day the rule (domain.gfe_timing) says it is due.

A visit is self-pay when it is booked without a coverage, or to a coverage whose payer is the
"self-pay" kind. The booking day is the visit's creation time in the clinic's time zone. One GFE
covers a recurring course for 12 months (pt-rules.md §H3, confidence medium).
"""

from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.gfe_timing import covers, gfe_due
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.services.clinic.details import calendar_of, load_details
from ptdesk.services.estimates.dtos import GfeDueRow
from ptdesk.services.estimates.given import latest_gfe_dates
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage, Patient, Payer, Visit


def _local_day(at: datetime, now: datetime) -> date:
    """The desk's calendar day of a stored Instant (read back aware)."""
    return at.astimezone(now.tzinfo).date() if now.tzinfo is not None else at.date()


class GfeDueService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def due(self, today: date, now: datetime) -> tuple[GfeDueRow, ...]:
        with session_scope(self._factory) as s:
            calendar = calendar_of(load_details(s))
            rows = s.execute(
                select(Visit.patient_id, Visit.visit_date, Visit.created_at,
                       Patient.first_name, Patient.last_name, Patient.chart_number)
                .join(Patient, Patient.id == Visit.patient_id)
                .outerjoin(Coverage, Coverage.id == Visit.coverage_id)
                .outerjoin(Payer, Payer.id == Coverage.payer_id)
                .where(Visit.status == VisitStatus.BOOKED, Visit.visit_date >= today,
                       or_(Visit.coverage_id.is_(None), Payer.kind == PayerKind.SELF_PAY))
                .order_by(Visit.patient_id, Visit.visit_date)).all()
            given = latest_gfe_dates(s, sorted({r.patient_id for r in rows}))
        best: dict[int, GfeDueRow] = {}
        for r in rows:
            if any(covers(g, r.visit_date) for g in given.get(r.patient_id, ())):
                continue
            booked = _local_day(r.created_at, now)
            rule = gfe_due(booked, r.visit_date, calendar)
            if rule.due is None:
                continue
            row = GfeDueRow(r.patient_id, f"{r.last_name}, {r.first_name}", r.chart_number,
                            booked, r.visit_date, rule.due, rule.business_days_ahead,
                            today > rule.due, rule.why)
            if r.patient_id not in best or row.due < best[r.patient_id].due:
                best[r.patient_id] = row
        return tuple(sorted(best.values(), key=lambda x: (x.due, x.patient_name)))
