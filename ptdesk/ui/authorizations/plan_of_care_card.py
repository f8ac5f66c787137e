"""The plan of care on the patient's panel (issue 10 item 4): certification, recertification due
date and the progress report, each with what to do next, and a button to record or edit it."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ptdesk.domain.status import Status
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.plan_of_care_dtos import PlanOfCareView
from ptdesk.ui.theme import BORDER, STATUS_FILL
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import StatusChip


def _text(text: str, *, role: str = "", bold: bool = False) -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    if role:
        lab.setProperty("role", role)
    if bold:
        lab.setStyleSheet("font-weight: 600;")
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def _on(d: object) -> str:
    from datetime import date

    return format_date(d) if isinstance(d, date) else "—"


class PlanOfCareCard(QFrame):
    sig_edit_requested = Signal(object)  # PlanOfCareView
    sig_recert_requested = Signal(object)  # PlanOfCareView: record the recertification

    def __init__(self, plan: PlanOfCareView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        st = plan.chip.status
        self.setObjectName("pocCard")
        self.setStyleSheet(
            f"#pocCard {{ background: white; border: 1px solid {BORDER};"
            f" border-left: 6px solid {STATUS_FILL[st.value]}; border-radius: 4px; }}")
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 12, 10)
        box.setSpacing(6)
        head = QHBoxLayout()
        d = plan.draft
        who = f" · {plan.payer_name}" if plan.payer_name else ""
        head.addWidget(_text(f"Plan of care{who}", bold=True), 1)
        self.chip = StatusChip(plan.chip, icon=18)
        head.addWidget(self.chip)
        box.addLayout(head)
        if not plan.applies:
            box.addWidget(_text("Not checked: this payer's plan-of-care setting is off.",
                                role="hint"))
        for status, sentence, step in plan.reasons:
            if status is Status.GREEN and len(plan.reasons) > 1:
                continue
            box.addWidget(_text(sentence))
            if step:
                box.addWidget(_text(f"Next: {step}", bold=True))
        left = plan.visits_to_progress_report
        facts = [
            ("Certified through", f"{format_date(plan.recert_due)}"
             + (" (overdue)" if plan.recert_overdue else "")),
            ("Progress report", "due now" if left == 0 else
             f"in {plural(left, 'visit')} ({plan.treatment_days} of 10 "
             "treatment days)"),
            ("Physician / NPP", d.certifier or "—"),
            ("Plan", f"{_on(d.plan_date)} – {_on(d.plan_end)}; first treatment "
                     f"{_on(d.first_visit)}"),
            ("Sent / signed", f"{_on(d.sent_on)} / {_on(d.signed_on)}"
             + (f"; verbal order {_on(d.verbal_order_on)}" if d.verbal_order_on else "")),
        ]
        for label, value in facts:
            row = QHBoxLayout()
            cap = _text(label, role="hint")
            cap.setMinimumWidth(130)
            cap.setWordWrap(False)
            row.addWidget(cap)
            row.addWidget(_text(value), 1)
            box.addLayout(row)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("Edit plan of care…")
        self.recert_button = QPushButton("Record recertification…")
        self.recert_button.setToolTip("A recertification starts a new certification period")
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.recert_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.edit_button.clicked.connect(lambda: self.sig_edit_requested.emit(self.plan))
        self.recert_button.clicked.connect(lambda: self.sig_recert_requested.emit(self.plan))
