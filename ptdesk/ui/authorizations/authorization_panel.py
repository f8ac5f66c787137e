"""The patient's authorization panel: the overall status with every reason, one card per
authorization / plan-year limit / KX, the open renewal requests, and the actions.

It loads itself through the task runner (`load`), owns its dialogs, and reloads after every
change; `sig_changed` tells the record view (visits lists, lookup) that something moved.
"""

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.dates import clock
from ptdesk.domain.renewal import RequestStatus
from ptdesk.domain.status import Status
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.dtos import (
    AuthorizationCardView,
    PanelView,
    ReasonView,
    RequestView,
    StatusChipView,
)
from ptdesk.services.authorizations.plan_of_care_dtos import PlanOfCareView
from ptdesk.services.patients.dtos import CoverageInfo
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.ui.authorizations.authorization_card import AuthorizationCard, KxCard, LimitCard
from ptdesk.ui.authorizations.authorization_dialog import (
    AuthorizationDialog,
    EndAuthorizationDialog,
)
from ptdesk.ui.authorizations.plan_of_care_card import PlanOfCareCard
from ptdesk.ui.authorizations.plan_of_care_dialog import PlanOfCareDialog
from ptdesk.ui.authorizations.renewal_dialog import (
    METHOD_WORDS,
    STATUS_WORDS,
    DecisionDialog,
    RenewalDialog,
)
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import BORDER, SURFACE
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import StatusChip, status_pixmap

PANEL_KEY = "auth-panel"


def _title(text: str) -> QLabel:
    lab = QLabel(text)
    lab.setStyleSheet("font-weight: 600; font-size: 11pt;")
    return lab


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{format_date(moment.date())} {clock(moment.time())}"


class ReasonLine(QWidget):
    """One reason: its shape, then "Subject: sentence — Next: step"."""

    def __init__(self, r: ReasonView, *, with_step: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = _icon_label(r.status)
        text = f"<b>{r.chip}</b> — {r.subject}: {r.sentence}"
        if r.next_step and with_step:
            text += f" <b>Next: {r.next_step}</b>"
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(icon)
        lay.addWidget(self.label, 1)


def _icon_label(status: Status) -> QLabel:
    icon = QLabel()
    icon.setPixmap(status_pixmap(status, 16, icon.devicePixelRatioF()))
    icon.setFixedWidth(20)
    icon.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
    return icon


class RequestRow(QFrame):
    sig_mark_sent = Signal(object)  # RequestView
    sig_decide = Signal(object)
    sig_appeal = Signal(object)

    def __init__(self, r: RequestView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = r
        self.setObjectName("requestRow")
        self.setStyleSheet(f"#requestRow {{ border: 1px solid {BORDER}; border-radius: 4px; }}")
        asked = plural(r.visits_requested, "visit") if r.visits_requested else "visits"
        span = ""
        if r.start_requested and r.end_requested:
            span = f", {format_date(r.start_requested)} – {format_date(r.end_requested)}"
        what = "Extension" if r.authorization_id else "New authorization"
        head = (f"<b>{what} · {r.payer_name}</b> — {STATUS_WORDS[r.status]}: {asked}{span}, "
                f"{METHOD_WORDS[r.method].lower()}, {r.urgency.value}")
        if r.sent_at:
            head += f", sent {_when(r.sent_at)}"
        lines = [head]
        flag = ""
        urgency = Status.NOT_TRACKED
        if r.overdue:
            flag, urgency = "<b>OVERDUE</b> — ", Status.RED
        elif r.check_portal_now:
            flag, urgency = "<b>Check the portal</b> — ", Status.YELLOW
        lines.append(flag + r.sentence)
        if r.status is RequestStatus.DENIED and r.denial_reason:
            lines.append(f"Denied: {r.denial_reason}")
        self.label = QLabel("<br>".join(lines))
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.sent_button = QPushButton("Mark sent")
        self.decide_button = QPushButton("Record decision…")
        self.appeal_button = QPushButton("Appealed")
        self.sent_button.setVisible(r.status is RequestStatus.NOT_SENT)
        self.decide_button.setVisible(r.status.awaiting)
        self.appeal_button.setVisible(r.status is RequestStatus.DENIED)
        for b in (self.sent_button, self.decide_button, self.appeal_button):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        line = QHBoxLayout()
        if urgency is not Status.NOT_TRACKED:
            line.addWidget(_icon_label(urgency))
        line.addWidget(self.label, 1)
        lay.addLayout(line)
        lay.addLayout(buttons)
        self.sent_button.clicked.connect(lambda: self.sig_mark_sent.emit(self.request))
        self.decide_button.clicked.connect(lambda: self.sig_decide.emit(self.request))
        self.appeal_button.clicked.connect(lambda: self.sig_appeal.emit(self.request))


class AuthorizationPanel(QWidget):
    sig_loaded = Signal(object)  # PanelView
    sig_changed = Signal()  # something was saved: visits, counts and statuses may have moved

    def __init__(self, apis: AuthorizationApis, runner: TaskRunner, *,
                 today: Callable[[], date], now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._apis = apis
        self._runner = runner
        self._today = today
        self._now = now
        self.patient_id: int | None = None
        self.coverages: tuple[CoverageInfo, ...] = ()
        self.view: PanelView | None = None
        self.cards: list[AuthorizationCard] = []
        self.request_rows: list[RequestRow] = []
        self._build_ui()

    def _build_ui(self) -> None:
        self.header = QFrame()
        self.header.setObjectName("panelHeader")
        self.header.setStyleSheet(f"#panelHeader {{ background: {SURFACE}; border: 1px solid "
                                  f"{BORDER}; border-radius: 4px; }}")
        self.title = _title("Authorizations and limits")
        self.chip = StatusChip(icon=26, bold=True)
        self.chip.setObjectName("overallStatus")
        self.add_button = QPushButton("&Add authorization…")
        self.add_button.setToolTip("Add an authorization or a pending placeholder (Alt+A)")
        self.request_button = QPushButton("Re&quest authorization…")
        self.request_button.setToolTip("Record a request for a new authorization")
        top = QVBoxLayout()
        chip_row = QHBoxLayout()
        chip_row.addWidget(self.chip)
        chip_row.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.request_button)
        self.plan_button = QPushButton("&Plan of care…")
        self.plan_button.setToolTip("Record the plan of care: certification, recertification "
                                    "and progress reports (Medicare rules)")
        self.plan_button.setVisible(self._apis.plans is not None)
        actions.addWidget(self.plan_button)
        actions.addStretch(1)
        top.addLayout(chip_row)
        top.addLayout(actions)
        self.reasons_box = QVBoxLayout()
        self.reasons_box.setSpacing(3)
        head = QVBoxLayout(self.header)
        head.setContentsMargins(12, 10, 12, 10)
        head.addWidget(self.title)
        head.addLayout(top)
        head.addLayout(self.reasons_box)
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(10)
        self.requests_title = _title("Renewal requests")
        self.requests_box = QVBoxLayout()
        self.requests_box.setSpacing(6)
        self.message = QLabel("")
        self.message.setProperty("role", "hint")
        self.message.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        lay.addWidget(self.header)
        lay.addWidget(self.message)
        self.plans_box = QVBoxLayout()  # plan-of-care cards (issue 10)
        self.plans_box.setSpacing(10)
        lay.addLayout(self.plans_box)
        lay.addLayout(self.cards_box)
        lay.addWidget(self.requests_title)
        lay.addLayout(self.requests_box)
        lay.addStretch(1)
        self.add_button.clicked.connect(self.add_authorization)
        self.request_button.clicked.connect(lambda: self.request_extension(None))
        self.plan_button.clicked.connect(lambda: self.edit_plan(None))
        self.plan_cards: list[PlanOfCareCard] = []

    # ---- loading ------------------------------------------------------------------------
    def load(self, patient_id: int, coverages: tuple[CoverageInfo, ...] = ()) -> None:
        if patient_id != self.patient_id:
            self.view = None
        self.patient_id = patient_id
        self.coverages = coverages
        self.reload()

    def reload(self) -> None:
        if self.patient_id is None:
            return
        self._runner.submit(self._apis.panel.panel, self.patient_id, self._today(), self._now(),
                            on_done=self.show_panel, on_error=self._failed, key=PANEL_KEY)
        if self._apis.plans is not None:
            self._runner.submit(self._apis.plans.plans, self.patient_id, self._today(),
                                on_done=self.show_plans, on_error=self._failed,
                                key=PANEL_KEY + "-plans")

    def show_plans(self, plans: tuple[PlanOfCareView, ...]) -> None:
        """The current plan(s) of care as cards (older periods are history: not shown)."""
        _clear(self.plans_box)
        self.plan_cards = []
        for plan in plans:
            if not plan.current:
                continue
            card = PlanOfCareCard(plan)
            card.sig_edit_requested.connect(self.edit_plan)
            card.sig_recert_requested.connect(lambda v: self.edit_plan(v, recertify=True))
            self.plan_cards.append(card)
            self.plans_box.addWidget(card)

    def edit_plan(self, plan: PlanOfCareView | None, *, recertify: bool = False) -> None:
        if self._apis.plans is None or self.patient_id is None:
            return
        self._changed(PlanOfCareDialog.ask(self, self._apis.plans, self._runner, self._today(),
                                           self.patient_id, self.coverages, plan,
                                           recertify=recertify))

    def show_panel(self, view: PanelView) -> None:
        self.view = view
        self.chip.set_chip(view.status.chip)
        _clear(self.reasons_box)
        reasons = view.status.reasons or view.coverage_reasons
        for r in reasons:
            if r.status is not Status.GREEN or len(reasons) == 1:
                self.reasons_box.addWidget(ReasonLine(r, with_step=not view.authorizations))
        _clear(self.cards_box)
        self.cards = []
        for c in view.authorizations:
            card = AuthorizationCard(c)
            card.sig_edit_requested.connect(self.edit_authorization)
            card.sig_end_requested.connect(self.end_authorization)
            card.sig_extension_requested.connect(self.request_extension)
            self.cards.append(card)
            self.cards_box.addWidget(card)
        for lim in view.limits:
            self.cards_box.addWidget(LimitCard(lim))
        if view.kx is not None:
            self.cards_box.addWidget(KxCard(view.kx))
        if not view.authorizations and not view.limits and view.kx is None:
            self.message.setText("No authorization or visit limit on file. Add one when the "
                                 "payer approves visits, or a pending placeholder while the "
                                 "request is out.")
        else:
            self.message.setText("")
        self.message.setVisible(bool(self.message.text()))
        _clear(self.requests_box)
        self.request_rows = []
        for req in view.requests:
            row = RequestRow(req)
            row.sig_mark_sent.connect(self.mark_sent)
            row.sig_decide.connect(self.record_decision)
            row.sig_appeal.connect(self.appeal)
            self.request_rows.append(row)
            self.requests_box.addWidget(row)
        self.requests_title.setVisible(bool(view.requests))
        self.add_button.setEnabled(bool(self.coverages))
        self.request_button.setEnabled(bool(self.coverages))
        self.sig_loaded.emit(view)

    def overall(self) -> StatusChipView | None:
        return self.view.status.chip if self.view else None

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def _changed(self, result: object) -> None:
        if result is not None:
            self.reload()
            self.sig_changed.emit()

    # ---- actions ------------------------------------------------------------------------
    def add_authorization(self) -> None:
        self._changed(AuthorizationDialog.ask(self, self._apis.authorizations, self._runner,
                                              self._today(), self.coverages))

    def edit_authorization(self, card: AuthorizationCardView) -> None:
        self._changed(AuthorizationDialog.ask(
            self, self._apis.authorizations, self._runner, self._today(), self.coverages,
            authorization_id=card.authorization_id, draft=card.draft))

    def end_authorization(self, card: AuthorizationCardView) -> None:
        title = f"Auth {card.number}" if card.number else "authorization"
        self._changed(EndAuthorizationDialog.ask(self, self._apis.authorizations, self._runner,
                                                 self._today(), card.authorization_id, title))

    def request_extension(self, card: AuthorizationCardView | None) -> None:
        cov = card.coverage_id if card else (self.coverages[0].id if self.coverages else None)
        subject = (f"Auth {card.number or '(no number)'} with {card.payer_name}, "
                   f"{plural(card.remaining, card.noun)} left, ends {format_date(card.end)}"
                   if card else "")
        self._changed(RenewalDialog.ask(
            self, self._apis.renewals, self._runner, self._now(), self.coverages,
            coverage_id=cov, authorization_id=card.authorization_id if card else None,
            subject=subject, suggested_visits=card.authorized if card else 0))

    def mark_sent(self, r: RequestView) -> None:
        now = self._now()
        self._runner.submit(self._apis.renewals.mark_sent, r.request_id, now, now,
                            on_done=self._changed, on_error=self._failed)

    def record_decision(self, r: RequestView) -> None:
        self._changed(DecisionDialog.ask(self, self._apis.renewals, self._runner, self._now(), r))

    def appeal(self, r: RequestView) -> None:
        now = self._now()
        self._runner.submit(self._apis.renewals.appeal, r.request_id, now, now,
                            on_done=self._changed, on_error=self._failed)


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget() if item is not None else None
        if w is not None:
            w.hide()
            w.deleteLater()
