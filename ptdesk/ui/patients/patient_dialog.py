"""Create or edit a patient. Problems show under each field and nothing typed is lost; a
patient with the same name and date of birth is pointed out before a new one is saved."""

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.patient_rules import SEXES, clean_patient, patient_errors, same_person_key
from ptdesk.services.patients.dtos import (
    DuplicateCandidate,
    PatientDetail,
    PatientDraft,
    PatientsApi,
)
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField, format_date
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, text_box
from ptdesk.ui.widgets.saving_dialog import SavingDialog


@dataclass(frozen=True, slots=True)
class PatientDialogResult:
    patient_id: int
    # True when the person chose to open the patient already on file instead of saving.
    opened_existing: bool = False


class PatientDialog(SavingDialog[PatientDialogResult]):
    def __init__(
        self,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        *,
        patient: PatientDetail | None = None,
        initial: PatientDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, runner=runner)
        self._service = service
        self._today = today
        self._patient = patient
        self._duplicates: tuple[DuplicateCandidate, ...] = ()
        self._duplicates_ok = False
        self._build_ui()
        draft = patient.to_draft() if patient is not None else initial
        if draft is not None:
            self.set_draft(draft)

    # ---- building -----------------------------------------------------------------------
    def _build_ui(self) -> None:
        editing = self._patient is not None
        self.setWindowTitle(
            f"Edit patient — {self._patient.display_name}" if self._patient else "New patient"
        )
        self.setModal(True)
        self.last_name = QLineEdit()
        self.first_name = QLineEdit()
        self.middle_name = QLineEdit()
        self.preferred_name = QLineEdit()
        self.date_of_birth = DateField(self._today, birth_date=True)
        self.sex = choice_box((label, code) for code, label in SEXES.items())
        self.sex.setCurrentIndex(list(SEXES).index("U"))
        self.chart_number = QLineEdit()
        self.chart_number.setPlaceholderText("Assigned on save" if not editing else "")
        self.active = QCheckBox("Active patient")
        self.active.setChecked(True)
        self.phone_mobile = QLineEdit()
        self.phone_home = QLineEdit()
        for phone in (self.phone_mobile, self.phone_home):
            phone.setPlaceholderText("(555) 234-5678 x12")
        self.email = QLineEdit()
        self.address_line1 = QLineEdit()
        self.address_line2 = QLineEdit()
        self.city = QLineEdit()
        self.state = QLineEdit()
        self.state.setMaxLength(2)
        self.state.setPlaceholderText("TX")
        self.postal_code = QLineEdit()
        self.postal_code.setMaxLength(10)
        self.notes = text_box(60)

        self.person = FieldForm.of(
            ("last_name", "&Last name *", self.last_name),
            ("first_name", "&First name *", self.first_name),
            ("middle_name", "&Middle name", self.middle_name),
            ("preferred_name", "&Goes by", self.preferred_name, "The name the patient prefers"),
            ("date_of_birth", "Date of &birth *", self.date_of_birth, "e.g. 03/07/1961 or 3/7/61"),
            ("sex", "Se&x", self.sex),
            ("chart_number", "C&hart number", self.chart_number, "Leave blank for the next number"))
        self.contact = FieldForm.of(
            ("phone_mobile", "M&obile phone", self.phone_mobile),
            ("phone_home", "Ho&me phone", self.phone_home),
            ("email", "&Email", self.email),
            ("address_line1", "&Address", self.address_line1),
            ("address_line2", "Address line &2", self.address_line2),
            ("city", "Cit&y", self.city),
            ("state", "S&tate", self.state, "2-letter code, e.g. TX"),
            ("postal_code", "&ZIP code", self.postal_code))

        self.notes_form = FieldForm()
        self.notes_form.add_field("notes", "N&otes", self.notes)
        if editing:
            self.notes_form.add_field("active", "Status", self.active)

        self.duplicate_box = QFrame()
        self.duplicate_box.setObjectName("duplicateBox")
        self.duplicate_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.duplicate_box.setStyleSheet(
            "#duplicateBox { background: #fff6db; border: 1px solid #c99a06; border-radius: 4px; }"
        )
        dup_layout = QVBoxLayout(self.duplicate_box)
        self.duplicate_text = QLabel()
        self.duplicate_text.setWordWrap(True)
        self.duplicate_text.setTextFormat(Qt.TextFormat.PlainText)
        self.open_existing = QPushButton("Open the patient on file")
        self.save_anyway = QPushButton("Save as a new patient anyway")
        dup_buttons = QHBoxLayout()
        dup_buttons.addWidget(self.open_existing)
        dup_buttons.addWidget(self.save_anyway)
        dup_buttons.addStretch(1)
        dup_layout.addWidget(self.duplicate_text)
        dup_layout.addLayout(dup_buttons)
        self.duplicate_box.setVisible(False)
        self._lay_out(self.person, self.contact, self.notes_form, min_width=820, side_by_side=2,
                      above_status=(self.duplicate_box,))
        self.last_name.setFocus()
        self.open_existing.clicked.connect(self._open_existing)
        self.save_anyway.clicked.connect(self._save_anyway)
        for field in (self.last_name, self.first_name, self.date_of_birth):
            field.textEdited.connect(self._identity_changed)

    # ---- values -------------------------------------------------------------------------
    def set_draft(self, d: PatientDraft) -> None:
        for form in self.forms:
            form.load(d)
        self.active.setChecked(d.active)  # its row is there only when editing

    def draft(self) -> PatientDraft:
        values = {k: v for form in self.forms for k, v in form.values().items()}
        values["sex"] = str(values["sex"])
        values["active"] = self.active.isChecked()
        return PatientDraft(**values)

    def errors(self) -> dict[str, str]:
        """Problems with what is typed now: words that are not dates first, then the rules."""
        return {**patient_errors(clean_patient(self.draft()), self._today), **self.problems()}

    # ---- saving -------------------------------------------------------------------------
    def save(self) -> None:
        if self._needs_duplicate_check():
            d = self.draft()
            self.submit_save(
                self._service.find_possible_duplicates,
                d.last_name,
                d.first_name,
                d.date_of_birth,
                self._patient.id if self._patient else None,
                on_done=self._duplicates_found,
                busy="Checking for a patient with the same name and date of birth…",
            )
        else:
            self._save()

    def _needs_duplicate_check(self) -> bool:
        if self._duplicates_ok:
            return False
        if self._patient is None:
            return True
        d = self.draft()
        same_name = same_person_key(d.last_name, d.first_name) == same_person_key(
            self._patient.last_name, self._patient.first_name
        )
        return not same_name or d.date_of_birth != self._patient.date_of_birth

    def _duplicates_found(self, found: tuple[DuplicateCandidate, ...]) -> None:
        self._set_busy(False)
        if not found:
            self._save()
            return
        self._duplicates = found
        lines = [
            f"{c.display_name} · born {format_date(c.date_of_birth)} · chart {c.chart_number}"
            + (f" · {c.phone}" if c.phone else "")
            for c in found
        ]
        noun = "A patient" if len(found) == 1 else f"{len(found)} patients"
        self.duplicate_text.setText(
            f"{noun} with the same name and date of birth already on file:\n" + "\n".join(lines)
        )
        self.duplicate_box.setVisible(True)
        self.open_existing.setFocus()

    def _identity_changed(self) -> None:
        self._duplicates_ok = False
        self.duplicate_box.setVisible(False)

    def _open_existing(self) -> None:
        if self._duplicates:
            self.result_value = PatientDialogResult(self._duplicates[0].patient_id, True)
            self.accept()

    def _save_anyway(self) -> None:
        self._duplicates_ok = True
        self.duplicate_box.setVisible(False)
        self._save()

    def _save(self) -> None:
        def saved(detail: PatientDetail) -> None:
            self._saved(PatientDialogResult(detail.id))

        if self._patient is None:
            self.submit_save(self._service.create_patient, self.draft(), self._today,
                             on_done=saved)
        else:
            self.submit_save(self._service.update_patient, self._patient.id, self.draft(),
                             self._today, on_done=saved)
