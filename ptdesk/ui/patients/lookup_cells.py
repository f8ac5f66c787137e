"""Paints the lookup table's cells: the text straight from the model's cached cells, the
status chips as everywhere else (`StatusDelegate`).

Why not Qt's own item painting (issue 9 #3): it asks the model for seven roles per cell, each
a Python call, and a `QTableView::item { padding }` style sheet made Qt resolve style rules for
every cell; the ~160 cells of a repaint cost ~6 ms a keystroke, this ~4. What is drawn is the
same: the style's own panel (alternating rows, selection) and focus frame, the text elided at
the right with 8 px more room on each side than the style's margin, numbers in the tabular
font, an inactive patient's row muted. Tooltips, sorting, copying and screen readers still
read the model's roles.
"""

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
)

from ptdesk.ui.patients.patient_table_model import COL_STATUS, PatientTableModel
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.status_delegate import StatusDelegate

PADDING = 8  # room between columns, so a right-aligned date never touches the phone beside it

_Index = QModelIndex | QPersistentModelIndex
_ELIDE = Qt.TextElideMode.ElideRight
_SELECTED = QStyle.StateFlag.State_Selected
_FOCUS = QStyle.StateFlag.State_HasFocus
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_NOT_VCENTER = ~int(Qt.AlignmentFlag.AlignVCenter)
_TOP = int(Qt.AlignmentFlag.AlignTop)


class LookupCells(StatusDelegate):
    """Every column of the lookup table (the status column's chips through the base class)."""

    def __init__(self, view: QTableView, model: PatientTableModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._muted = QColor(MUTED)
        self._numbers: tuple[QFont, QFontMetrics] | None = None
        style = view.style()
        # The style's own text margin (as Qt's item painting leaves it) plus the padding.
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        self._inset = margin + PADDING

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row, col = index.row(), index.column()
        model = self._model
        if col == COL_STATUS and model.chip_at(row) is not None:
            super().paint(painter, option, index)
            return
        text, align, numbers, muted = model.cell(row, col)
        view = self._view
        style = view.style()
        state = option.state
        style.drawPrimitive(_PANEL, option, painter, view)
        if text:
            inset = self._inset
            rect = option.rect.adjusted(inset, 0, -inset, 0)
            if numbers:
                font = model.numbers_font()
                if self._numbers is None or self._numbers[0] is not font:
                    self._numbers = (font, QFontMetrics(font))
                painter.setFont(font)
                metrics = self._numbers[1]
            else:
                painter.setFont(option.font)
                metrics = option.fontMetrics
            palette = option.palette
            if state & _SELECTED:
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            elif muted:
                painter.setPen(self._muted)
            else:
                painter.setPen(palette.color(QPalette.ColorRole.Text))
            # One line's box centred as Qt's item painting does (an integer offset; centring
            # by the painter put the text a pixel lower), the text at its top.
            height = metrics.height()
            rect.setTop(rect.top() + (rect.height() - height) // 2)
            rect.setHeight(height)
            painter.drawText(rect, (align & _NOT_VCENTER) | _TOP,
                             metrics.elidedText(text, _ELIDE, rect.width()))
        if state & _FOCUS:
            self._focus_frame(painter, option)

    def _focus_frame(self, painter: QPainter, option: QStyleOptionViewItem) -> None:
        """The frame around the current cell, as Qt's item painting draws it."""
        view = self._view
        style = view.style()
        frame = QStyleOptionFocusRect()
        frame.initFrom(view)
        # Inside the padding, where the style sheet's padded item had it.
        frame.rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemFocusRect, option,
                                          view).adjusted(PADDING, 0, -PADDING, 0)
        frame.state = option.state | QStyle.StateFlag.State_KeyboardFocusChange \
            | QStyle.StateFlag.State_Item
        frame.palette = option.palette
        role = (QPalette.ColorRole.Highlight if option.state & _SELECTED
                else QPalette.ColorRole.Window)
        frame.backgroundColor = option.palette.color(role)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, view)
