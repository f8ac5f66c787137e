"""Override a stopped check-in: only with a reason, who and when (issue 10).

The stop is shown first, in its own colour, icon and words; then the five reasons (keys 1-5 or
the arrows), the reference number or the text when the reason needs one, and "By" (initials or a
name, typed until ptdesk has accounts; `by` pre-fills it, the hook for the signed-in user).
Saving checks the visit in through the same service call, which decides again: nothing is
stored unless the check-in happens.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.checkin import Outcome
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideReason, check_override
from ptdesk.services.checkin_dtos import CheckInApi, CheckInResult, CheckInView
from ptdesk.ui.dialogs.saving_dialog import SavingDialog
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.status_chip import StatusChip

_HINTS = {
    OverrideReason.PHONE_CONFIRMED: "The payer's reference number for the call",
    OverrideReason.OTHER: "Why the visit goes ahead",
}


class ReasonDialog(SavingDialog):
    """The override's reason, detail and "By" (one dialog for every decision overridden: the
    check-in's stop and the session form's errors); subclasses give the intro and the save."""

    def __init__(self, intro: QWidget, save_text: str, by: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.reason_box = QWidget()
        rb = QVBoxLayout(self.reason_box)
        rb.setContentsMargins(0, 0, 0, 0)
        self.radios: dict[OverrideReason, QRadioButton] = {}
        for i, reason in enumerate(OverrideReason, 1):
            label = reason.label + (": reference number" if reason is
                                    OverrideReason.PHONE_CONFIRMED else "")
            if reason is OverrideReason.OTHER:
                label = "Other (say why)"
            radio = QRadioButton(f"&{i}  {label}")
            self.group.addButton(radio, i)
            self.radios[reason] = radio
            rb.addWidget(radio)
            key = QShortcut(QKeySequence(str(i)), self)
            key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            key.activated.connect(lambda r=radio: self._pick(r))
        self.group.buttonToggled.connect(lambda *_a: self._reason_changed())
        self.detail = QLineEdit()
        self.detail.setMaxLength(200)
        self.by = QLineEdit(by)
        self.by.setMaxLength(80)
        self.by.setPlaceholderText("Your initials or name")
        self.form = FieldForm()
        self.form.add_field("reason", "&Reason *", self.reason_box)
        self.form.add_field("detail", "&Details", self.detail)
        self.form.add_field("by", "&By *", self.by, "Who decides (initials until there are "
                                                    "user accounts)")
        self._lay_out(self.form, intro=intro, min_width=600)
        # Wrapped sentences need their height for the dialog's width (no overlapping lines).
        lay = self.layout()
        assert lay is not None
        lay.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.save_button.setText(save_text)
        self._reason_changed()
        next(iter(self.radios.values())).setFocus()

    def _pick(self, radio: QRadioButton) -> None:
        if self.detail.hasFocus() or self.by.hasFocus():
            return  # digits typed into a field are text, not a choice
        radio.setChecked(True)
        radio.setFocus()

    def reason(self) -> OverrideReason | None:
        return next((r for r, b in self.radios.items() if b.isChecked()), None)

    def _reason_changed(self) -> None:
        r = self.reason()
        needs = r is not None and r.needs_detail
        self.detail.setEnabled(needs)
        self.detail.setPlaceholderText(_HINTS.get(r, "Not needed for this reason")
                                       if r is not None else "Choose a reason first")
        self.form.labels["detail"].setText(
            f"&{r.detail_label} *" if r is not None and needs else "&Details")

    def draft(self) -> OverrideDraft:
        r = self.reason()
        return OverrideDraft(r, self.detail.text() if r is not None and r.needs_detail else "",
                             self.by.text())

    def errors(self) -> dict[str, str]:
        try:
            check_override(self.draft())
        except ValidationErrors as e:
            return e.errors
        return {}


class OverrideDialog(ReasonDialog):
    """Check in over a stop."""

    def __init__(
        self,
        api: CheckInApi,
        runner: TaskRunner,
        view: CheckInView,
        now: Callable[[], datetime],
        by: str = "",
        parent: QWidget | None = None,
    ) -> None:
        self._api = api
        self._runner = runner
        self._view = view
        self._now = now
        self.result_value: CheckInResult | None = None
        super().__init__(self._check_in_intro(view), "Check &in at risk", by, parent)
        self.setWindowTitle("Check in over a stop")

    def _check_in_intro(self, view: CheckInView) -> QWidget:
        intro = QWidget()
        box = QVBoxLayout(intro)
        box.setContentsMargins(0, 0, 0, 4)
        who = QLabel(f"<b>{view.patient_name}</b> · chart {view.chart_number}")
        stops = [f for f in view.findings if f.outcome is Outcome.STOP]
        head = stops[0] if stops else view.findings[0]
        # The chip carries the short words; the sentences and the next step wrap below it.
        self.stop_chip = StatusChip(replace(view.chip, text=f"{view.outcome.label} · "
                                            f"{head.subject} {head.phrase}"), icon=18, bold=True)
        detail = QLabel(" ".join(f.sentence for f in stops) or view.line)
        detail.setWordWrap(True)
        step = QLabel(f"Next: {head.next_step}" if head.next_step else "")
        step.setWordWrap(True)
        step.setStyleSheet("font-weight: 600;")
        ask = QLabel("The visit will probably not be paid. Check in anyway only for one of "
                     "these reasons; it is kept with the visit and counted on the board.")
        ask.setWordWrap(True)
        ask.setProperty("role", "hint")
        for w in (who, self.stop_chip, detail, step, ask):
            box.addWidget(w)

        return intro

    def _save_clicked(self) -> None:
        errors = self.errors()
        self.show_errors(errors)
        if errors:
            return
        self.submit_save(self._api.check_in, self._view.visit_id, self._now(), self.draft())

    def _saved(self, result: CheckInResult) -> None:
        self._set_busy(False)
        self.result_value = result
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        api: CheckInApi,
        runner: TaskRunner,
        view: CheckInView,
        now: Callable[[], datetime],
        by: str = "",
    ) -> CheckInResult | None:
        dialog = cls(api, runner, view, now, by, parent)
        dialog.exec()
        return dialog.result_value
