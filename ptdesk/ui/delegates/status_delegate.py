"""Draws a status chip in a table cell: the model returns a `StatusChipView` for CHIP_ROLE.

The same `paint_chip` as the widget, so the lookup, the board and the panel look alike. The
display text stays the chip's words (for sorting, copying, screen readers and printing).
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ptdesk.services.authorization_dtos import StatusChipView
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
