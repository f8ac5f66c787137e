"""The day's visits as a table: time, patient, status chip, coverage, provider, visit state."""

from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.words import plural
from ptdesk.services.visits.session_dtos import TodayView, TodayVisitRow
from ptdesk.ui.theme import MUTED, tabular_font
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.rows_model import CENTER, Column, RowsModel
from ptdesk.ui.widgets.rows_model import PATIENT_ID_ROLE as PATIENT_ID_ROLE
from ptdesk.ui.widgets.rows_model import SORT_ROLE as SORT_ROLE

COL_TIME = 0
COL_PATIENT = 1
COL_STATUS = 2
COL_COVERAGE = 3
COL_PROVIDER = 4
COL_VISIT = 5
VISIT_STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # after the rows model's own roles
VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 5

VISIT_WORDS = {
    VisitStatus.BOOKED: "Booked",
    VisitStatus.CHECKED_IN: "✓ Checked in",
    VisitStatus.COMPLETED: "✓✓ Completed",
}


def time_text(row: TodayVisitRow) -> str:
    t = row.scheduled_time
    if t is None:
        return "—"
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def visit_text(row: TodayVisitRow) -> str:
    """The state, then what needs a look (⚠), then the line count: the column is narrow and
    elides its end, so a warning never goes after what matters less."""
    words = VISIT_WORDS.get(row.status, row.status.label)
    if row.session_override and row.status is VisitStatus.COMPLETED:
        # Completed over the engine's errors (issue 10): ⚠ in place of ✓✓; the tooltip says why.
        words = "⚠ Completed, override"
    parts = [words]
    if row.override:
        parts.append("⚠ at risk")  # checked in over a stop (issue 10); the tooltip says why
    elif row.outside and row.status is VisitStatus.BOOKED:
        parts.append(f"⚠ {OUTSIDE_MARK}")  # booked anyway (issue 10 #2); the tooltip says why
    if row.status is VisitStatus.COMPLETED and row.lines and not row.session_override:
        parts.append(plural(row.lines, "line"))  # an overridden row: in its tooltip
    return " · ".join(parts)


@cache  # made once, on first paint (after the application exists)
def _numbers_font() -> QFont:
    return tabular_font(QFont())


def _muted_when_done(r: TodayVisitRow) -> QColor | None:
    return QColor(MUTED) if r.status is VisitStatus.COMPLETED else None


def _visit_tip(r: TodayVisitRow) -> str | None:
    tips = []
    if r.override:
        tips.append(f"Checked in over a stop: {r.override}")
    elif r.outside:
        tips.append(f"Booked outside the authorization: {r.outside}")
    if r.session_override:
        tips.append(f"Completed over the billing check's errors: {r.session_override} "
                    f"({plural(r.lines, 'line')})")
    return "\n".join(tips) or None


class TodayModel(RowsModel[TodayVisitRow]):
    COLUMNS = (
        Column[TodayVisitRow]("Time", time_text, align=CENTER, font=_numbers_font,
                              sort=lambda r: r.scheduled_time.isoformat() if r.scheduled_time
                              else "99", tooltip=lambda r: None),
        Column[TodayVisitRow]("Patient", lambda r: r.patient_name, tooltip=lambda r: (
            f"Chart {r.chart_number}" if r.chart_number else None)),
        Column[TodayVisitRow]("Status", lambda r: r.chip.text if r.chip is not None else "",
                              sort=lambda r: -(r.chip.severity if r.chip is not None else -1),
                              chip=lambda r: r.chip, tooltip=lambda r: (
                                  (r.chip.tooltip or r.chip.text) if r.chip is not None
                                  else None)),
        # elided in a narrow window: whole in the tooltip
        Column[TodayVisitRow]("Coverage", lambda r: r.payer_name,
                              tooltip=lambda r: r.payer_name or None, ink=_muted_when_done),
        Column[TodayVisitRow]("Provider", lambda r: r.provider_name,
                              tooltip=lambda r: r.provider_name or None, ink=_muted_when_done),
        Column[TodayVisitRow]("Visit", visit_text, tooltip=_visit_tip),
    )

    def row_of_visit(self, visit_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.visit_id == visit_id), None)

    def role_data(self, row: TodayVisitRow, column: int, role: int) -> Any:
        if role == VISIT_ID_ROLE:
            return row.visit_id
        if role == VISIT_STATUS_ROLE:
            return row.status
        return super().role_data(row, column, role)


def counts_text(view: TodayView, is_today: bool) -> str:
    """"12 visits · 3 to check in · 9 completed" (the line above the day's list)."""
    if not view.rows:
        return f"No visits on {format_date(view.day)}."
    c = view.counts()
    where = "" if is_today else f" on {format_date(view.day)}"
    parts = [plural(len(view.rows), "visit") + where]
    for status, word in ((VisitStatus.BOOKED, "to check in"),
                         (VisitStatus.CHECKED_IN, "checked in"),
                         (VisitStatus.COMPLETED, "completed")):
        if c.get(status):
            parts.append(f"{c[status]} {word}")
    return " · ".join(parts)
