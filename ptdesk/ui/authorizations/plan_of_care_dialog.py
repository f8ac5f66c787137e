"""Record or edit a plan of care (issue 10 item 4): the certification period's dates, the
physician/NPP, when the plan was sent and signed (or the verbal order), and the last progress
report. Recertification: a new plan whose first treatment day is the first day it covers."""

from datetime import date, timedelta

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ptdesk.services.authorizations.plan_of_care_dtos import (
    PlanOfCareApi,
    PlanOfCareDraft,
    PlanOfCareView,
)
from ptdesk.services.patients.dtos import CoverageInfo, CoverageState
from ptdesk.ui.authorizations.authorization_dialog import coverage_label
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField
from ptdesk.ui.widgets.field_form import FieldForm, choice_box
from ptdesk.ui.widgets.saving_dialog import SavingDialog

_DATES = ("first_visit", "plan_date", "plan_end", "sent_on", "signed_on", "verbal_order_on",
          "last_progress_report_on")


class PlanOfCareDialog(SavingDialog[PlanOfCareView]):
    def __init__(
        self,
        api: PlanOfCareApi,
        runner: TaskRunner,
        today: date,
        patient_id: int,
        coverages: tuple[CoverageInfo, ...],
        plan: PlanOfCareView | None = None,
        *,
        recertify: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._api = api
        self._today = today
        self._patient_id = patient_id
        self._plan_id = None if plan is None or recertify else plan.plan_id
        self.setWindowTitle("Recertify the plan of care" if recertify else
                            "Plan of care" if plan is None else "Edit the plan of care")
        self.coverage = choice_box([*((coverage_label(c), c.id) for c in coverages
                                      if c.state is not CoverageState.ENDED),
                                    ("No coverage named (always tracked)", None)])
        self.fields: dict[str, DateField] = {k: DateField(today) for k in _DATES}
        self.certifier = QLineEdit()
        self.certifier.setMaxLength(120)
        self.certifier.setPlaceholderText("e.g. Dr Maria Reyes, MD")
        f = self.fields
        self.form = FieldForm.of(
            ("coverage_id", "&Coverage", self.coverage, "Medicare's rules apply to Medicare, "
             "and to payers whose plan-of-care setting is on"),
            ("first_visit", "&First treatment *", f["first_visit"],
             "The evaluation counts (pt-rules F1)"),
            ("plan_date", "Plan &date *", f["plan_date"]),
            ("plan_end", "Plan &end *", f["plan_end"], "Recertification is due at the sooner "
             "of this and 90 days after the first treatment (pt-rules F2)"),
            ("certifier", "&Physician / NPP", self.certifier),
            ("sent_on", "&Sent for signature", f["sent_on"]),
            ("signed_on", "Si&gned", f["signed_on"]),
            ("verbal_order_on", "&Verbal order", f["verbal_order_on"],
             "A verbal order must be signed within 14 days (pt-rules F1)"),
            ("last_progress_report_on", "Last p&rogress report", f["last_progress_report_on"],
             "Due at least every 10 treatment days (pt-rules F3)"))
        intro = QLabel("Certification: signed within 30 days of the first treatment. "
                       "Recertification: at the plan's end or 90 days, whichever is sooner. "
                       "Progress report: every 10 treatment days (Medicare, pt-rules F).")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self._lay_out(self.form, intro=intro, min_width=520)
        if plan is not None and recertify:
            # The new period starts the day after the old one ends, or today when late.
            start = today if plan.recert_overdue else plan.recert_due + timedelta(days=1)
            self.form.load(plan.draft, **{**dict.fromkeys(_DATES), "first_visit": start,
                                          "plan_date": today})
        elif plan is not None:
            self.form.load(plan.draft)
        else:
            f["plan_date"].set_value(today)
            f["first_visit"].set_value(today)
        f["first_visit"].setFocus()

    def draft(self) -> PlanOfCareDraft:
        return PlanOfCareDraft(patient_id=self._patient_id, **self.form.values())

    def save(self) -> None:
        self.submit_save(self._api.save, self._plan_id, self.draft(), self._today)
