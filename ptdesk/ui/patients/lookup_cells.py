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
_SELECTED = QStyle.StateFlag.State_Selected.value
_FOCUS = QStyle.StateFlag.State_HasFocus.value
_TEXT = QPalette.ColorRole.Text
_HIGHLIGHTED_TEXT = QPalette.ColorRole.HighlightedText
_FITTED_KEPT = 4_000  # elided texts remembered (a few screens of cells)
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
        self._fonts: dict[bool, tuple[QFont, QFontMetrics, int]] = {}  # by "numbers"
        self._fitted: dict[tuple[str, int, bool], str] = {}  # (text, width, numbers) -> elided
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
        state = option.state.value  # an int: PySide's flag enums cost a Python call per `&`
        view.style().drawPrimitive(_PANEL, option, painter, view)
        if text:
            font, metrics, height = self._font(option, numbers)
            painter.setFont(font)
            palette = option.palette
            if state & _SELECTED:
                painter.setPen(palette.color(_HIGHLIGHTED_TEXT))
            elif muted:
                painter.setPen(self._muted)
            else:
                painter.setPen(palette.color(_TEXT))
            inset = self._inset
            rect = option.rect.adjusted(inset, 0, -inset, 0)
            # One line's box centred as Qt's item painting does (an integer offset; centring
            # by the painter put the text a pixel lower), the text at its top.
            rect.setTop(rect.top() + (rect.height() - height) // 2)
            rect.setHeight(height)
            painter.drawText(rect, (align & _NOT_VCENTER) | _TOP,
                             self._elided(numbers, metrics, text, rect.width()))
        if state & _FOCUS:
            self._focus_frame(painter, option)

    def _font(self, option: QStyleOptionViewItem,
              numbers: bool) -> tuple[QFont, QFontMetrics, int]:
        """The cell's font, its metrics and line height, measured once per font."""
        font = self._model.numbers_font() if numbers else option.font
        cached = self._fonts.get(numbers)
        if cached is None or cached[0] != font:
            font = QFont(font)  # a copy: the option's own dies with the option
            metrics = QFontMetrics(font)
            cached = self._fonts[numbers] = (font, metrics, metrics.height())
        return cached

    def _elided(self, numbers: bool, metrics: QFontMetrics, text: str, width: int) -> str:
        """The text as it fits `width` (remembered: most cells repaint with the same text)."""
        key = (text, width, numbers)
        fitted = self._fitted.get(key)
        if fitted is None:
            if len(self._fitted) > _FITTED_KEPT:
                self._fitted.clear()
            fitted = self._fitted[key] = metrics.elidedText(text, _ELIDE, width)
        return fitted

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
        role = (QPalette.ColorRole.Highlight if option.state.value & _SELECTED
                else QPalette.ColorRole.Window)
        frame.backgroundColor = option.palette.color(role)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, frame, painter, view)
