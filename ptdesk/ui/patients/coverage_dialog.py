"""Add or edit a coverage, and end one. Problems show under each field; nothing typed is lost."""

import calendar
from datetime import date
from typing import ClassVar

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

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
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.number_fields import CountField, MoneyField, PercentField
from ptdesk.ui.widgets.saving_dialog import SavingDialog


class CoverageDialog(SavingDialog):
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
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._today = today
        self._patient_id = patient_id
        self._coverage = coverage
        self.result_value: CoverageInfo | None = None
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
        self.payer = QComboBox()
        self.payer.addItem("Choose a payer…", None)
        for p in self._payers:
            self.payer.addItem(p.label, p.id)
        self.priority = QComboBox()
        for value, label in PRIORITY_LABELS.items():
            self.priority.addItem(label, value)
        self.member_id = QLineEdit()
        self.group_id = QLineEdit()
        self.subscriber_name = QLineEdit()
        self.subscriber_name.setPlaceholderText("Blank when the patient is the subscriber")
        self.effective_date = DateField(self._today)
        self.end_date = DateField(self._today)
        self.end_date.setPlaceholderText("Blank while it lasts")
        self.plan_month = QComboBox()
        for month in range(1, 13):
            self.plan_month.addItem(calendar.month_name[month], month)
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
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(54)

        self.plan = FieldForm()
        self.plan.add_field("payer_id", "&Payer *", self.payer)
        self.plan.add_field("priority", "&Rank *", self.priority)
        self.plan.add_field("member_id", "&Member id *", self.member_id)
        self.plan.add_field("group_id", "&Group id", self.group_id)
        self.plan.add_field("subscriber_name", "Su&bscriber", self.subscriber_name)
        self.plan.add_field("effective_date", "&Starts *", self.effective_date)
        self.plan.add_field("end_date", "&Ends", self.end_date)
        self.plan.add_field("plan_year_start", "Plan &year starts", plan_row)
        self.plan.labels["plan_year_start"].setBuddy(self.plan_month)
        self.benefits = FieldForm()
        self.benefits.add_field("deductible", "&Deductible", self.deductible)
        self.benefits.add_field("deductible_met", "Deductible me&t", self.deductible_met)
        self.benefits.add_field("copay", "&Copay", self.copay)
        self.benefits.add_field("coinsurance_pct", "Co&insurance %", self.coinsurance_pct)
        self.benefits.add_field("oop_max", "&Out-of-pocket max", self.oop_max)
        self.benefits.add_field("oop_met", "Out-of-pocket met", self.oop_met)
        self.benefits.add_field("visit_limit_per_year", "&Visit limit / year", self.visit_limit)
        self.benefits.add_field(
            "visits_used_elsewhere",
            "Visits used elsewhere",
            self.visits_elsewhere,
            "Visits this plan year at other clinics, as the payer reported",
        )
        self.benefits.add_field(
            "visits_used_elsewhere_as_of", "…as of", self.visits_elsewhere_as_of
        )
        self.benefits.add_field("benefits_verified_on", "Benefits verified", self.verified_on)
        self.notes_form = FieldForm()
        self.notes_form.add_field("notes", "N&otes", self.notes)
        self.forms = (self.plan, self.benefits, self.notes_form)

        columns = QGridLayout()
        columns.setHorizontalSpacing(24)
        columns.addLayout(self.plan, 0, 0)
        columns.addLayout(self.benefits, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)
        self._make_buttons()
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(self.notes_form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(920)
        self.payer.setFocus()

    def set_draft(self, d: CoverageDraft) -> None:
        self.payer.setCurrentIndex(max(0, self.payer.findData(d.payer_id)))
        self.priority.setCurrentIndex(max(0, self.priority.findData(d.priority)))
        self.member_id.setText(d.member_id)
        self.group_id.setText(d.group_id)
        self.subscriber_name.setText(d.subscriber_name)
        self.effective_date.set_value(d.effective_date)
        self.end_date.set_value(d.end_date)
        self.plan_month.setCurrentIndex(max(0, self.plan_month.findData(d.plan_year_start_month)))
        self.plan_day.setValue(d.plan_year_start_day)
        self.deductible.set_value(d.deductible)
        self.deductible_met.set_value(d.deductible_met)
        self.copay.set_value(d.copay)
        self.coinsurance_pct.set_value(d.coinsurance_pct)
        self.oop_max.set_value(d.oop_max)
        self.oop_met.set_value(d.oop_met)
        self.visit_limit.set_value(d.visit_limit_per_year)
        self.visits_elsewhere.set_value(d.visits_used_elsewhere or None)
        self.visits_elsewhere_as_of.set_value(d.visits_used_elsewhere_as_of)
        self.verified_on.set_value(d.benefits_verified_on)
        self.notes.setPlainText(d.notes)

    def draft(self) -> CoverageDraft:
        payer_id = self.payer.currentData()
        return CoverageDraft(
            payer_id=int(payer_id) if payer_id is not None else None,
            member_id=self.member_id.text(),
            effective_date=self.effective_date.value(),
            priority=int(self.priority.currentData()),
            group_id=self.group_id.text(),
            subscriber_name=self.subscriber_name.text(),
            end_date=self.end_date.value(),
            plan_year_start_month=int(self.plan_month.currentData()),
            plan_year_start_day=self.plan_day.value(),
            visit_limit_per_year=self.visit_limit.value(),
            visits_used_elsewhere=self.visits_elsewhere.value() or 0,
            visits_used_elsewhere_as_of=self.visits_elsewhere_as_of.value(),
            deductible=self.deductible.value(),
            deductible_met=self.deductible_met.value(),
            copay=self.copay.value(),
            coinsurance_pct=self.coinsurance_pct.value(),
            oop_max=self.oop_max.value(),
            oop_met=self.oop_met.value(),
            benefits_verified_on=self.verified_on.value(),
            notes=self.notes.toPlainText(),
        )

    def errors(self) -> dict[str, str]:
        errors = coverage_errors(clean_coverage(self.draft()), self._today)
        typed: dict[str, DateField | MoneyField | PercentField | CountField] = {
            "effective_date": self.effective_date,
            "end_date": self.end_date,
            "visits_used_elsewhere_as_of": self.visits_elsewhere_as_of,
            "benefits_verified_on": self.verified_on,
            "deductible": self.deductible,
            "deductible_met": self.deductible_met,
            "copay": self.copay,
            "coinsurance_pct": self.coinsurance_pct,
            "oop_max": self.oop_max,
            "oop_met": self.oop_met,
            "visit_limit_per_year": self.visit_limit,
            "visits_used_elsewhere": self.visits_elsewhere,
        }
        for key, field in typed.items():
            problem = field.problem()
            if problem:
                errors[key] = problem  # what was typed is not even a date/number
        return errors

    def _save_clicked(self) -> None:
        errors = self.errors()
        self.show_errors(errors)
        if errors:
            return
        if self._coverage is None:
            self.submit_save(
                self._service.add_coverage, self._patient_id, self.draft(), self._today
            )
        else:
            self.submit_save(
                self._service.update_coverage, self._coverage.id, self.draft(), self._today
            )

    def _saved(self, info: CoverageInfo) -> None:
        self._set_busy(False)
        self.result_value = info
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        payers: tuple[PayerOption, ...],
        *,
        patient_id: int,
        coverage: CoverageInfo | None = None,
        default_priority: int = 1,
    ) -> CoverageInfo | None:
        dialog = cls(
            service,
            runner,
            today,
            payers,
            patient_id=patient_id,
            coverage=coverage,
            default_priority=default_priority,
            parent=parent,
        )
        dialog.exec()
        return dialog.result_value


class EndCoverageDialog(SavingDialog):
    """End a coverage on a chosen last day (a decision, so a small dialog)."""

    def __init__(
        self,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        coverage: CoverageInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._today = today
        self._coverage = coverage
        self.result_value: CoverageInfo | None = None
        self.setWindowTitle(f"End coverage — {coverage.payer_name}")
        intro = QLabel(
            f"{coverage.priority_label} coverage with {coverage.payer_name}, member "
            f"{coverage.member_id}, since {format_date(coverage.effective_date)}."
        )
        intro.setWordWrap(True)
        self.end_date = DateField(today)
        self.end_date.set_value(today)
        self.form = FieldForm()
        self.form.add_field("end_date", "&Last covered day", self.end_date)
        self._lay_out(self.form, intro=intro, min_width=420)
        self.end_date.setFocus()
        self.end_date.selectAll()

    def _save_clicked(self) -> None:
        value = self.end_date.value()
        if value is None:
            self.show_errors({"end_date": self.end_date.problem() or "Enter the last covered day."})
            return
        self.submit_save(self._service.end_coverage, self._coverage.id, value, self._today)

    def _saved(self, info: CoverageInfo) -> None:
        self._set_busy(False)
        self.result_value = info
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        coverage: CoverageInfo,
    ) -> CoverageInfo | None:
        dialog = cls(service, runner, today, coverage, parent)
        dialog.exec()
        return dialog.result_value
