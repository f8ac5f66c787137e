"""The session form's facts beside the lines (issue 10 items 3 and 5): the visit's diagnoses
(ICD-10-CM, primary first, checked at entry against the code set of the date of service), the
re-evaluation's reason when 97164 is billed (pt-rules F4), and who corrects a completed visit
and why (the previous version is kept)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.diagnoses import dotted
from ptdesk.domain.visit_history import ReevalReason
from ptdesk.services.visits.session_dtos import DiagnosisCheck, SessionBillingApi

REEVALUATION = "97164"


class DiagnosisPicker(QDialog):
    """Search the code set by the first characters ("M54.5") or by words ("low back pain")."""

    def __init__(self, billing: SessionBillingApi, day: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Find a diagnosis code (ICD-10-CM)")
        self._billing, self._day = billing, day
        self.search = QLineEdit()
        self.search.setPlaceholderText("Code or words, e.g. M54.5 or low back pain")
        self.results = QListWidget()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.search)
        lay.addWidget(self.results, 1)
        lay.addWidget(buttons)
        self.search.textChanged.connect(self.look_up)
        self.results.itemActivated.connect(lambda _i: self.accept())
        self.resize(620, 420)

    def look_up(self, text: str) -> None:
        self.results.clear()
        for code, desc in self._billing.search_diagnoses(self._day, text):
            item = QListWidgetItem(f"{dotted(code)}   {desc}")
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen(self) -> str | None:
        item = self.results.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))


class VisitFacts(QWidget):
    sig_changed = Signal()

    def __init__(self, billing: SessionBillingApi, day: date, diagnoses: tuple[str, ...],
                 reeval_reason: str, correcting: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._billing, self._day = billing, day
        self.check: DiagnosisCheck | None = None
        self.diagnoses = QLineEdit(" ".join(dotted(c) for c in diagnoses))
        self.diagnoses.setObjectName("diagnoses")
        self.diagnoses.setAccessibleName("Diagnoses, ICD-10-CM, primary first")
        self.diagnoses.setPlaceholderText("ICD-10-CM codes, primary first: M54.50 M25.561")
        self.find_button = QPushButton("Find code…")
        self.find_button.setAutoDefault(False)
        self.find_button.setToolTip("Search the code set by code or words (Ctrl+D)")
        self.described = QLabel()
        self.described.setObjectName("diagnosesDescribed")
        self.described.setWordWrap(True)
        self.described.setTextFormat(Qt.TextFormat.RichText)
        self.reeval = QComboBox()
        self.reeval.setObjectName("reevalReason")
        self.reeval.setAccessibleName("Why the re-evaluation")
        self.reeval.addItem("Choose the significant change…", "")
        for r in ReevalReason:
            self.reeval.addItem(r.label, r.value)
        self.reeval.setCurrentIndex(max(0, self.reeval.findData(reeval_reason)))
        self.reeval_label = QLabel("Re-evaluation &because *")
        self.reeval_label.setBuddy(self.reeval)
        self.by = QLineEdit()
        self.by.setMaxLength(80)
        self.by.setPlaceholderText("Your initials or name")
        self.why = QLineEdit()
        self.why.setMaxLength(200)
        self.why.setPlaceholderText("What was wrong, e.g. 'units did not match the minutes'")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.diagnoses, 1)
        row.addWidget(self.find_button)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        dlabel = QLabel("&Diagnoses")
        dlabel.setBuddy(self.diagnoses)
        form.addRow(dlabel, row)
        form.addRow("", self.described)
        form.addRow(self.reeval_label, self.reeval)
        self.correcting = correcting
        if correcting:
            why_label = QLabel("Correction: &why *")
            why_label.setBuddy(self.why)
            by_label = QLabel("Corrected b&y *")
            by_label.setBuddy(self.by)
            form.addRow(why_label, self.why)
            form.addRow(by_label, self.by)
        else:
            self.why.hide()
            self.by.hide()
        self.diagnoses.editingFinished.connect(self.check_codes)
        self.find_button.clicked.connect(self.pick)
        self.reeval.currentIndexChanged.connect(lambda _i: self.sig_changed.emit())
        self.show_reeval(False)
        self.check_codes()

    def show_reeval(self, shown: bool) -> None:
        self.reeval.setVisible(shown)
        self.reeval_label.setVisible(shown)

    def reeval_reason(self) -> str:
        return str(self.reeval.currentData() or "")

    def typed(self) -> list[str]:
        return self.diagnoses.text().replace(",", " ").split()

    def check_codes(self) -> DiagnosisCheck:
        self.check = c = self._billing.check_diagnoses(self._day, self.typed())
        parts = [f"{'<b>Primary</b> ' if i == 0 else ''}{dotted(code)} {desc}"
                 for i, (code, desc) in enumerate(c.codes)]
        parts += [f"<span style='color:#9f1d20'>⬣ {m}</span>" for m in c.errors.values()]
        if c.out_of_date and c.codes:
            parts.append(f"<span style='color:#7a5200'>▲ Checked against {c.set_name}: the set "
                         "for this date of service is not imported.</span>")
        self.described.setText("<br>".join(parts))
        self.described.setVisible(bool(parts))
        return c

    def pick(self) -> None:
        picker = DiagnosisPicker(self._billing, self._day, self)
        if picker.exec() and (code := picker.chosen()):
            self.diagnoses.setText(" ".join([*self.typed(), dotted(code)]))
            self.check_codes()
            self.sig_changed.emit()

    def problems(self) -> list[str]:
        c = self.check_codes()
        out = list(c.errors.values())
        if self.correcting and not self.why.text().strip():
            out.append("Say why the visit is corrected.")
        if self.correcting and not self.by.text().strip():
            out.append("Enter who corrects it (initials or name).")
        return out
