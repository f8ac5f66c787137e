"""Requests by ISO week and outcome: stacked bars painted with QPainter (QtCharts is not
installed). Each outcome has its own pattern as well as its own shade, and a legend, so the
chart reads in greyscale and on paper."""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ptdesk.domain.renewal import RequestStatus
from ptdesk.services.board.dtos import WeekOutcome
from ptdesk.ui.theme import BORDER, MUTED, STATUS_FILL, TEXT

# outcome -> (words, colour, pattern), bottom of the stack first
OUTCOMES: tuple[tuple[RequestStatus, str, str, Qt.BrushStyle], ...] = (
    (RequestStatus.APPROVED, "Approved", STATUS_FILL["green"], Qt.BrushStyle.SolidPattern),
    (RequestStatus.PARTLY_APPROVED, "Partly", STATUS_FILL["green"], Qt.BrushStyle.BDiagPattern),
    (RequestStatus.DENIED, "Denied", STATUS_FILL["red"], Qt.BrushStyle.DiagCrossPattern),
    (RequestStatus.APPEALED, "Appealed", STATUS_FILL["red"], Qt.BrushStyle.Dense6Pattern),
    (RequestStatus.PENDING, "Pending", "#6b7a90", Qt.BrushStyle.HorPattern),
    (RequestStatus.NOT_SENT, "Not sent", "#9aa3b2", Qt.BrushStyle.Dense7Pattern),
)


class WeekChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks: list[tuple[int, int]] = []
        self.counts: dict[tuple[int, int, RequestStatus], int] = {}
        self.title = "Requests by week sent"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def set_data(self, data: tuple[WeekOutcome, ...], title: str = "") -> None:
        self.counts = {}
        for w in data:
            key = (w.iso_year, w.iso_week, RequestStatus(w.outcome))
            self.counts[key] = self.counts.get(key, 0) + w.count
        self.weeks = sorted({(y, wk) for y, wk, _ in self.counts})[-12:]
        if title:
            self.title = title
        words = "; ".join(
            f"week {wk}: " + ", ".join(f"{self.counts[(y, wk, o)]} {label.lower()}"
                                       for o, label, _c, _p in OUTCOMES
                                       if self.counts.get((y, wk, o)))
            for y, wk in self.weeks)
        self.setAccessibleName(f"{self.title}. {words or 'No requests yet.'}")
        self.setToolTip(words)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fm = p.fontMetrics()
        r = QRectF(self.rect()).adjusted(8, 4, -8, -4)
        p.setPen(QColor(TEXT))
        p.drawText(r, int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft), self.title)
        # legend on the right
        legend_w = max(fm.horizontalAdvance(label) for _o, label, _c, _p in OUTCOMES) + 24
        lx = r.right() - legend_w
        ly = r.top() + fm.height() + 6
        for _o, label, colour, pattern in OUTCOMES:
            sw = QRectF(lx, ly + 2, 14, fm.height() - 4)
            self._fill(p, sw, colour, pattern)
            p.setPen(QColor(TEXT))
            p.drawText(QRectF(lx + 20, ly, legend_w, fm.height()),
                       int(Qt.AlignmentFlag.AlignVCenter), label)
            ly += fm.height() + 2
        plot = QRectF(r.left() + 24, r.top() + fm.height() + 8,
                      lx - r.left() - 40, r.height() - 2 * fm.height() - 14)
        p.setPen(QPen(QColor(BORDER), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        if not self.weeks:
            p.setPen(QColor(MUTED))
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No requests yet")
            p.end()
            return
        totals = [sum(self.counts.get((y, w, o), 0) for o, *_ in OUTCOMES)
                  for y, w in self.weeks]
        top = max(1, max(totals))
        p.setPen(QColor(MUTED))
        p.drawText(QRectF(r.left(), plot.top() - fm.height() / 2, 20, fm.height()),
                   int(Qt.AlignmentFlag.AlignRight), str(top))
        p.drawText(QRectF(r.left(), plot.bottom() - fm.height() / 2, 20, fm.height()),
                   int(Qt.AlignmentFlag.AlignRight), "0")
        slot = plot.width() / len(self.weeks)
        bar_w = min(36.0, slot * 0.6)
        for i, (y, w) in enumerate(self.weeks):
            x = plot.left() + slot * i + (slot - bar_w) / 2
            base = plot.bottom()
            for outcome, _label, colour, pattern in OUTCOMES:
                n = self.counts.get((y, w, outcome), 0)
                if not n:
                    continue
                h = plot.height() * n / top
                self._fill(p, QRectF(x, base - h, bar_w, h), colour, pattern)
                base -= h
            p.setPen(QColor(MUTED))
            p.drawText(QRectF(plot.left() + slot * i, plot.bottom() + 2, slot, fm.height()),
                       int(Qt.AlignmentFlag.AlignHCenter), f"W{w}")
        p.end()

    @staticmethod
    def _fill(p: QPainter, rect: QRectF, colour: str, pattern: Qt.BrushStyle) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        if pattern != Qt.BrushStyle.SolidPattern:
            p.setBrush(QColor("white"))
            p.drawRect(rect)
        p.setBrush(QBrush(QColor(colour), pattern))
        p.setPen(QPen(QColor(colour).darker(130), 1))
        p.drawRect(rect)
