"""Search results as a table model: name, date of birth + age, phone, primary payer, visits,
and (with `with_status=True`) the status chip, which arrives a moment after the rows
(`set_statuses`) and is drawn by `ptdesk.ui.widgets.status_delegate.StatusDelegate`."""

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.patients.dtos import PatientSearchRow
from ptdesk.ui.theme import MUTED, tabular_font
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE

COL_NAME = 0
COL_DOB = 1
COL_PHONE = 2
COL_PAYER = 3
COL_VISIT = 4
COL_CHART = 5
COL_STATUS = 6  # only with `with_status=True`; the page shows it second (moveSection)
HEADERS = ("Name", "Date of birth (age)", "Phone", "Primary payer", "Next / last visit", "Chart")
STATUS_HEADER = "Status"

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def visit_text(row: PatientSearchRow) -> str:
    if row.next_visit is not None:
        return f"Next {format_date(row.next_visit)}"
    if row.last_visit is not None:
        return f"Last {format_date(row.last_visit)}"
    return ""


def dob_text(row: PatientSearchRow) -> str:
    return f"{format_date(row.date_of_birth)} ({row.age})"


class PatientTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, *, with_status: bool = False) -> None:
        super().__init__(parent)
        self._rows: tuple[PatientSearchRow, ...] = ()
        self._numbers_font: QFont | None = None
        self._with_status = with_status
        self._statuses: dict[int, StatusChipView] = {}
        self._status_loaded = False  # False while the chips of the shown rows are on their way

    # ---- data in ------------------------------------------------------------------------
    def set_rows(self, rows: tuple[PatientSearchRow, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        shown = {r.patient_id for r in self._rows}
        self._statuses = {k: v for k, v in self._statuses.items() if k in shown}
        self._status_loaded = False
        self.endResetModel()

    def set_statuses(self, statuses: dict[int, StatusChipView]) -> None:
        """The status chips of the shown patients (loaded after the rows)."""
        self._statuses.update(statuses)
        self._status_loaded = True
        if self._rows and self._with_status:
            self.dataChanged.emit(self.index(0, COL_STATUS),
                                  self.index(len(self._rows) - 1, COL_STATUS))

    def status_of(self, patient_id: int) -> StatusChipView | None:
        return self._statuses.get(patient_id)

    def row_at(self, row: int) -> PatientSearchRow:
        return self._rows[row]

    def rows(self) -> tuple[PatientSearchRow, ...]:
        return self._rows

    # ---- Qt overrides -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS) + (1 if self._with_status else 0)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return STATUS_HEADER if section == COL_STATUS else HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if section in (COL_DOB, COL_CHART) else _LEFT)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if col == COL_STATUS:
            return self._status_data(row, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == PATIENT_ID_ROLE:
            return row.patient_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT if col in (COL_DOB, COL_CHART) else _LEFT)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._describe(row, col)
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor(MUTED))
        if role == Qt.ItemDataRole.FontRole and col in (COL_DOB, COL_PHONE, COL_CHART):
            if self._numbers_font is None:
                self._numbers_font = tabular_font(QFont())
            return self._numbers_font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _status_data(self, row: PatientSearchRow, role: int) -> Any:
        chip = self._statuses.get(row.patient_id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if chip:
                return chip.text
            if not self._status_loaded:
                return "…"
            return "Inactive patient" if not row.active else "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            if chip:
                return chip.tooltip or chip.text
            if not self._status_loaded:
                return "Status loading"
            return "No status is tracked for this patient"
        if role == CHIP_ROLE:
            return chip
        if role == SORT_ROLE:
            return -chip.severity if chip else 0
        if role == PATIENT_ID_ROLE:
            return row.patient_id
        return None

    # ---- helpers ------------------------------------------------------------------------
    @staticmethod
    def _display(row: PatientSearchRow, col: int) -> str | None:
        if col == COL_NAME:
            return row.display_name + ("" if row.active else " (inactive)")
        if col == COL_DOB:
            return dob_text(row)
        if col == COL_PHONE:
            return row.phone
        if col == COL_PAYER:
            return row.primary_payer or "—"
        if col == COL_VISIT:
            return visit_text(row)
        if col == COL_CHART:
            return row.chart_number
        return None

    @staticmethod
    def _sort_key(row: PatientSearchRow, col: int) -> Any:
        if col == COL_NAME:
            return f"{row.last_name.casefold()}\t{row.first_name.casefold()}"
        if col == COL_DOB:
            return row.date_of_birth.toordinal()
        if col == COL_VISIT:
            when = row.next_visit or row.last_visit
            return when.toordinal() if when else date.max.toordinal()
        if col == COL_CHART:
            c = row.chart_number
            return f"{len(c):04d}{c}" if c.isdigit() else f"9999{c}"
        return (PatientTableModel._display(row, col) or "").casefold()

    @staticmethod
    def _describe(row: PatientSearchRow, col: int) -> str:
        if col == COL_NAME:
            state = "" if row.active else ", inactive"
            return f"{row.display_name}, chart {row.chart_number}{state}"
        if col == COL_DOB:
            return f"Born {format_date(row.date_of_birth)}, age {row.age}"
        if col == COL_PHONE:
            return f"Phone {row.phone}" if row.phone else "No phone on file"
        if col == COL_PAYER:
            return row.primary_payer or "No primary coverage in force today"
        if col == COL_VISIT:
            return visit_text(row) or "No visits yet"
        return f"Chart number {row.chart_number}"
