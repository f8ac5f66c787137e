"""What narrows the practice board's work list: the count tiles on top (each a button that
filters the list to its status) and the proxy that filters by status and by typed text."""

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QPushButton, QWidget

from ptdesk.domain.status import Status
from ptdesk.ui.theme import BORDER, STATUS_TINT
from ptdesk.ui.widgets.rows_model import SORT_ROLE, STATUS_ROLE
from ptdesk.ui.widgets.status_chip import status_icon

_Index = QModelIndex | QPersistentModelIndex


class BoardFilter(QSortFilterProxyModel):
    """Text in any column, and (optionally) one status."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.status: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)

    def set_status(self, status: str | None) -> None:
        self.beginFilterChange()  # Qt 6.10+: invalidateFilter() is deprecated
        self.status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        status = model.index(source_row, 0, source_parent).data(STATUS_ROLE)
        if self.status is not None and status != self.status:
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class CountTile(QPushButton):
    """A count with its shape and words; pressing it filters the list."""

    def __init__(self, words: str, status: Status, parent: QWidget | None = None, *,
                 one: str | None = None) -> None:
        super().__init__(parent)
        self.words = words
        self.one = one or words  # the words after a count of 1 ("1 request overdue")
        self.status = status
        self.count = 0
        self.setIcon(status_icon(status, 22))
        self.setIconSize(QSize(22, 22))
        self.setCheckable(True)
        self.setStyleSheet(
            f"QPushButton {{ text-align: left; padding: 8px 14px; font-size: 11pt;"
            f" background: {STATUS_TINT[status.value]}; border: 1px solid {BORDER};"
            f" border-radius: 4px; }} QPushButton:checked {{ border: 2px solid #1f5f99; }}")
        self.set_count(0)

    def set_count(self, n: int) -> None:
        self.count = n
        words = self.one if n == 1 else self.words
        self.setText(f"{n}  {words}")
        self.setAccessibleName(f"{n} {words}")
