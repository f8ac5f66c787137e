"""The estimate's inputs as a form: who pays, the benefits, the plan of care, the document.

`load(scenario)` shows a scenario dict (the JSON shape `ptdesk estimate --scenario` reads);
`scenario(base)` writes the form back over a copy of it. The engine checks the values and names
the field of any problem; the form only turns text into the JSON's types.
"""

import copy
import re
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.theme import DATE_FORMAT_QT
from ptdesk.ui.widgets.field_form import choice_box

PAYER_TYPES = (("commercial", "Commercial insurance"), ("medicare", "Medicare (Part B)"),
               ("medicare_advantage", "Medicare Advantage"), ("medicaid", "Medicaid"),
               ("workers_comp", "Workers' comp"), ("self_pay", "Self-pay (has insurance, "
                                                   "not using it)"),
               ("uninsured", "Uninsured"))
EVALUATIONS = (("", "No evaluation (already evaluated)"), ("97161", "97161 low complexity"),
               ("97162", "97162 moderate complexity"), ("97163", "97163 high complexity"),
               ("97164", "97164 re-evaluation"))
# (key, label, placeholder) of the benefits typed as text
BENEFIT_TEXT = (("deductible", "Deductible ($)", "none"),
                ("deductible_met", "Deductible met ($)", "0.00"),
                ("copay", "Copay per visit ($)", "0.00"),
                ("coinsurance_percent", "Coinsurance (%)", "none"),
                ("oop_max", "Out-of-pocket max ($)", "none"),
                ("oop_met", "Out-of-pocket met ($)", "0.00"),
                ("plan_year_start", "Plan year starts (MM-DD)", "01-01"),
                ("visit_limit", "Visit limit per plan year", "none"),
                ("visits_used", "Visits used this plan year", "0"),
                ("auth_visits_left", "Authorized visits left", "no authorization"),
                ("auth_end", "Authorization ends (YYYY-MM-DD)", "no authorization"))
_INTS = {"visit_limit", "visits_used", "auth_visits_left"}
_LINE = re.compile(r"^\s*([A-Za-z0-9]{5})\s*(?:[x×*]\s*(\d+))?\s*$")


def lines_text(lines: list[dict[str, Any]]) -> str:
    return ", ".join(f"{x['code']} x{x.get('units', 1)}" if x.get("units", 1) != 1
                     else str(x["code"]) for x in lines)


def parse_lines(text: str) -> list[dict[str, Any]] | str:
    """"97110 x2, 97140" -> [{"code": "97110", "units": 2}, {"code": "97140", "units": 1}];
    a problem comes back as a sentence."""
    out: list[dict[str, Any]] = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        m = _LINE.match(part)
        if m is None:
            return f"'{part.strip()}' is not a code with units, e.g. 97110 x2"
        out.append({"code": m.group(1).upper(), "units": int(m.group(2) or 1)})
    return out


class EstimateForm(QWidget):
    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.payer_type = choice_box((label, value) for value, label in PAYER_TYPES)
        self.payer_name = QLineEdit()
        self.patient_name = QLineEdit()
        self.patient_dob = QLineEdit()
        self.patient_dob.setPlaceholderText("YYYY-MM-DD")
        who = QFormLayout()
        who.addRow("Patient", self.patient_name)
        who.addRow("Date of birth", self.patient_dob)
        who.addRow("Pa&yer type", self.payer_type)
        who.addRow("Payer name", self.payer_name)
        self.benefit_fields: dict[str, QLineEdit] = {}
        self.waived = QCheckBox("Waived for therapy")
        self.waived.setToolTip("The plan waives the deductible for therapy visits")
        benefits = QFormLayout()
        for key, label, hint in BENEFIT_TEXT:
            edit = QLineEdit()
            edit.setPlaceholderText(hint)
            edit.setMaximumWidth(130)
            self.benefit_fields[key] = edit
            benefits.addRow(label, edit)
            if key == "deductible_met":
                benefits.addRow("", self.waived)
        self.benefits_box = QGroupBox("Benefits (as verified)")
        self.benefits_box.setLayout(benefits)
        self.first_visit = QDateEdit()
        self.first_visit.setCalendarPopup(True)
        self.first_visit.setDisplayFormat(DATE_FORMAT_QT)
        self.per_week = QSpinBox()
        self.per_week.setRange(1, 7)
        self.visits = QSpinBox()
        self.visits.setRange(1, 120)
        self.evaluation = choice_box((label, value) for value, label in EVALUATIONS)
        self.lines = QLineEdit()
        self.lines.setPlaceholderText("97110 x2, 97140")
        self.lines.setToolTip("The codes and units of a typical visit, e.g. 97110 x2, 97140")
        self.diagnoses = QLineEdit()
        self.diagnoses.setPlaceholderText("M54.50, M25.561")
        self.diagnoses.setToolTip("ICD-10-CM codes, when known (a Good Faith Estimate lists them)")
        plan = QFormLayout()
        plan.addRow("&First visit", self.first_visit)
        plan.addRow("Visits per &week", self.per_week)
        plan.addRow("&Visits in all", self.visits)
        plan.addRow("&Evaluation", self.evaluation)
        plan.addRow("&Typical visit", self.lines)
        plan.addRow("Dia&gnoses", self.diagnoses)
        plan_box = QGroupBox("Plan of care")
        plan_box.setLayout(plan)
        self.language = choice_box([("English", "en"), ("Español (Spanish)", "es")])
        self.prepared_by = QLineEdit()
        self.prepared_by.setPlaceholderText("your name")
        doc = QFormLayout()
        doc.addRow("&Language", self.language)
        doc.addRow("Prepared &by", self.prepared_by)
        doc_box = QGroupBox("Document")
        doc_box.setLayout(doc)
        for combo in (self.payer_type, self.evaluation, self.language):
            # sized to the column, not to its longest item (the form must fit without scrolling
            # sideways)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
        who_box = QGroupBox("Who pays")
        who_box.setLayout(who)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in (who_box, plan_box, doc_box, self.benefits_box):
            layout.addWidget(box)
        layout.addStretch(1)
        for w in (self.payer_name, self.patient_name, self.patient_dob, self.lines,
                  self.diagnoses, self.prepared_by, *self.benefit_fields.values()):
            w.textChanged.connect(self.sig_changed)
        for c in (self.payer_type, self.evaluation, self.language):
            c.currentIndexChanged.connect(self.sig_changed)
        for s in (self.per_week, self.visits):
            s.valueChanged.connect(self.sig_changed)
        self.first_visit.dateChanged.connect(self.sig_changed)
        self.waived.toggled.connect(self.sig_changed)
        self.payer_type.currentIndexChanged.connect(self._payer_changed)

    def _payer_changed(self) -> None:
        own_way = self.payer_type.currentData() in ("self_pay", "uninsured")
        self.benefits_box.setEnabled(not own_way)
        self.payer_name.setEnabled(not own_way)

    def load(self, data: dict[str, Any]) -> None:
        self.blockSignals(True)
        try:
            self.payer_type.setCurrentIndex(max(0, self.payer_type.findData(
                data.get("payer_type", "commercial"))))
            self.payer_name.setText(data.get("payer_name", ""))
            patient = data.get("patient") or {}
            self.patient_name.setText(patient.get("name", ""))
            self.patient_dob.setText(patient.get("date_of_birth", ""))
            b = data.get("benefits") or {}
            for key, edit in self.benefit_fields.items():
                value = b.get(key)
                edit.setText("" if value is None else str(value))
            self.waived.setChecked(bool(b.get("deductible_waived", False)))
            p = data["plan_of_care"]
            first = date.fromisoformat(p["first_visit"])
            self.first_visit.setDate(QDate(first.year, first.month, first.day))
            self.per_week.setValue(int(p.get("visits_per_week", 2)))
            count = p.get("visits") or int(p.get("visits_per_week", 2)) * int(p.get("weeks", 6))
            self.visits.setValue(int(count))
            self.evaluation.setCurrentIndex(max(0, self.evaluation.findData(
                p.get("evaluation") or "")))
            self.lines.setText(lines_text(p.get("per_visit", [])))
            self.diagnoses.setText(", ".join(data.get("diagnoses") or []))
            self.prepared_by.setText(data.get("prepared_by", ""))
        finally:
            self.blockSignals(False)
        self._payer_changed()

    @property
    def lang(self) -> str:
        return str(self.language.currentData())

    def scenario(self, base: dict[str, Any]) -> dict[str, Any] | str:
        """The form over a copy of `base`; a sentence when a field cannot be read at all."""
        data = copy.deepcopy(base)
        data["payer_type"] = self.payer_type.currentData()
        own_way = data["payer_type"] in ("self_pay", "uninsured")
        for key, value in (("payer_name", self.payer_name.text().strip()),
                           ("prepared_by", self.prepared_by.text().strip())):
            if value and not (own_way and key == "payer_name"):
                data[key] = value
            else:
                data.pop(key, None)
        name, dob = self.patient_name.text().strip(), self.patient_dob.text().strip()
        data["patient"] = {k: v for k, v in (("name", name), ("date_of_birth", dob)) if v}
        if own_way:
            data.pop("benefits", None)
        else:
            b: dict[str, Any] = {}
            for key, edit in self.benefit_fields.items():
                text = edit.text().strip().replace("$", "").replace(",", "").rstrip("%")
                if not text:
                    continue
                if key in _INTS:
                    if not text.isdigit():
                        return f"benefits.{key}: '{text}' is not a whole number"
                    b[key] = int(text)
                else:
                    b[key] = text
            if self.waived.isChecked():
                b["deductible_waived"] = True
            data["benefits"] = b
        lines = parse_lines(self.lines.text())
        if isinstance(lines, str):
            return f"plan_of_care.per_visit: {lines}"
        d = self.first_visit.date()
        plan: dict[str, Any] = {"first_visit": date(d.year(), d.month(), d.day()).isoformat(),
                                "visits_per_week": self.per_week.value(),
                                "visits": self.visits.value(), "per_visit": lines}
        if self.evaluation.currentData():
            plan["evaluation"] = self.evaluation.currentData()
        first_lines = (base.get("plan_of_care") or {}).get("first_visit_lines")
        if first_lines is not None:
            plan["first_visit_lines"] = first_lines
        data["plan_of_care"] = plan
        data["diagnoses"] = [x.strip().upper() for x in re.split(r"[,;\s]+",
                                                                 self.diagnoses.text())
                             if x.strip()]
        return data
