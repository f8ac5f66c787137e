"""Book a visit (date, time, provider, coverage) and void one (recorded in error, with why).

Check-in, cancel and no-show need no form: the record view does them directly (a receptionist
presses one key). Void is a decision that removes a visit from every count, so it asks.
"""

import re
from datetime import date, time

from PySide6.QtWidgets import QLineEdit, QWidget

from ptdesk.services.patients.dtos import CoverageInfo, CoverageState, ProviderOption, VisitInfo
from ptdesk.services.visits.api import VisitsApi
from ptdesk.services.visits.dtos import VisitDraft, VisitView
from ptdesk.ui.authorizations.authorization_dialog import coverage_label
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField, format_date
from ptdesk.ui.widgets.field_form import FieldForm, choice_box
from ptdesk.ui.widgets.saving_dialog import SavingDialog

_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*([ap])?\.?m?\.?$", re.IGNORECASE)


def parse_time(text: str) -> time | None:
    """'9:30', '930', '2:15 pm', '14:15' -> a time; None when not understood or blank."""
    m = _TIME.match(text.strip())
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    half = (m.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    elif 1 <= hour <= 6:
        hour += 12  # "2:15" at a clinic is the afternoon
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def format_time(t: time | None) -> str:
    if t is None:
        return ""
    return f"{(t.hour % 12) or 12}:{t.minute:02d} {'PM' if t.hour >= 12 else 'AM'}"


class BookVisitDialog(SavingDialog[VisitView]):
    def __init__(
        self,
        service: VisitsApi,
        runner: TaskRunner,
        today: date,
        patient_id: int,
        coverages: tuple[CoverageInfo, ...],
        providers: tuple[ProviderOption, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._today = today
        self._patient_id = patient_id
        self.setWindowTitle("Book a visit")
        self.day = DateField(today)
        self.day.set_value(today)
        self.at = QLineEdit()
        self.at.setPlaceholderText("e.g. 9:30 or 2:15 pm (blank = not set)")
        self.provider = choice_box([("Not set", None), *((p.name, p.id) for p in providers)])
        self.coverage = choice_box([*((coverage_label(c), c.id) for c in coverages
                                      if c.state is not CoverageState.ENDED),
                                    ("Self-pay (no coverage)", None)])
        self.notes = QLineEdit()
        self.form = FieldForm.of(
            ("day", "&Date *", self.day),
            ("scheduled_time", "&Time", self.at),
            ("provider_id", "&Provider", self.provider),
            ("coverage_id", "&Coverage", self.coverage,
             "The coverage this visit is billed to; its authorization is chosen by date and codes"),
            ("notes", "&Notes", self.notes))
        self._lay_out(self.form, intro=None, min_width=480)
        self.day.setFocus()
        self.day.selectAll()

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.day.value() is None:
            errors["day"] = self.day.problem() or "Enter the day of the visit."
        if self.at.text().strip() and parse_time(self.at.text()) is None:
            errors["scheduled_time"] = "Type a time such as 9:30 or 2:15 pm."
        return errors

    def draft(self) -> VisitDraft:
        day = self.day.value()
        assert day is not None
        cov = self.coverage.currentData()
        prov = self.provider.currentData()
        return VisitDraft(
            patient_id=self._patient_id,
            day=day,
            coverage_id=int(cov) if cov is not None else None,
            scheduled_time=parse_time(self.at.text()),
            provider_id=int(prov) if prov is not None else None,
            notes=self.notes.text().strip(),
        )

    def save(self) -> None:
        self.submit_save(self._service.book, self.draft())


class VoidVisitDialog(SavingDialog[VisitView]):
    """A visit recorded in error (wrong patient or date): it stops counting everywhere."""

    def __init__(
        self,
        service: VisitsApi,
        runner: TaskRunner,
        visit: VisitInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._visit = visit
        self.setWindowTitle("Void visit")
        intro = (
            f"Void the visit of {format_date(visit.visit_date)} "
            f"({visit.status.label.lower()}). It will stop counting against any "
            "authorization or limit. This is for a visit recorded in error; use "
            "Cancel or No-show for a visit that did not happen."
        )
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Wrong patient, wrong date, duplicate…")
        self.form = FieldForm()
        self.form.add_field("void_reason", "&Why *", self.reason)
        self._lay_out(self.form, intro=intro, min_width=460)
        self.save_button.setText("&Void visit")
        self.reason.setFocus()

    def errors(self) -> dict[str, str]:
        return {} if self.reason.text().strip() else {"void_reason": "Say why the visit is voided."}

    def save(self) -> None:
        self.submit_save(self._service.void, self._visit.id, self.reason.text())
