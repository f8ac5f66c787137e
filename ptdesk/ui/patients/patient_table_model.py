"""Search results as a table model: name, date of birth + age, phone, primary payer, visits,
and (with `with_status=True`) the status chip, which arrives a moment after the rows
(`set_statuses`) and is drawn by `ptdesk.ui.widgets.status_delegate.StatusDelegate`."""

from collections.abc import Iterable
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
_RIGHT_INT = int(_RIGHT)
_LEFT_INT = int(_LEFT)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def visit_text(row: PatientSearchRow) -> str:
    if row.next_visit is not None:
        return f"Next {format_date(row.next_visit)}"
    if row.last_visit is not None:
        return f"Last {format_date(row.last_visit)}"
    return ""


def dob_text(row: PatientSearchRow) -> str:
    return f"{format_date(row.date_of_birth)} ({row.age})"


# Role numbers as plain ints: `data()` runs ~1,000 times per repaint of the table (every
# visible cell asks for its font, alignment, colours, check state, icon and text, through the
# sort proxy), and comparing with the enum members costs more than the answer.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_SORT = int(SORT_ROLE)
_PATIENT_ID = int(PATIENT_ID_ROLE)
_CHIP = int(CHIP_ROLE)
_ANSWERED_ROLES = frozenset((_DISPLAY, _ALIGN, _FOREGROUND, _FONT, _TOOLTIP, _ACCESSIBLE, _SORT,
                             _PATIENT_ID, _CHIP))
_NUMBER_COLUMNS = (COL_DOB, COL_PHONE, COL_CHART)
_RIGHT_COLUMNS = (COL_DOB, COL_CHART)


class PatientTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None, *, with_status: bool = False) -> None:
        super().__init__(parent)
        self._given: tuple[PatientSearchRow, ...] = ()  # as the service ordered them
        self._rows: tuple[PatientSearchRow, ...] = ()  # as shown (sorted by a column or not)
        self._sorted_by: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._texts: dict[int, tuple[str | None, ...]] = {}  # row -> its cells' text, as painted
        self._numbers_font: QFont | None = None
        self._muted: QBrush | None = None
        self._with_status = with_status
        self._statuses: dict[int, StatusChipView] = {}
        # The patients whose chips were asked for and answered (no chip = none tracked); a row
        # not answered yet shows "…". Chips are loaded for the rows in view (the page).
        self._answered: set[int] = set()
        self._all_answered = False

    # ---- data in ------------------------------------------------------------------------
    def set_rows(self, rows: tuple[PatientSearchRow, ...]) -> bool:
        """Show these rows; False (and nothing redrawn) when they are the ones shown."""
        rows = tuple(rows)
        if rows == self._given:
            return False
        self.beginResetModel()
        self._given = rows
        self._rows = self._ordered(rows)
        self._texts = {}
        shown = {r.patient_id for r in self._rows}
        self._statuses = {k: v for k, v in self._statuses.items() if k in shown}
        self._answered = set()
        self._all_answered = False
        self.endResetModel()
        return True

    def set_statuses(
        self, statuses: dict[int, StatusChipView], for_ids: Iterable[int] | None = None
    ) -> None:
        """The status chips of shown patients (loaded after the rows): of `for_ids`, or of
        every shown patient when not given."""
        self._statuses.update(statuses)
        if for_ids is None:
            self._all_answered = True
        else:
            self._answered.update(for_ids)
        if self._sorted_by[0] == COL_STATUS:
            self.sort(*self._sorted_by)  # sorted by status: the new chips take their places
        if self._rows and self._with_status:
            self.dataChanged.emit(self.index(0, COL_STATUS),
                                  self.index(len(self._rows) - 1, COL_STATUS))

    def forget_statuses(self) -> None:
        """The chips shown may be out of date (a save): show them loading until asked again."""
        if not (self._answered or self._all_answered):
            return  # nothing answered yet (new rows): nothing to redraw
        self._answered = set()
        self._all_answered = False
        if self._rows and self._with_status:
            self.dataChanged.emit(self.index(0, COL_STATUS),
                                  self.index(len(self._rows) - 1, COL_STATUS))

    def has_chips(self) -> bool:
        """Any chip among the shown rows (the status column's width follows them)."""
        return bool(self._statuses)

    def status_answered(self, patient_id: int) -> bool:
        return self._all_answered or patient_id in self._answered

    def status_of(self, patient_id: int) -> StatusChipView | None:
        return self._statuses.get(patient_id)

    def row_at(self, row: int) -> PatientSearchRow:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        """The row showing this patient, if shown."""
        return next((i for i, r in enumerate(self._rows) if r.patient_id == patient_id), None)

    # ---- for the cell painter (lookup_cells): one Python call per cell, not one per role ----
    def cell(self, r: int, col: int) -> tuple[str | None, int, bool, bool]:
        """A cell's text, alignment, whether in the numbers' font, whether muted."""
        row = self._rows[r]
        if col == COL_STATUS:
            return self._status_data(row, _DISPLAY), _LEFT_INT, False, False
        texts = self._texts.get(r)
        if texts is None:
            texts = self._texts[r] = self._cells(row)
        return (texts[col] if 0 <= col < len(texts) else None,
                _RIGHT_INT if col in _RIGHT_COLUMNS else _LEFT_INT,
                col in _NUMBER_COLUMNS, not row.active)

    def chip_at(self, r: int) -> StatusChipView | None:
        return self._statuses.get(self._rows[r].patient_id) if self._with_status else None

    def numbers_font(self) -> QFont:
        if self._numbers_font is None:
            self._numbers_font = tabular_font(QFont())
        return self._numbers_font

    def rows(self) -> tuple[PatientSearchRow, ...]:
        return self._given

    # ---- sorting (the view's header) ------------------------------------------------------
    # The model sorts itself rather than sit behind a QSortFilterProxyModel: a proxy maps every
    # cell's every role through two more Python calls (rowCount, columnCount) per repaint.
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = [r.patient_id for r in self._rows]
        self._rows = self._ordered(self._given)
        self._texts = {}
        after = {r.patient_id: i for i, r in enumerate(self._rows)}
        old = self.persistentIndexList()  # the selection and current row follow their patient
        self.changePersistentIndexList(old, [
            self.index(after[before[i.row()]], i.column()) if i.isValid() else i for i in old])
        self.layoutChanged.emit()

    def sorted_by_status(self) -> bool:
        return self._with_status and self._sorted_by[0] == COL_STATUS

    def _ordered(self, rows: tuple[PatientSearchRow, ...]) -> tuple[PatientSearchRow, ...]:
        column, order = self._sorted_by
        if column < 0 or column >= self.columnCount():
            return rows  # the service's order (by name)
        if column == COL_STATUS:
            def key(r: PatientSearchRow) -> Any:
                return self._status_data(r, _SORT)
        else:
            def key(r: PatientSearchRow) -> Any:
                return self._sort_key(r, column)
        return tuple(sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder))

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

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        role = int(role)
        if role not in _ANSWERED_ROLES:
            return None  # icon, check state, background...: asked for every cell, never set
        r = index.row()
        if not 0 <= r < len(self._rows):
            return None
        col = index.column()
        if col == COL_STATUS:
            return self._status_data(self._rows[r], role)
        if role in (_DISPLAY, _ALIGN, _FONT, _FOREGROUND):
            text, align, numbers, muted = self.cell(r, col)
            if role == _DISPLAY:
                return text
            if role == _ALIGN:
                return align
            if role == _FONT:
                return self.numbers_font() if numbers else None
            if not muted:
                return None
            if self._muted is None:
                self._muted = QBrush(QColor(MUTED))
            return self._muted
        row = self._rows[r]
        if role == _SORT:
            return self._sort_key(row, col)
        if role == _PATIENT_ID:
            return row.patient_id
        return self._describe(row, col)  # tooltip, accessible text

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def _status_data(self, row: PatientSearchRow, role: int) -> Any:
        chip = self._statuses.get(row.patient_id)
        if role in (_DISPLAY, _ACCESSIBLE):
            if chip:
                return chip.text
            if not self.status_answered(row.patient_id):
                return "…"
            return "Inactive patient" if not row.active else "—"
        if role == _TOOLTIP:
            if chip:
                return chip.tooltip or chip.text
            if not self.status_answered(row.patient_id):
                return "Status loading"
            return "No status is tracked for this patient"
        if role == _CHIP:
            return chip
        if role == _SORT:
            return -chip.severity if chip else 0
        if role == _PATIENT_ID:
            return row.patient_id
        return None

    @staticmethod
    def _cells(row: PatientSearchRow) -> tuple[str | None, ...]:
        return tuple(PatientTableModel._display(row, col) for col in range(len(HEADERS)))

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
