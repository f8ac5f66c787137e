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

from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.checkin import Outcome
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import permitted, why_not
from ptdesk.services.visits.checkin_dtos import CheckInApi, CheckInResult, CheckInView
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.permission_guard import guard
from ptdesk.ui.widgets.reason_dialog import ReasonDialog
from ptdesk.ui.widgets.status_chip import StatusChip


class OverrideDialog(ReasonDialog[CheckInResult]):
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
        super().__init__(self._check_in_intro(view), "Check &in at risk", by, parent)
        self.setWindowTitle("Check in over a stop")
        # Only an office manager overrides a stop (issue 12): the others see the stop and why,
        # and the button says who may.
        guard(self.save_button, Permission.OVERRIDE_CHECKIN,
              "Check the visit in over the stop, with the reason recorded")
        if not permitted(Permission.OVERRIDE_CHECKIN):
            self.status.setText(why_not(Permission.OVERRIDE_CHECKIN))  # said, not only hovered

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

    def save(self) -> None:
        self.submit_save(self._api.check_in, self._view.visit_id, self._now(), self.draft())
