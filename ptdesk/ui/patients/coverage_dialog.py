"""Add or edit a coverage, and end one. Problems show under each field; nothing typed is lost."""

import calendar
from datetime import date
from typing import ClassVar

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSpinBox, QWidget

from ptdesk.domain.patient_rules import clean_coverage, coverage_errors
from ptdesk.services.patients.dtos import (
    PRIORITY_LABELS,
    CoverageDraft,
    CoverageInfo,
    PatientsApi,
    PayerOption,
)
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField, format_date
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, text_box
from ptdesk.ui.widgets.number_fields import CountField, MoneyField, PercentField
from ptdesk.ui.widgets.saving_dialog import SavingDialog


class CoverageDialog(SavingDialog[CoverageInfo]):
    # Errors of the plan-year month and day show under their shared row.
    error_aliases: ClassVar[dict[str, str]] = {
        "plan_year_start_month": "plan_year_start",
        "plan_year_start_day": "plan_year_start",
    }

    def __init__(
        self,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        payers: tuple[PayerOption, ...],
        *,
        patient_id: int,
        coverage: CoverageInfo | None = None,
        default_priority: int = 1,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._today = today
        self._patient_id = patient_id
        self._coverage = coverage
        current = coverage.payer_id if coverage else None
        self._payers = tuple(p for p in payers if p.active or p.id == current)
        self._build_ui()
        if coverage is not None:
            self.set_draft(coverage.draft)
        else:
            self.priority.setCurrentIndex(max(0, self.priority.findData(default_priority)))
            self.effective_date.set_value(today)

    def _build_ui(self) -> None:
        c = self._coverage
        self.setWindowTitle(f"Edit coverage — {c.payer_name}" if c else "Add coverage")
        self.payer = choice_box([("Choose a payer…", None),
                                 *((p.label, p.id) for p in self._payers)])
        self.priority = choice_box((label, value) for value, label in PRIORITY_LABELS.items())
        self.member_id = QLineEdit()
        self.group_id = QLineEdit()
        self.subscriber_name = QLineEdit()
        self.subscriber_name.setPlaceholderText("Blank when the patient is the subscriber")
        self.effective_date = DateField(self._today)
        self.end_date = DateField(self._today)
        self.end_date.setPlaceholderText("Blank while it lasts")
        self.plan_month = choice_box((calendar.month_name[m], m) for m in range(1, 13))
        self.plan_day = QSpinBox()
        self.plan_day.setRange(1, 31)
        self.plan_month.setAccessibleName("Plan year starts, month")
        self.plan_day.setAccessibleName("Plan year starts, day")
        plan_row = QWidget()
        plan_layout = QHBoxLayout(plan_row)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        plan_layout.addWidget(self.plan_month, 1)
        plan_layout.addWidget(self.plan_day)

        self.deductible = MoneyField()
        self.deductible_met = MoneyField()
        self.copay = MoneyField()
        self.coinsurance_pct = PercentField()
        self.oop_max = MoneyField()
        self.oop_met = MoneyField()
        self.visit_limit = CountField()
        self.visit_limit.setPlaceholderText("No limit")
        self.visits_elsewhere = CountField()
        self.visits_elsewhere.setPlaceholderText("0")
        self.visits_elsewhere_as_of = DateField(self._today)
        self.verified_on = DateField(self._today)
        self.notes = text_box(54)

        self.plan = FieldForm.of(
            ("payer_id", "&Payer *", self.payer),
            ("priority", "&Rank *", self.priority),
            ("member_id", "&Member id *", self.member_id),
            ("group_id", "&Group id", self.group_id),
            ("subscriber_name", "Su&bscriber", self.subscriber_name),
            ("effective_date", "&Starts *", self.effective_date),
            ("end_date", "&Ends", self.end_date),
            ("plan_year_start", "Plan &year starts", plan_row))
        self.plan.labels["plan_year_start"].setBuddy(self.plan_month)
        self.benefits = FieldForm.of(
            ("deductible", "&Deductible", self.deductible),
            ("deductible_met", "Deductible me&t", self.deductible_met),
            ("copay", "&Copay", self.copay),
            ("coinsurance_pct", "Co&insurance %", self.coinsurance_pct),
            ("oop_max", "&Out-of-pocket max", self.oop_max),
            ("oop_met", "Out-of-pocket met", self.oop_met),
            ("visit_limit_per_year", "&Visit limit / year", self.visit_limit),
            ("visits_used_elsewhere", "Visits used elsewhere", self.visits_elsewhere,
             "Visits this plan year at other clinics, as the payer reported"),
            ("visits_used_elsewhere_as_of", "…as of", self.visits_elsewhere_as_of),
            ("benefits_verified_on", "Benefits verified", self.verified_on))
        self.notes_form = FieldForm()
        self.notes_form.add_field("notes", "N&otes", self.notes)
        self._lay_out(self.plan, self.benefits, self.notes_form, min_width=920, side_by_side=2)
        self.payer.setFocus()

    def set_draft(self, d: CoverageDraft) -> None:
        for form in self.forms:
            form.load(d, visits_used_elsewhere=d.visits_used_elsewhere or None)
        self.plan_month.setCurrentIndex(max(0, self.plan_month.findData(d.plan_year_start_month)))
        self.plan_day.setValue(d.plan_year_start_day)

    def draft(self) -> CoverageDraft:
        values = {k: v for form in self.forms for k, v in form.values().items()}
        values["priority"] = int(values["priority"])
        values["visits_used_elsewhere"] = values["visits_used_elsewhere"] or 0
        return CoverageDraft(
            **values,
            plan_year_start_month=int(self.plan_month.currentData()),
            plan_year_start_day=self.plan_day.value(),
        )

    def errors(self) -> dict[str, str]:
        # what was typed but is not even a date/number wins over the rules' message
        return {**coverage_errors(clean_coverage(self.draft()), self._today), **self.problems()}

    def save(self) -> None:
        if self._coverage is None:
            self.submit_save(
                self._service.add_coverage, self._patient_id, self.draft(), self._today
            )
        else:
            self.submit_save(
                self._service.update_coverage, self._coverage.id, self.draft(), self._today
            )


class EndCoverageDialog(SavingDialog[CoverageInfo]):
    """End a coverage on a chosen last day (a decision, so a small dialog)."""

    def __init__(
        self,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        coverage: CoverageInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._today = today
        self._coverage = coverage
        self.setWindowTitle(f"End coverage — {coverage.payer_name}")
        intro = (
            f"{coverage.priority_label} coverage with {coverage.payer_name}, member "
            f"{coverage.member_id}, since {format_date(coverage.effective_date)}."
        )
        self.end_date = DateField(today)
        self.end_date.set_value(today)
        self.form = FieldForm()
        self.form.add_field("end_date", "&Last covered day", self.end_date)
        self._lay_out(self.form, intro=intro, min_width=420)
        self.end_date.setFocus()
        self.end_date.selectAll()

    def errors(self) -> dict[str, str]:
        if self.end_date.value() is None:
            return {"end_date": self.end_date.problem() or "Enter the last covered day."}
        return {}

    def save(self) -> None:
        self.submit_save(
            self._service.end_coverage, self._coverage.id, self.end_date.value(), self._today
        )
