"""Renewal (extension) requests: record one (sent or not yet), mark it sent, record the
payer's decision (approved, partly approved, denied with the reason), or an appeal.

The decision due time (7 days standard, 72 hours expedited) and the portal reminder are the
service's; the dialog only collects what the person knows.
"""

from datetime import date, datetime, time

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from ptdesk.domain.renewal import RequestMethod, RequestStatus, Urgency
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.api import RenewalsApi
from ptdesk.services.authorizations.dtos import (
    DecisionRecorded,
    RenewalDecision,
    RenewalRequestDraft,
    RequestView,
)
from ptdesk.services.patients.dtos import CoverageInfo
from ptdesk.ui.authorizations.authorization_dialog import coverage_label
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, text_box
from ptdesk.ui.widgets.number_fields import CountField
from ptdesk.ui.widgets.saving_dialog import SavingDialog

METHOD_WORDS = {
    RequestMethod.PORTAL: "Payer portal",
    RequestMethod.FAX: "Fax",
    RequestMethod.PHONE: "Phone",
    RequestMethod.EDI: "Electronic (X12 278 / API)",
    RequestMethod.MAIL: "Mail",
}
STATUS_WORDS = {
    RequestStatus.NOT_SENT: "Not sent yet",
    RequestStatus.PENDING: "Pending",
    RequestStatus.APPROVED: "Approved",
    RequestStatus.PARTLY_APPROVED: "Partly approved",
    RequestStatus.DENIED: "Denied",
    RequestStatus.APPEALED: "Appealed",
}


def at_time(day: date, now: datetime) -> datetime:
    """A typed date as a moment: now when it is today, else 9:00 that day in now's zone
    (stored times carry their zone: storage.types.Instant)."""
    return now if day == now.date() else datetime.combine(day, time(9, 0), tzinfo=now.tzinfo)


class RenewalDialog(SavingDialog[RequestView]):
    """Record a request: for an authorization (extension) or a new one (authorization None)."""

    def __init__(
        self,
        service: RenewalsApi,
        runner: TaskRunner,
        now: datetime,
        coverages: tuple[CoverageInfo, ...],
        *,
        coverage_id: int | None = None,
        authorization_id: int | None = None,
        subject: str = "",
        suggested_visits: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._now = now
        self._authorization_id = authorization_id
        today = now.date()
        self.setWindowTitle("Request extension" if authorization_id else "Request authorization")
        intro = f"For {subject}." if subject else "A request for a new authorization."
        self.coverage = choice_box((coverage_label(c), c.id) for c in coverages)
        if coverage_id is not None:
            self.coverage.setCurrentIndex(max(0, self.coverage.findData(coverage_id)))
        self.sent = QCheckBox("Sent to the payer")
        self.sent.setChecked(True)
        self.sent_on = DateField(today)
        self.sent_on.set_value(today)
        self.method = choice_box((words, m) for m, words in METHOD_WORDS.items())
        self.urgency = choice_box([
            ("Standard (decision due in 7 days)", Urgency.STANDARD),
            ("Expedited (72 hours: care would lapse)", Urgency.EXPEDITED)])
        self.visits = CountField()
        if suggested_visits:
            self.visits.set_value(suggested_visits)
        self.start_requested = DateField(today)
        self.end_requested = DateField(today)
        self.codes = QLineEdit()
        self.codes.setPlaceholderText("e.g. 97110, 97140 (blank = as before)")
        self.notes = text_box(80, "Progress, goals, why more visits are needed")
        self.form = FieldForm.of(
            ("coverage_id", "&Coverage", self.coverage),
            ("sent", "", self.sent),
            ("sent_at", "&Date sent", self.sent_on),
            ("method", "&Method", self.method),
            ("urgency", "&Urgency", self.urgency),
            ("visits", "&Visits asked for", self.visits),
            ("start_requested", "&From", self.start_requested),
            ("end_requested", "&To", self.end_requested),
            ("codes", "C&odes", self.codes),
            ("clinical_notes", "Clinical &notes", self.notes))
        self._lay_out(self.form, intro=intro, min_width=520)
        self.sent.toggled.connect(self.sent_on.setEnabled)
        self.visits.setFocus()

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.sent.isChecked() and self.sent_on.value() is None:
            errors["sent_at"] = self.sent_on.problem() or "Enter the day it was sent."
        if self.sent.isChecked() and (d := self.sent_on.value()) and d > self._now.date():
            errors["sent_at"] = "The day it was sent cannot be in the future."
        problems = self.problems()
        if "visits" not in problems and (self.visits.value() or 0) <= 0:
            errors["visits"] = "How many visits are asked for?"
        errors.update((k, problems[k]) for k in ("visits", "start_requested", "end_requested")
                      if k in problems)
        s, e = self.start_requested.value(), self.end_requested.value()
        if s and e and e < s:
            errors["end_requested"] = "The requested end is before the requested start."
        return errors

    def draft(self) -> RenewalRequestDraft:
        sent = self.sent_on.value() if self.sent.isChecked() else None
        codes = tuple(c.strip().upper() for c in self.codes.text().split(",") if c.strip())
        return RenewalRequestDraft(
            coverage_id=int(self.coverage.currentData()),
            authorization_id=self._authorization_id,
            method=RequestMethod(self.method.currentData()),  # Qt hands enums back as str
            urgency=Urgency(self.urgency.currentData()),
            visits_requested=self.visits.value() or 0,
            start_requested=self.start_requested.value(),
            end_requested=self.end_requested.value(),
            codes_requested=codes,
            clinical_notes=self.notes.toPlainText().strip(),
            sent_at=at_time(sent, self._now) if sent else None,
        )

    def save(self) -> None:
        self.submit_save(self._service.create, self.draft(), self._now)


class DecisionDialog(SavingDialog[DecisionRecorded]):
    """The payer's answer to a sent request. Approval extends or adds the authorization."""

    def __init__(
        self,
        service: RenewalsApi,
        runner: TaskRunner,
        now: datetime,
        request: RequestView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._now = now
        self._request = request
        today = now.date()
        self.setWindowTitle(f"Record decision — {request.payer_name}")
        asked = (plural(request.visits_requested, "visit") if request.visits_requested
                 else "visits")
        intro = f"Request #{request.request_id} for {asked}. {request.sentence}"
        self.outcome = choice_box((STATUS_WORDS[st], st) for st in (
            RequestStatus.APPROVED, RequestStatus.PARTLY_APPROVED, RequestStatus.DENIED))
        self.decided_on = DateField(today)
        self.decided_on.set_value(today)
        self.visits = CountField()
        self.visits.set_value(request.visits_requested or None)
        self.start = DateField(today)
        self.start.set_value(request.start_requested)
        self.end = DateField(today)
        self.end.set_value(request.end_requested)
        self.number = QLineEdit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("As the payer worded it")
        self.form = FieldForm.of(
            ("status", "&Decision", self.outcome),
            ("decided_on", "Decided &on", self.decided_on),
            ("visits_approved", "&Visits approved", self.visits),
            ("start_approved", "&From", self.start),
            ("end_approved", "&To", self.end),
            ("number_approved", "Auth &number", self.number),
            ("denial_reason", "Denial &reason", self.reason))
        self._lay_out(self.form, intro=intro, min_width=500)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self._outcome_changed()
        self.outcome.setFocus()

    def _outcome_changed(self) -> None:
        denied = RequestStatus(self.outcome.currentData()) is RequestStatus.DENIED
        for key in ("visits_approved", "start_approved", "end_approved", "number_approved"):
            self.form.fields[key].setEnabled(not denied)
        self.reason.setEnabled(denied)

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.decided_on.value() is None:
            errors["decided_on"] = self.decided_on.problem() or "Enter the day of the decision."
        denied = RequestStatus(self.outcome.currentData()) is RequestStatus.DENIED
        if denied and not self.reason.text().strip():
            errors["denial_reason"] = "Enter the payer's denial reason."
        if not denied:
            if self.visits.problem() or (self.visits.value() or 0) <= 0:
                errors["visits_approved"] = "How many visits were approved?"
            for key, f in (("start_approved", self.start), ("end_approved", self.end)):
                if f.value() is None:
                    errors[key] = f.problem() or "Enter the approved dates."
            s, e = self.start.value(), self.end.value()
            if s and e and e < s:
                errors["end_approved"] = "The approved end is before the approved start."
        return errors

    def decision(self) -> RenewalDecision:
        decided = self.decided_on.value()
        assert decided is not None
        denied = RequestStatus(self.outcome.currentData()) is RequestStatus.DENIED
        return RenewalDecision(
            status=RequestStatus(self.outcome.currentData()),
            decided_on=decided,
            visits_approved=0 if denied else self.visits.value() or 0,
            start_approved=None if denied else self.start.value(),
            end_approved=None if denied else self.end.value(),
            number_approved="" if denied else self.number.text().strip(),
            denial_reason=self.reason.text().strip() if denied else "",
        )

    def save(self) -> None:
        self.submit_save(
            self._service.record_decision, self._request.request_id, self.decision(), self._now
        )
