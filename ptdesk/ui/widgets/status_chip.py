"""The status chip: colour + icon shape + words, drawn the same way everywhere (UI.md).

Shapes, painted with QPainter (no image files): Green = a check in a circle, Yellow = an
exclamation mark in a triangle, Red = a stop octagon with a bar, None (no authorization) = a
question mark in a hollow circle, Not tracked = a dash. Each shape differs, so the meaning
survives greyscale and colour blindness; the words say it once more ("Red · 2 visits left").

`paint_chip` is shared by the `StatusChip` widget and the table delegate
(`ptdesk.ui.widgets.status_delegate`), so a row in the lookup, a card on the panel and a line
on the board look alike.
"""

import math

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.ui.theme import STATUS_FILL, STATUS_INK, STATUS_TINT, TEXT

SHAPES = {
    Status.GREEN: "check in a circle",
    Status.YELLOW: "exclamation mark in a triangle",
    Status.RED: "stop octagon",
    Status.NONE: "question mark in a circle",
    Status.NOT_TRACKED: "dash",
}


def fill_color(status: Status) -> QColor:
    return QColor(STATUS_FILL[status.value])


def ink_color(status: Status) -> QColor:
    return QColor(STATUS_INK[status.value])


def tint_color(status: Status) -> QColor:
    return QColor(STATUS_TINT[status.value])


def status_of_icon(icon: str) -> Status:
    """"status-not-tracked" -> Status.NOT_TRACKED (the DTOs carry the icon name)."""
    value = icon.removeprefix("status-").replace("-", "_")
    try:
        return Status(value)
    except ValueError:
        return Status.NOT_TRACKED


def paint_status_icon(painter: QPainter, rect: QRectF, status: Status) -> None:
    """Draw the status's shape, centred in `rect` (a square is best)."""
    side = min(rect.width(), rect.height())
    box = QRectF(0, 0, side, side)
    box.moveCenter(rect.center())
    c = box.center()
    r = side / 2 - 0.75
    fill, ink = fill_color(status), ink_color(status)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    stroke = max(1.6, side * 0.13)
    if status is Status.GREEN:
        _disc(painter, c, r, fill, QColor("#1d6b3a"))
        pen = QPen(ink, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(QPointF(c.x() - r * 0.48, c.y() + r * 0.02))
        path.lineTo(QPointF(c.x() - r * 0.12, c.y() + r * 0.38))
        path.lineTo(QPointF(c.x() + r * 0.52, c.y() - r * 0.36))
        painter.drawPath(path)
    elif status is Status.YELLOW:
        top = QPointF(c.x(), box.top() + side * 0.04)
        tri = QPolygonF([top, QPointF(box.right() - 0.5, box.bottom() - side * 0.08),
                         QPointF(box.left() + 0.5, box.bottom() - side * 0.08)])
        painter.setPen(QPen(QColor("#8a6a00"), max(1.0, side * 0.06),
                            Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(fill)
        painter.drawPolygon(tri)
        painter.setPen(QPen(ink, stroke * 0.95, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(c.x(), box.top() + side * 0.36),
                         QPointF(c.x(), box.top() + side * 0.62))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(QPointF(c.x(), box.top() + side * 0.77), stroke * 0.55, stroke * 0.55)
    elif status is Status.RED:
        points = [
            QPointF(c.x() + r * math.cos(math.radians(22.5 + 45 * i)),
                    c.y() + r * math.sin(math.radians(22.5 + 45 * i)))
            for i in range(8)
        ]
        painter.setPen(QPen(QColor("#5c0b0c"), max(1.0, side * 0.05)))
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF(points))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        bar = QRectF(0, 0, r * 1.25, max(2.0, side * 0.16))
        bar.moveCenter(c)
        painter.drawRoundedRect(bar, bar.height() / 3, bar.height() / 3)
    elif status is Status.NONE:
        _disc(painter, c, r - side * 0.03, fill, ink, width=max(1.4, side * 0.1))
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(max(6, round(side * 0.68)))
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")
    else:  # not tracked: a dash on a pale disc
        _disc(painter, c, r, fill, QColor("#b9bfc9"), width=1.0)
        painter.setPen(QPen(ink, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(c.x() - r * 0.45, c.y()), QPointF(c.x() + r * 0.45, c.y()))
    painter.restore()


def _disc(painter: QPainter, c: QPointF, r: float, fill: QColor, ring: QColor,
          width: float = 1.0) -> None:
    painter.setPen(QPen(ring, width))
    painter.setBrush(fill)
    painter.drawEllipse(c, r, r)


def status_pixmap(status: Status, side: int = 16, ratio: float = 1.0) -> QPixmap:
    pm = QPixmap(round(side * ratio), round(side * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    paint_status_icon(p, QRectF(0, 0, side, side), status)
    p.end()
    return pm


def status_icon(status: Status, side: int = 16) -> QIcon:
    return QIcon(status_pixmap(status, side))


def chip_size(fm: QFontMetrics, text: str, *, icon: int = 16, pad: int = 6) -> QSize:
    return QSize(pad + icon + 6 + fm.horizontalAdvance(text) + pad + 2,
                 max(icon, fm.height()) + 6)


def paint_chip(painter: QPainter, rect: QRect, status: Status, text: str, *,
               icon: int = 16, pad: int = 6, wash: bool = True) -> None:
    """A pill: pale wash of the status colour, the shape, then the words in dark text."""
    fm = painter.fontMetrics()
    size = chip_size(fm, text, icon=icon, pad=pad)
    width = min(size.width(), rect.width())
    height = min(size.height(), rect.height())
    pill = QRectF(rect.left(), rect.top() + (rect.height() - height) / 2, width, height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if wash:
        painter.setPen(QPen(fill_color(status).darker(105) if status is not Status.NONE
                            else ink_color(status), 1.0))
        painter.setBrush(tint_color(status))
        painter.drawRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), height / 2, height / 2)
    icon_rect = QRectF(pill.left() + pad, pill.center().y() - icon / 2, icon, icon)
    paint_status_icon(painter, icon_rect, status)
    painter.setPen(QColor(TEXT))
    text_rect = QRectF(icon_rect.right() + 6, pill.top(), pill.right() - icon_rect.right() - 6
                       - pad / 2, pill.height())
    painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                     fm.elidedText(text, Qt.TextElideMode.ElideRight, round(text_rect.width())))
    painter.restore()


class StatusChip(QWidget):
    """One status as a pill: shape + words on a pale wash. `set_chip(None)` shows nothing."""

    def __init__(self, chip: StatusChipView | None = None, *, icon: int = 16,
                 bold: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chip: StatusChipView | None = None
        self._icon = icon
        if bold:
            f = self.font()
            f.setBold(True)
            self.setFont(f)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.set_chip(chip)

    @property
    def chip(self) -> StatusChipView | None:
        return self._chip

    def text(self) -> str:
        return self._chip.text if self._chip else ""

    def set_chip(self, chip: StatusChipView | None) -> None:
        self._chip = chip
        self.setToolTip(chip.tooltip if chip and chip.tooltip else (chip.text if chip else ""))
        if chip is not None:
            shape = SHAPES[chip.status]
            self.setAccessibleName(f"Status: {chip.text}")
            self.setAccessibleDescription(f"{shape}. {chip.tooltip}".strip())
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        if self._chip is None:
            return QSize(0, 0)
        return chip_size(self.fontMetrics(), self._chip.text, icon=self._icon,
                         pad=max(6, self._icon // 3))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._chip is None:
            return
        p = QPainter(self)
        p.setFont(self.font())
        paint_chip(p, self.rect(), self._chip.status, self._chip.text, icon=self._icon,
                   pad=max(6, self._icon // 3))
        p.end()
