"""Draws a status chip in a table cell: the model returns a `StatusChipView` for CHIP_ROLE.

The same `paint_chip` as the widget, so the lookup, the board and the panel look alike. The
display text stays the chip's words (for sorting, copying, screen readers and printing).
"""

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.ui.widgets.status_chip import chip_size, paint_chip

CHIP_ROLE = Qt.ItemDataRole.UserRole + 20

_Index = QModelIndex | QPersistentModelIndex


class StatusDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        chip = index.data(CHIP_ROLE)
        if not isinstance(chip, StatusChipView):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setFont(opt.font)
        rect = opt.rect.adjusted(6, 3, -4, -3)
        paint_chip(painter, rect, chip.status, chip.text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        chip = index.data(CHIP_ROLE)
        if not isinstance(chip, StatusChipView):
            return super().sizeHint(option, index)
        size = chip_size(option.fontMetrics, chip.text)
        return QSize(size.width() + 12, size.height() + 6)


# A status column never narrower than its longest chip up to this, so "Red · 3 booked visits
# not covered" is read whole at 1280x800; a longer chip is elided, its words in the tooltip.
CHIP_COLUMN_MAX = 440


def chip_column_width(view: QAbstractItemView, column: int, cap: int = CHIP_COLUMN_MAX) -> int:
    """The width the chips in `column` need (every row of the view's model), capped."""
    model = view.model()
    if model is None:
        return 0
    fm = view.fontMetrics()
    widest = fm.horizontalAdvance(str(model.headerData(column, Qt.Orientation.Horizontal)
                                      or "")) + 24
    for row in range(model.rowCount()):
        chip = model.index(row, column).data(CHIP_ROLE)
        if isinstance(chip, StatusChipView):
            widest = max(widest, chip_size(fm, chip.text).width() + 12)
    return min(widest, cap)


def _any_chip(view: QAbstractItemView, column: int) -> bool:
    model = view.model()
    if model is None:
        return False
    has_chips = getattr(model, "has_chips", None)  # a model that knows, without a scan
    if callable(has_chips):
        return bool(has_chips())
    return any(
        isinstance(model.index(row, column).data(CHIP_ROLE), StatusChipView)
        for row in range(model.rowCount()))


def _room(view: QTableView, column: int, leave: int) -> int:
    """What the window leaves the status column: the viewport less every other fixed column
    and `leave` pixels for each column that stretches (a payer or coverage, elided)."""
    header = view.horizontalHeader()
    used = 0
    for i in range(header.count()):
        if i == column or header.isSectionHidden(i):
            continue
        stretch = header.sectionResizeMode(i) == QHeaderView.ResizeMode.Stretch
        used += leave if stretch else header.sectionSize(i)
    return view.viewport().width() - used


class _ChipColumnFitter(QObject):
    def __init__(self, view: QTableView, column: int, cap: int, leave: int) -> None:
        super().__init__(view)
        self._view, self._column, self._cap, self._leave = view, column, cap, leave
        view.viewport().installEventFilter(self)

    def fit(self, *_args: object) -> None:
        v = self._view
        if not _any_chip(v, self._column):
            return  # the chips are on their way (a lookup's new rows): keep the width
        room = _room(v, self._column, self._leave)
        need = chip_column_width(v, self._column, self._cap)
        v.setColumnWidth(self._column, max(min(need, room), min(need, 160)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


def keep_chips_whole(
    view: QTableView, column: int, cap: int = CHIP_COLUMN_MAX, leave: int = 130
) -> None:
    """Size the status column to its chips whenever the rows, their statuses or the window
    change: as wide as the longest chip, up to `cap` and to what the window leaves after the
    other columns (`leave` pixels kept for each stretching column)."""
    model = view.model()
    if model is None:
        return
    fitter = _ChipColumnFitter(view, column, cap, leave)
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.dataChanged):
        signal.connect(fitter.fit)
    fitter.fit()
