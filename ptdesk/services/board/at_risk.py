""""Visits treated at risk this week" on the board: visits whose check-in stop was overridden."""

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ptdesk.domain.overrides import OverrideKind
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.storage.models import Visit, VisitOverride


def week_of(day: date) -> tuple[date, date]:
    """Monday..Sunday of the week holding `day` (the board's "this week")."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def at_risk_count(s: Session, start: date, end: date) -> int:
    """Visits dated start..end whose stop was overridden (the board's count)."""
    return int(s.execute(
        select(func.count(VisitOverride.id)).join(Visit, Visit.id == VisitOverride.visit_id)
        .where(Visit.visit_date >= start, Visit.visit_date <= end,
               Visit.status.in_(tuple(USED_STATUSES)),
               VisitOverride.kind == OverrideKind.CHECK_IN)).scalar_one())
