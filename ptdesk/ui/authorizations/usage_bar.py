"""Used / booked / remaining at a glance, readable without colour.

Used is solid dark, booked is hatched, remaining is white (outlined), and booked visits the
authorization cannot cover stick out past the end with a cross-hatch and a "not covered" mark.
The counts are written in the segments when they fit, and always in the accessible name.
"""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ptdesk.ui.theme import BORDER, STATUS_FILL, TEXT

USED = QColor("#3c4657")
BOOKED = QColor("#6b7a90")
OVER = QColor(STATUS_FILL["red"])


def usage_words(authorized: int, used: int, booked: int, booked_over: int, noun: str) -> str:
    left = max(0, authorized - used - booked + booked_over)
    many = noun if noun.endswith("s") else noun + "s"
    words = f"{used} used, {booked} booked, {left} left of {authorized} {many}"
    if booked_over:
        words += f"; {booked_over} booked not covered"
    return words


class UsageBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.authorized = 0
        self.used = 0
        self.booked = 0
        self.booked_over = 0
        self.noun = "visit"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)

    def set_usage(self, authorized: int, used: int, booked: int, booked_over: int = 0,
                  noun: str = "visit") -> None:
        self.authorized, self.used, self.booked = authorized, used, booked
        self.booked_over, self.noun = booked_over, noun
        words = usage_words(authorized, used, booked, booked_over, noun)
        self.setAccessibleName(f"Usage: {words}")
        self.setToolTip(words.capitalize() + ". Solid = used, hatched = booked, "
                        "white = left, cross-hatched = booked but not covered.")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 22)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        total = max(1, self.authorized, self.used + self.booked)
        over = min(self.booked_over, self.booked)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        over_w = r.width() * over / total if over else 0.0
        if over:
            over_w = max(over_w, 22.0)
        inner = QRectF(r.left(), r.top(), r.width() - over_w, r.height())
        scale = inner.width() / max(1, self.authorized or total)
        p.setPen(QPen(QColor(BORDER), 1))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(inner, 3, 3)
        x = inner.left()
        used_w = min(inner.width(), self.used * scale)
        booked_in = max(0, self.booked - over)
        booked_w = min(inner.width() - used_w, booked_in * scale)
        segs = (
            (used_w, QBrush(USED), str(self.used), QColor("white")),
            (booked_w, QBrush(BOOKED, Qt.BrushStyle.BDiagPattern), str(booked_in), QColor(TEXT)),
        )
        for width, brush, label, ink in segs:
            if width <= 0:
                continue
            seg = QRectF(x, inner.top(), width, inner.height())
            p.setPen(Qt.PenStyle.NoPen)
            if brush.style() != Qt.BrushStyle.SolidPattern:
                p.setBrush(QColor("#e9edf3"))
                p.drawRect(seg)
            p.setBrush(brush)
            p.drawRect(seg)
            if width > p.fontMetrics().horizontalAdvance(label) + 8:
                self._label(p, seg, label, ink)
            x += width
        left = max(0, self.authorized - self.used - booked_in)
        rest = QRectF(x, inner.top(), inner.right() - x, inner.height())
        # With visits booked, the white part is what is left after them: say so in words.
        words = f"{left} not yet booked" if booked_in else f"{left} left"
        if left and rest.width() > p.fontMetrics().horizontalAdvance(words) + 8:
            self._label(p, rest, words, QColor(TEXT))
        elif left and rest.width() > p.fontMetrics().horizontalAdvance(str(left)) + 8:
            self._label(p, rest, str(left), QColor(TEXT))
        p.setPen(QPen(QColor("#8a93a3"), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(inner, 3, 3)
        if over:
            o = QRectF(inner.right() + 2, inner.top(), over_w - 2, inner.height())
            p.setPen(QPen(OVER, 1.5))
            p.setBrush(QBrush(OVER, Qt.BrushStyle.DiagCrossPattern))
            p.drawRect(o)
            self._label(p, o, f"+{over}", QColor(TEXT), back=True)
        p.end()

    @staticmethod
    def _label(p: QPainter, rect: QRectF, text: str, ink: QColor, back: bool = False) -> None:
        if back:
            fm = p.fontMetrics()
            box = QRectF(0, 0, fm.horizontalAdvance(text) + 6, fm.height())
            box.moveCenter(rect.center())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("white"))
            p.drawRect(box)
        p.setPen(ink)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
