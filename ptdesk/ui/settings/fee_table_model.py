"""The editable fee schedule table: code, description, amount per unit, the clinic's default
(CMS x locality) beside it, and the difference. The amount (and, on a new row, the code) is
edited in place; a problem shows in red with its reason as the tooltip, and stops the save."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ptdesk.domain.fee_amounts import parse_amount
from ptdesk.services.billing.fee_schedule_dtos import FeeRow

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ERROR = QColor("#b00020")


@dataclass
class EditRow:
    code: str
    amount_text: str
    default_amount: Decimal | None
    description: str
    note: str
    new: bool = False


class FeeTableModel(QAbstractTableModel):
    COL_CODE, COL_DESCRIPTION, COL_AMOUNT, COL_DEFAULT, COL_DIFF = range(5)
    HEADERS = ("Code", "Description", "Amount per unit", "Default (CMS × locality)",
               "Difference")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[EditRow] = []
        self.editable = False
        self.dirty = False
        self.known_codes: dict[str, tuple[str, Decimal | None]] = {}

    def set_rows(self, rows: tuple[FeeRow, ...], *, editable: bool) -> None:
        self.beginResetModel()
        self.rows = [EditRow(r.code, f"{r.amount:.2f}", r.default_amount, r.description,
                             r.note) for r in rows]
        self.editable = editable
        self.dirty = False
        self.endResetModel()

    def add_row(self) -> int:
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append(EditRow("", "", None, "", "", new=True))
        self.endInsertRows()
        self.dirty = True
        return n

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.dirty = True

    def problem(self, row: int) -> str | None:
        r = self.rows[row]
        if not r.code:
            return "Type the code."
        if self.known_codes and r.code not in self.known_codes:
            return f"{r.code} is not one of the PT codes ptdesk knows."
        if sum(1 for x in self.rows if x.code == r.code) > 1:
            return f"{r.code} is listed twice."
        return parse_amount(r.amount_text)[1]

    def problems(self) -> list[str]:
        return [f"Row {i + 1} ({r.code or 'no code'}): {p}" for i, r in enumerate(self.rows)
                if (p := self.problem(i))]

    def values(self) -> list[tuple[str, Decimal]]:
        out = []
        for r in self.rows:
            amount = parse_amount(r.amount_text)[0]
            if amount is not None:
                out.append((r.code, amount))
        return out

    # ---- Qt ---------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section >= self.COL_AMOUNT else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return base
        r = self.rows[index.row()]
        if index.column() == self.COL_AMOUNT or (index.column() == self.COL_CODE and r.new):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _diff(self, r: EditRow) -> str:
        amount = parse_amount(r.amount_text)[0]
        if amount is None or r.default_amount is None or not r.default_amount:
            return ""
        pct = (amount - r.default_amount) / r.default_amount * 100
        return f"{amount - r.default_amount:+,.2f} ({pct:+.0f}%)"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            if col == self.COL_CODE:
                return r.code
            if col == self.COL_DESCRIPTION:
                return r.description + (f" ({r.note})" if r.note else "")
            if col == self.COL_AMOUNT:
                return r.amount_text if role == Qt.ItemDataRole.EditRole else (
                    f"${r.amount_text}" if r.amount_text and not self.problem(index.row())
                    else r.amount_text)
            if col == self.COL_DEFAULT:
                return "" if r.default_amount is None else f"${r.default_amount:,.2f}"
            return self._diff(r)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col >= self.COL_AMOUNT else _LEFT
        problem = self.problem(index.row()) if self.editable else None
        if role == Qt.ItemDataRole.ForegroundRole and problem and col in (self.COL_CODE,
                                                                         self.COL_AMOUNT):
            return QBrush(_ERROR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return problem or (r.note or None)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r = self.rows[index.row()]
        text = str(value).strip()
        if index.column() == self.COL_CODE:
            r.code = text.upper()
            r.description, r.default_amount = self.known_codes.get(r.code, ("", None))
        else:
            amount = parse_amount(text)[0]
            r.amount_text = f"{amount:.2f}" if amount is not None else text
        self.dirty = True
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), self.columnCount() - 1))
        return True
