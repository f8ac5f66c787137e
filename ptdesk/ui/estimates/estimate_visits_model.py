"""The estimate's visits, one row each: date, codes, allowed, insurance pays, patient pays,
phase; a visit past the authorization says what the patient owes if it is not extended."""

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ptdesk.domain.estimate_model import VisitEstimate
from ptdesk.domain.status import long_date

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


class EstimateVisitsModel(QAbstractTableModel):
    COL_N, COL_DATE, COL_CODES, COL_ALLOWED, COL_INSURANCE, COL_PATIENT, COL_PHASE = range(7)
    HEADERS = ("#", "Date", "Codes", "Allowed", "Insurance pays", "Patient pays", "Phase")
    RIGHT = frozenset({COL_N, COL_ALLOWED, COL_INSURANCE, COL_PATIENT})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.visits: tuple[VisitEstimate, ...] = ()

    def set_visits(self, visits: tuple[VisitEstimate, ...]) -> None:
        self.beginResetModel()
        self.visits = tuple(visits)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visits)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self.RIGHT else _LEFT
        return None

    def _text(self, v: VisitEstimate, col: int) -> str:
        if col == self.COL_N:
            return str(v.n)
        if col == self.COL_DATE:
            return long_date(v.date)
        if col == self.COL_CODES:
            return v.codes
        if col == self.COL_ALLOWED:
            return money(v.allowed)
        if col == self.COL_INSURANCE:
            return money(v.insurance_pays)
        if col == self.COL_PATIENT:
            return money(v.patient_pays)
        phase = v.phase.capitalize()
        if v.needs_extension:
            owed = "" if v.if_not_extended is None else f": {money(v.if_not_extended)} if not"
            phase += f" · needs the authorization extended{owed}"
        return phase

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.visits):
            return None
        v = self.visits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return self._text(v, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if index.column() in self.RIGHT else _LEFT
        return None
