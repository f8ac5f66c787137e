"""Small read-only table models of the patient record: coverages and visits."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.domain.dates import weekday
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.patients.dtos import CoverageInfo, CoverageState, VisitInfo
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.date_field import format_date

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class _RowsModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    RIGHT_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = ()

    def set_rows(self, rows: tuple[Any, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self.RIGHT_COLUMNS else _LEFT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if index.column() in self.RIGHT_COLUMNS else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _text(self, row: Any, col: int) -> str:
        raise NotImplementedError


def _money(value: object) -> str:
    return "" if value is None else f"${value:,.2f}"


class CoverageTableModel(_RowsModel):
    COL_RANK, COL_PAYER, COL_MEMBER, COL_DATES, COL_STATE, COL_COPAY, COL_LIMIT = range(7)
    HEADERS = ("Rank", "Payer", "Member id", "Dates", "Status", "Copay / coins.", "Visits/yr")
    RIGHT_COLUMNS = frozenset({5, 6})

    def coverage_at(self, row: int) -> CoverageInfo:
        info: CoverageInfo = self._rows[row]
        return info

    def _text(self, row: Any, col: int) -> str:
        c: CoverageInfo = row
        d = c.draft
        if col == self.COL_RANK:
            return c.priority_label
        if col == self.COL_PAYER:
            return c.payer_name
        if col == self.COL_MEMBER:
            return c.member_id + (f" · group {d.group_id}" if d.group_id else "")
        if col == self.COL_DATES:
            end = f"to {format_date(d.end_date)}" if d.end_date else "open-ended"
            return f"{format_date(d.effective_date)} {end}"
        if col == self.COL_STATE:
            return c.state.label
        if col == self.COL_COPAY:
            parts = [_money(d.copay)] if d.copay is not None else []
            if d.coinsurance_pct is not None:
                parts.append(f"{d.coinsurance_pct.normalize():f}%")
            return " / ".join(parts) or "—"
        if col == self.COL_LIMIT:
            return "—" if d.visit_limit_per_year is None else str(d.visit_limit_per_year)
        return ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and index.isValid()
            and 0 <= index.row() < len(self._rows)
            and self.coverage_at(index.row()).state is CoverageState.ENDED
        ):
            return QBrush(QColor(MUTED))
        return super().data(index, role)


class VisitTableModel(_RowsModel):
    COL_DATE, COL_STATUS, COL_PROVIDER, COL_PAYER = range(4)
    HEADERS = ("Date", "Status", "Provider", "Billed to")
    RIGHT_COLUMNS = frozenset({0})

    def _text(self, row: Any, col: int) -> str:
        v: VisitInfo = row
        if col == self.COL_DATE:
            return f"{weekday(v.visit_date)} {format_date(v.visit_date)}"
        if col == self.COL_STATUS:
            # Checked in over a stop: the reason and who, on the visit itself (issue 10).
            if v.override:
                return f"{v.status.label} · ⚠ at risk: {v.override}"
            if v.outside and v.status is VisitStatus.BOOKED:  # booked anyway (issue 10 #2)
                return f"{v.status.label} · ⚠ {OUTSIDE_MARK}: {v.outside}"
            return v.status.label
        if col == self.COL_PROVIDER:
            return v.provider_name or "—"
        if col == self.COL_PAYER:
            return v.payer_name
        return ""
