"""One read-only table model for every list of frozen rows on screen: a model is its columns.

Each `Column` says its header, the text of a row, and optionally its sort key, alignment,
status chip (handed to the chip delegate under CHIP_ROLE), tooltip, ink and font. The model
answers Qt's roles from them, so a table model is a tuple of columns and nothing else; what
one model adds (an id role, a row-wide colour) goes in `role_data`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  # the Status value, for filtering

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None  # default: the text, case-folded
    right: bool = False  # numbers and dates: right-aligned (UI.md)
    chip: Callable[[R], StatusChipView | None] | None = None
    # default: the chip's tooltip, else the text (a narrow column elides it)
    tooltip: Callable[[R], str | None] | None = None
    ink: Callable[[R], QColor | None] | None = None  # a colour for the text, when it says one
    align: int | None = None  # anything but left/right (e.g. centred times)
    font: Callable[[], QFont] | None = None  # e.g. tabular figures


class RowsModel(QAbstractTableModel, Generic[R]):
    COLUMNS: tuple[Column[Any], ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[R, ...] = ()

    def set_rows(self, rows: tuple[R, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[R, ...]:
        return self._rows

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    @staticmethod
    def _align(col: Column[Any]) -> int:
        return col.align if col.align is not None else RIGHT if col.right else LEFT

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tooltip is not None:
                return col.tooltip(row)
            chip = col.chip(row) if col.chip is not None else None
            return (chip.tooltip or chip.text) if chip is not None else col.text(row)
        if role == SORT_ROLE:
            return col.sort(row) if col.sort is not None else col.text(row).casefold()
        if role == CHIP_ROLE and col.chip is not None:
            return col.chip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align(col)
        if role == Qt.ItemDataRole.ForegroundRole and col.ink is not None:
            ink = col.ink(row)
            return QBrush(ink) if ink is not None else None
        if role == Qt.ItemDataRole.FontRole and col.font is not None:
            return col.font()
        return self.role_data(row, index.column(), role)

    def role_data(self, row: R, column: int, role: int) -> Any:
        """The roles a model adds: by default a row's patient id and status value."""
        if role == STATUS_ROLE:
            found = getattr(row, "chip", None)
            return found.status.value if isinstance(found, StatusChipView) else None
        if role == PATIENT_ID_ROLE:
            return getattr(row, "patient_id", None)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
