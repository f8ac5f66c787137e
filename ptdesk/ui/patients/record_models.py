"""Small read-only table models of the patient record: coverages and visits."""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.domain.dates import weekday
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.patients.dtos import CoverageInfo, CoverageState, VisitInfo
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.rows_model import Column, RowsModel


def _money(value: object) -> str:
    return "" if value is None else f"${value:,.2f}"


def _member(c: CoverageInfo) -> str:
    return c.member_id + (f" · group {c.draft.group_id}" if c.draft.group_id else "")


def _dates(c: CoverageInfo) -> str:
    d = c.draft
    end = f"to {format_date(d.end_date)}" if d.end_date else "open-ended"
    return f"{format_date(d.effective_date)} {end}"


def _copay(c: CoverageInfo) -> str:
    d = c.draft
    parts = [_money(d.copay)] if d.copay is not None else []
    if d.coinsurance_pct is not None:
        parts.append(f"{d.coinsurance_pct.normalize():f}%")
    return " / ".join(parts) or "—"


def _limit(c: CoverageInfo) -> str:
    limit = c.draft.visit_limit_per_year
    return "—" if limit is None else str(limit)


class CoverageTableModel(RowsModel[CoverageInfo]):
    COL_RANK, COL_PAYER, COL_MEMBER, COL_DATES, COL_STATE, COL_COPAY, COL_LIMIT = range(7)
    COLUMNS = (
        Column[CoverageInfo]("Rank", lambda c: c.priority_label),
        Column[CoverageInfo]("Payer", lambda c: c.payer_name),
        Column[CoverageInfo]("Member id", _member),
        Column[CoverageInfo]("Dates", _dates),
        Column[CoverageInfo]("Status", lambda c: c.state.label),
        Column[CoverageInfo]("Copay / coins.", _copay, right=True),
        Column[CoverageInfo]("Visits/yr", _limit, right=True),
    )

    def coverage_at(self, row: int) -> CoverageInfo:
        return self.row_at(row)

    def role_data(self, row: CoverageInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and row.state is CoverageState.ENDED:
            return QBrush(QColor(MUTED))  # an ended coverage stays listed, greyed
        return super().role_data(row, column, role)


def _visit_status(v: VisitInfo) -> str:
    # Checked in over a stop: the reason and who, on the visit itself (issue 10).
    if v.override:
        return f"{v.status.label} · ⚠ at risk: {v.override}"
    if v.outside and v.status is VisitStatus.BOOKED:  # booked anyway (issue 10 #2)
        return f"{v.status.label} · ⚠ {OUTSIDE_MARK}: {v.outside}"
    return v.status.label


class VisitTableModel(RowsModel[VisitInfo]):
    COL_DATE, COL_STATUS, COL_PROVIDER, COL_PAYER = range(4)
    COLUMNS = (
        Column[VisitInfo]("Date", lambda v: f"{weekday(v.visit_date)} {format_date(v.visit_date)}",
                          right=True),
        Column[VisitInfo]("Status", _visit_status),
        Column[VisitInfo]("Provider", lambda v: v.provider_name or "—"),
        Column[VisitInfo]("Billed to", lambda v: v.payer_name),
    )
