"""One card per authorization (or per code's unit allowance), plan-year limit and Medicare KX.

A card says, top to bottom: what it is and its status chip; the headline sentence and what to
do next; the bar (used / booked / remaining); the four numbers; dates, days left and codes; the
projected warning ("the last booked visit (Dec 14) is not covered"); when to send the extension
request; and the buttons. "Why 5 used?" opens, inside the card, the visits counted and those not
counted with their reasons (explain on demand, nothing modal).
"""

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.authorization import Phase
from ptdesk.domain.renewal import SendWhen
from ptdesk.domain.status import Status
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.dtos import (
    AuthorizationCardView,
    KxCardView,
    LimitCardView,
    UsageExplanationView,
)
from ptdesk.ui.authorizations.usage_bar import UsageBar
from ptdesk.ui.theme import BORDER, STATUS_FILL, tabular_font
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import StatusChip

PHASE_WORDS = {
    Phase.UPCOMING: "Starts later",
    Phase.IN_FORCE: "In force",
    Phase.EXPIRED: "Expired",
    Phase.ENDED: "Ended",
    Phase.PENDING: "Pending (request out)",
}


def days_left_text(days: int) -> str:
    if days < 0:
        return f"expired {plural(-days, 'day')} ago"
    if days == 0:
        return "ends today (still covered)"
    return f"{plural(days, 'day')} left"


def _label(text: str = "", *, role: str = "", bold: bool = False, wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    if bold:
        lab.setStyleSheet("font-weight: 600;")
    lab.setWordWrap(wrap)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class _Card(QFrame):
    def __init__(self, status: Status, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authCard")
        # The left edge carries the status colour as a thick stripe (the chip says it in words).
        self.setStyleSheet(
            f"#authCard {{ background: white; border: 1px solid {BORDER};"
            f" border-left: 6px solid {STATUS_FILL[status.value]}; border-radius: 4px; }}"
        )
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(14, 10, 12, 10)
        self.box.setSpacing(6)

    def _head(self, title: str, chip: StatusChip, extra: str = "") -> None:
        row = QHBoxLayout()
        self.title = _label(title, bold=True, wrap=False)
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        row.addWidget(self.title)
        if extra:
            badge = _label(extra, role="hint", wrap=False)
            row.addWidget(badge)
        row.addStretch(1)
        self.box.addLayout(row)
        # The chip goes under the title, not beside it, so a narrow panel never clips either.
        chip_row = QHBoxLayout()
        chip_row.addWidget(chip)
        chip_row.addStretch(1)
        self.box.addLayout(chip_row)


def _numbers(pairs: list[tuple[str, str]]) -> QGridLayout:
    grid = QGridLayout()
    grid.setHorizontalSpacing(22)
    grid.setVerticalSpacing(0)
    for col, (caption, value) in enumerate(pairs):
        cap = _label(caption, role="hint", wrap=False)
        num = _label(value, wrap=False)
        num.setObjectName(f"num_{caption.lower().replace(' ', '_')}")
        f = tabular_font(num.font())
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        num.setFont(f)
        cap.setAlignment(Qt.AlignmentFlag.AlignRight)
        num.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(cap, 0, col)
        grid.addWidget(num, 1, col)
    grid.setColumnStretch(len(pairs), 1)
    return grid


class ExplanationView(QFrame):
    """The "why N used?" answer: counted visits, then those not counted with the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explanation")
        self.setStyleSheet("#explanation { background: #f5f7fa; border-radius: 3px; }")
        self.text = _label()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(self.text)

    def show_explanation(self, e: UsageExplanationView) -> None:
        parts = [f"<b>{e.headline}</b>"]
        if e.counted:
            parts.append("Counted:<ul style='margin:0'>"
                         + "".join(f"<li>{ln.words}</li>" for ln in e.counted) + "</ul>")
        if e.not_counted:
            parts.append("Not counted:<ul style='margin:0'>"
                         + "".join(f"<li>{ln.words}</li>" for ln in e.not_counted) + "</ul>")
        if not e.counted and not e.not_counted:
            parts.append("No visits recorded against it yet.")
        self.text.setText("<br>".join(parts))


class AuthorizationCard(_Card):
    sig_edit_requested = Signal(object)  # AuthorizationCardView
    sig_end_requested = Signal(object)
    sig_extension_requested = Signal(object)

    def __init__(self, card: AuthorizationCardView, parent: QWidget | None = None) -> None:
        super().__init__(card.status, parent)
        self.card = card
        self._build_ui()

    def _build_ui(self) -> None:
        c = self.card
        number = f"Auth {c.number}" if c.number else "Authorization (no number yet)"
        pool = f" · {c.pool_code}" if c.pool_code else ""
        self.chip = StatusChip(c.chip, icon=18)
        self._head(f"{number}{pool} · {c.payer_name}", self.chip, PHASE_WORDS.get(c.phase, ""))
        self.sentence = _label(c.sentence)
        self.box.addWidget(self.sentence)
        if c.next_step:
            self.next_step = _label(f"Next: {c.next_step}", bold=True)
            self.next_step.setObjectName("nextStep")
            self.box.addWidget(self.next_step)
        self.bar = UsageBar()
        self.bar.set_usage(c.authorized, c.used, c.booked, c.booked_over, c.noun)
        self.box.addWidget(self.bar)
        nouns = c.noun + "s"
        self.box.addLayout(_numbers([
            (f"Authorized {nouns}", str(c.authorized)), ("Used", str(c.used)),
            ("Booked", str(c.booked)), ("Remaining", str(c.remaining)),
        ]))
        codes = ", ".join(c.codes) if c.codes else "any therapy code"
        end = c.effective_end
        ended = f" (ended early; approved to {format_date(c.end)})" if end != c.end else ""
        self.dates = _label(
            f"{format_date(c.start)} – {format_date(end)}{ended} · "
            f"{days_left_text(c.days_left)} · Codes: {codes}"
            + (f" · {c.carried_in} used before ptdesk" if c.carried_in else ""),
            role="hint")
        self.box.addWidget(self.dates)
        if c.projected_warning:
            self.projected = _label(f"⚠ {c.projected_warning}", bold=True)
            self.projected.setObjectName("projectedWarning")
            self.box.addWidget(self.projected)
        if c.send_advice and c.send_when is not SendWhen.NOT_APPLICABLE:
            self.advice = _label(("Extension: " if c.send_when is not SendWhen.LATE
                                  else "Extension (late): ") + c.send_advice)
            self.advice.setObjectName("sendAdvice")
            self.box.addWidget(self.advice)
        if c.notes:
            self.box.addWidget(_label(f"Notes: {c.notes}", role="hint"))
        self.explanation = ExplanationView()
        self.explanation.show_explanation(c.explanation)
        self.explanation.setVisible(False)
        self.box.addWidget(self.explanation)
        buttons = QHBoxLayout()
        self.why_button = QPushButton(f"Why {c.used} used?")
        self.why_button.setCheckable(True)
        self.why_button.setToolTip("Show the visits counted and those not counted, with why")
        self.edit_button = QPushButton("Edit")
        self.end_button = QPushButton("End…")
        self.end_button.setToolTip("Close it early (discharged, replaced)")
        self.extend_button = QPushButton("Request extension…")
        buttons.addWidget(self.why_button)
        buttons.addStretch(1)
        for b in (self.edit_button, self.end_button, self.extend_button):
            b.setAccessibleDescription(number)
            buttons.addWidget(b)
        self.end_button.setEnabled(c.phase not in (Phase.ENDED,))
        self.box.addLayout(buttons)
        self.why_button.toggled.connect(self.explanation.setVisible)
        self.edit_button.clicked.connect(lambda: self.sig_edit_requested.emit(self.card))
        self.end_button.clicked.connect(lambda: self.sig_end_requested.emit(self.card))
        self.extend_button.clicked.connect(lambda: self.sig_extension_requested.emit(self.card))


class LimitCard(_Card):
    """A plan-year visit limit."""

    def __init__(self, card: LimitCardView, parent: QWidget | None = None) -> None:
        super().__init__(card.chip.status, parent)
        self.card = card
        c = card
        self.chip = StatusChip(c.chip, icon=18)
        self._head(f"Plan-year limit · {c.payer_name}", self.chip)
        for r in c.reasons[:1]:
            self.box.addWidget(_label(r.sentence))
            if r.next_step:
                self.box.addWidget(_label(f"Next: {r.next_step}", bold=True))
        self.bar = UsageBar()
        self.bar.set_usage(c.limit, c.used, c.booked, c.booked_over, "visit")
        self.box.addWidget(self.bar)
        self.box.addLayout(_numbers([
            ("Limit", str(c.limit)), ("Used here", str(c.used_here)),
            ("Elsewhere", str(c.used_elsewhere)), ("Booked", str(c.booked)),
            ("Remaining", str(c.remaining)),
        ]))
        self.box.addWidget(_label(
            f"Plan year {format_date(c.plan_year_start)} – {format_date(c.plan_year_end)}",
            role="hint"))


def _money(v: Decimal | None) -> str:
    return "—" if v is None else f"${v:,.2f}"


class KxCard(_Card):
    """Medicare: year-to-date PT+SLP amount against the KX and review thresholds."""

    def __init__(self, card: KxCardView, parent: QWidget | None = None) -> None:
        super().__init__(card.chip.status, parent)
        self.card = card
        c = card
        self.chip = StatusChip(c.chip, icon=18)
        self._head(f"Medicare KX threshold {c.year}", self.chip)
        for r in c.reasons[:2]:
            self.box.addWidget(_label(r.sentence))
            if r.next_step:
                self.box.addWidget(_label(f"Next: {r.next_step}", bold=True))
        self.box.addLayout(_numbers([
            ("KX threshold", _money(c.threshold)), ("Year to date", _money(c.ytd)),
            ("Left before KX", _money(c.left_before_kx)),
            ("Review at", _money(c.review_threshold)),
        ]))
        note = (f"Here {_money(c.own_amount)} + elsewhere {_money(c.elsewhere_amount)} "
                f"(PT and SLP combined)")
        if c.threshold_note:
            note += f" · threshold: {c.threshold_note}"
        self.box.addWidget(_label(note, role="hint"))
