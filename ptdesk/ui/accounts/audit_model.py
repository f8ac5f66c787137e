"""The audit trail as a table (the Audit page)."""

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ptdesk.domain.dates import clock, long_date
from ptdesk.services.accounts.audit_log import AuditRow

_Index = QModelIndex | QPersistentModelIndex
HEADERS = ("When", "Who", "Action", "Table", "Row", "Patient #", "Before", "After")

ACTION_WORDS = {
    "create": "Created", "change": "Changed", "delete": "Deleted", "void": "Voided",
    "override": "Override", "sign_in": "Signed in", "sign_in_failed": "Sign-in FAILED",
    "sign_out": "Signed out", "lock": "Locked", "unlock": "Unlocked",
    "unlock_failed": "Unlock FAILED", "print": "Printed", "export": "Exported",
}


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[AuditRow, ...] = ()

    def set_rows(self, rows: tuple[AuditRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt API)
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (f"{long_date(r.at)}  {clock(r.at.time(), seconds=True)}", r.actor,
                      ACTION_WORDS.get(r.action, r.action), r.table_name.replace("_", " "),
                      r.row_id,
                      "" if r.patient_id is None else str(r.patient_id), _short(r.before),
                      _short(r.after))
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (6, 7):
            return (r.before, r.after)[col - 6] or None
        return None
