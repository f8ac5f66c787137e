"""The day's visits as a table: time, patient, status chip, coverage, provider, visit state."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.words import plural
from ptdesk.services.visits.session_dtos import TodayVisitRow
from ptdesk.ui.theme import MUTED, tabular_font
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE

COL_TIME = 0
COL_PATIENT = 1
COL_STATUS = 2
COL_COVERAGE = 3
COL_PROVIDER = 4
COL_VISIT = 5
HEADERS = ("Time", "Patient", "Status", "Coverage", "Provider", "Visit")

VISIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
VISIT_STATUS_ROLE = Qt.ItemDataRole.UserRole + 4

_Index = QModelIndex | QPersistentModelIndex
_CENTER = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

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
    words = VISIT_WORDS.get(row.status, row.status.label)
    if row.status is VisitStatus.COMPLETED and row.lines:
        words += f" · {plural(row.lines, 'line')}"
    if row.override:
        words += " · ⚠ at risk"  # checked in over a stop (issue 10); the tooltip says why
    elif row.outside and row.status is VisitStatus.BOOKED:
        words += f" · ⚠ {OUTSIDE_MARK}"  # booked anyway (issue 10 #2); the tooltip says why
    return words


class TodayModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[TodayVisitRow, ...] = ()
        self._numbers_font: QFont | None = None

    def set_rows(self, rows: tuple[TodayVisitRow, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TodayVisitRow:
        return self._rows[row]

    def rows(self) -> tuple[TodayVisitRow, ...]:
        return self._rows

    def row_of_visit(self, visit_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.visit_id == visit_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _CENTER if section == COL_TIME else _LEFT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == VISIT_ID_ROLE:
            return r.visit_id
        if role == PATIENT_ID_ROLE:
            return r.patient_id
        if role == VISIT_STATUS_ROLE:
            return r.status
        if role == CHIP_ROLE and col == COL_STATUS:
            return r.chip
        if role == SORT_ROLE:
            return self._sort_key(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if col == COL_TIME else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_STATUS and r.chip is not None:
                return r.chip.tooltip or r.chip.text
            if col == COL_PATIENT:
                return f"Chart {r.chart_number}" if r.chart_number else None
            if col == COL_VISIT and r.override:
                return f"Checked in over a stop: {r.override}"
            if col in (COL_COVERAGE, COL_PROVIDER):  # elided in a narrow window: whole here
                return self._text(r, col) or None
            if col == COL_VISIT and r.outside:
                return f"Booked outside the authorization: {r.outside}"
            return None
        if role == Qt.ItemDataRole.FontRole and col == COL_TIME:
            if self._numbers_font is None:
                self._numbers_font = tabular_font(QFont())
            return self._numbers_font
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_PROVIDER, COL_COVERAGE) and (
                r.status is VisitStatus.COMPLETED):
            return QBrush(QColor(MUTED))
        return None

    @staticmethod
    def _text(r: TodayVisitRow, col: int) -> str:
        if col == COL_TIME:
            return time_text(r)
        if col == COL_PATIENT:
            return r.patient_name
        if col == COL_STATUS:
            return r.chip.text if r.chip is not None else ""
        if col == COL_COVERAGE:
            return r.payer_name
        if col == COL_PROVIDER:
            return r.provider_name
        return visit_text(r)

    @staticmethod
    def _sort_key(r: TodayVisitRow, col: int) -> Any:
        if col == COL_TIME:
            return (r.scheduled_time.isoformat() if r.scheduled_time else "99")
        if col == COL_STATUS:
            return -(r.chip.severity if r.chip is not None else -1)
        return TodayModel._text(r, col).casefold()
