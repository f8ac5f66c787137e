"""The week view's table: rows are the clinic's time slots (and a last "No time" row),
columns Monday to Saturday. A cell shows its visits (short name; the first visit's status as
colour + icon, words in the tooltip), "free" in muted ink, or why the day is closed."""

from datetime import date, time
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.domain.dates import clock, short_date, weekday, weekday_long
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import Status
from ptdesk.services.visits.week import WeekView, WeekVisit
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.status_chip import status_icon, tint_color

_Index = QModelIndex | QPersistentModelIndex
VISITS_ROLE = Qt.ItemDataRole.UserRole + 31  # tuple[WeekVisit, ...]
SLOT_ROLE = Qt.ItemDataRole.UserRole + 32  # (date, time | None)
_DONE = {VisitStatus.CHECKED_IN: "in", VisitStatus.COMPLETED: "done"}


def cell_text(visits: tuple[WeekVisit, ...]) -> str:
    words = []
    for v in visits[:2]:
        mark = " ⚠" if v.outside and v.status is VisitStatus.BOOKED else ""
        done = f" ({_DONE[v.status]})" if v.status in _DONE else ""
        words.append(f"{v.short_name}{done}{mark}")
    more = f" +{len(visits) - 2}" if len(visits) > 2 else ""
    return ", ".join(words) + more


class WeekModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.view: WeekView | None = None
        self._muted = QBrush(QColor(MUTED))

    def set_view(self, view: WeekView) -> None:
        self.beginResetModel()
        self.view = view
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.view is None:
            return 0
        return len(self.view.cells) + 1  # + "No time"

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.view is None:
            return 0
        return len(self.view.days)

    def visits_at(self, row: int, col: int) -> tuple[WeekVisit, ...]:
        v = self.view
        if v is None:
            return ()
        return v.untimed[col] if row == len(v.cells) else v.cells[row][col]

    def slot_at(self, row: int, col: int) -> tuple[date, time | None]:
        assert self.view is not None
        slots = self.view.hours.slots()
        return self.view.days[col], slots[row] if row < len(slots) else None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.view
        if v is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            d = v.days[section]
            return f"{weekday(d)} {short_date(d)}" + (" · closed" if v.closed[section] else "")
        slots = v.hours.slots()
        return clock(slots[section]) if section < len(slots) else "No time"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.view
        if v is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        visits = self.visits_at(row, col)
        closed = v.closed[col]
        untimed_row = row == len(v.cells)
        if role == Qt.ItemDataRole.DisplayRole:
            if visits:
                return cell_text(visits)
            if closed:
                return closed.capitalize() if row == 0 else ""
            return "" if untimed_row else "free"
        if role == Qt.ItemDataRole.DecorationRole and visits:
            chip = visits[0].chip
            return _icon(chip.status if chip is not None else Status.NOT_TRACKED)
        if role == Qt.ItemDataRole.BackgroundRole and visits:
            chip = visits[0].chip
            if chip is not None and chip.status is not Status.GREEN:
                return QBrush(tint_color(chip.status))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and not visits:
            return self._muted
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(visits, closed)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            d, t = self.slot_at(row, col)
            where = f"{weekday_long(d)} {short_date(d)}, {clock(t) if t else 'no time'}"
            return f"{where}: {_tooltip(visits, closed) or 'free'}"
        if role == VISITS_ROLE:
            return visits
        if role == SLOT_ROLE:
            return self.slot_at(row, col)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@lru_cache(maxsize=16)  # one icon per status: drawing it for every cell painted was most of a paint
def _icon(status: Status) -> QIcon:
    return status_icon(status)


def _tooltip(visits: tuple[WeekVisit, ...], closed: str) -> str:
    if not visits:
        return closed.capitalize()
    lines = []
    for v in visits:
        at = clock(v.at) if v.at else "no time"
        chip = v.chip.text if v.chip is not None else "no status"
        mark = f" · ⚠ {OUTSIDE_MARK}: {v.outside}" if v.outside else ""
        lines.append(f"{at} {v.short_name} · {v.status.label} · {chip}{mark}")
    return "\n".join(lines)
