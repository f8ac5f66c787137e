"""The receptionist's day: the visits of one date (booked, checked in, completed) in time order,
with patient, provider, coverage and the patient's status chip. Read-only: three queries (the
visits, then the chips from the board's stored counts)."""

from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.overrides import OverrideDraft, OverrideKind
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.services.patients.dtos import display_name
from ptdesk.services.visits.session_dtos import TodayView, TodayVisitRow
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Coverage,
    Patient,
    Payer,
    Provider,
    ServiceLine,
    Visit,
    VisitOverride,
)

SHOWN = (VisitStatus.BOOKED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED)


class TodayService:
    def __init__(self, session_factory: sessionmaker[Session], *, with_status: bool = True) -> None:
        self._factory = session_factory
        self._with_status = with_status

    def day(self, day: date) -> TodayView:
        lines = (select(ServiceLine.visit_id, func.count(ServiceLine.id).label("n"))
                 .group_by(ServiceLine.visit_id).subquery())
        q = (
            select(Visit.id, Visit.patient_id, Patient.last_name, Patient.first_name,
                   Patient.preferred_name, Patient.chart_number, Visit.scheduled_time,
                   Provider.first_name, Provider.last_name, Provider.credentials,
                   Payer.name, Payer.kind, Visit.status, lines.c.n, VisitOverride.reason,
                   VisitOverride.detail, VisitOverride.by, Visit.outside_reason)
            .join(Patient, Patient.id == Visit.patient_id)
            .outerjoin(Provider, Provider.id == Visit.provider_id)
            .outerjoin(Coverage, Coverage.id == Visit.coverage_id)
            .outerjoin(Payer, Payer.id == Coverage.payer_id)
            .outerjoin(lines, lines.c.visit_id == Visit.id)
            .outerjoin(VisitOverride, (VisitOverride.visit_id == Visit.id)
                       & (VisitOverride.kind == OverrideKind.CHECK_IN))
            .where(Visit.visit_date == day, Visit.status.in_(SHOWN))
        )
        with session_scope(self._factory) as s:
            raw = s.execute(q).all()
            chips = {}
            if self._with_status and raw:
                from ptdesk.services.board.practice_board import statuses_for

                chips = statuses_for(s, sorted({r[1] for r in raw}), day)
        rows = [
            TodayVisitRow(
                visit_id=r[0], patient_id=r[1], patient_name=display_name(r[2], r[3], r[4]),
                chart_number=r[5], scheduled_time=r[6],
                provider_name=_provider(r[7], r[8], r[9]),
                payer_name=r[10] or "Self-pay", payer_kind=r[11] or PayerKind.SELF_PAY,
                status=r[12], chip=chips.get(r[1]), lines=int(r[13] or 0),
                override=(f"{OverrideDraft(r[14], r[15]).words()}, by {r[16]}"
                          if r[14] is not None else ""),
                outside=r[17] or "",
            )
            for r in raw
        ]
        # Time order; visits without a time last, then by name (portable: sorted here).
        rows.sort(key=lambda r: (r.scheduled_time is None, r.scheduled_time or time.min,
                                 r.patient_name.casefold(), r.visit_id))
        return TodayView(day, tuple(rows))


def _provider(first: str | None, last: str | None, credentials: str | None) -> str:
    if not last:
        return ""
    return f"{first} {last}" + (f", {credentials}" if credentials else "")
