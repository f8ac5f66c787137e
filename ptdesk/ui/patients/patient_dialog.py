"""Create or edit a patient. Problems show under each field and nothing typed is lost; a
patient with the same name and date of birth is pointed out before a new one is saved."""

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.patient_rules import SEXES, clean_patient, patient_errors, same_person_key
from ptdesk.services.patients.dtos import (
    DuplicateCandidate,
    PatientDetail,
    PatientDraft,
    PatientsApi,
)
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField, format_date
from ptdesk.ui.widgets.field_form import FieldForm, enter_pressed


@dataclass(frozen=True, slots=True)
class PatientDialogResult:
    patient_id: int
    # True when the person chose to open the patient already on file instead of saving.
    opened_existing: bool = False


class PatientDialog(QDialog):
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
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._today = today
        self._patient = patient
        self._duplicates: tuple[DuplicateCandidate, ...] = ()
        self._duplicates_ok = False
        self.result_value: PatientDialogResult | None = None
        self._build_ui()
        self._connect()
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
        self.sex = QComboBox()
        for code, label in SEXES.items():
            self.sex.addItem(label, code)
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
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)

        self.person = FieldForm()
        self.person.add_field("last_name", "&Last name *", self.last_name)
        self.person.add_field("first_name", "&First name *", self.first_name)
        self.person.add_field("middle_name", "&Middle name", self.middle_name)
        self.person.add_field(
            "preferred_name", "&Goes by", self.preferred_name, "The name the patient prefers"
        )
        self.person.add_field(
            "date_of_birth", "Date of &birth *", self.date_of_birth, "e.g. 03/07/1961 or 3/7/61"
        )
        self.person.add_field("sex", "Se&x", self.sex)
        self.person.add_field(
            "chart_number", "C&hart number", self.chart_number, "Leave blank for the next number"
        )
        self.contact = FieldForm()
        self.contact.add_field("phone_mobile", "M&obile phone", self.phone_mobile)
        self.contact.add_field("phone_home", "Ho&me phone", self.phone_home)
        self.contact.add_field("email", "&Email", self.email)
        self.contact.add_field("address_line1", "&Address", self.address_line1)
        self.contact.add_field("address_line2", "Address line &2", self.address_line2)
        self.contact.add_field("city", "Cit&y", self.city)
        self.contact.add_field("state", "S&tate", self.state, "2-letter code, e.g. TX")
        self.contact.add_field("postal_code", "&ZIP code", self.postal_code)

        columns = QGridLayout()
        columns.setHorizontalSpacing(24)
        columns.addLayout(self.person, 0, 0)
        columns.addLayout(self.contact, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)

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

        self.status = QLabel()
        self.status.setProperty("role", "error")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+S or Enter)")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(self.notes_form)
        layout.addWidget(self.duplicate_box)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(820)
        self.last_name.setFocus()

    def _connect(self) -> None:
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        self.open_existing.clicked.connect(self._open_existing)
        self.save_anyway.clicked.connect(self._save_anyway)
        for field in (self.last_name, self.first_name, self.date_of_birth):
            field.textEdited.connect(self._identity_changed)

    # ---- values -------------------------------------------------------------------------
    def set_draft(self, d: PatientDraft) -> None:
        for name in (
            "last_name",
            "first_name",
            "middle_name",
            "preferred_name",
            "chart_number",
            "phone_mobile",
            "phone_home",
            "email",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
        ):
            widget: QLineEdit = getattr(self, name)
            widget.setText(getattr(d, name))
        self.date_of_birth.set_value(d.date_of_birth)
        self.sex.setCurrentIndex(max(0, self.sex.findData(d.sex)))
        self.notes.setPlainText(d.notes)
        self.active.setChecked(d.active)

    def draft(self) -> PatientDraft:
        return PatientDraft(
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            date_of_birth=self.date_of_birth.value(),
            middle_name=self.middle_name.text(),
            preferred_name=self.preferred_name.text(),
            sex=str(self.sex.currentData()),
            phone_mobile=self.phone_mobile.text(),
            phone_home=self.phone_home.text(),
            email=self.email.text(),
            address_line1=self.address_line1.text(),
            address_line2=self.address_line2.text(),
            city=self.city.text(),
            state=self.state.text(),
            postal_code=self.postal_code.text(),
            chart_number=self.chart_number.text(),
            notes=self.notes.toPlainText(),
            active=self.active.isChecked(),
        )

    def errors(self) -> dict[str, str]:
        """Problems with what is typed now: words that are not dates first, then the rules."""
        errors = patient_errors(clean_patient(self.draft()), self._today)
        problem = self.date_of_birth.problem()
        if problem:
            errors["date_of_birth"] = problem
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        known: set[str] = set()
        for form in (self.person, self.contact, self.notes_form):
            form.show_errors(errors)
            known.update(form.errors)
        self.status.setText(" ".join(m for k, m in errors.items() if k not in known))
        self.adjustSize()  # make room for the messages so none is clipped

    # ---- saving -------------------------------------------------------------------------
    def _set_busy(self, busy: bool, message: str = "") -> None:
        self.save_button.setEnabled(not busy)
        self.status.setProperty("role", "hint" if busy else "error")
        self.status.style().polish(self.status)
        self.status.setText(message)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not enter_pressed(self, event, self.save_button):
            super().keyPressEvent(event)

    def _save_clicked(self) -> None:
        errors = self.errors()
        self.show_errors(errors)
        if errors:
            widget = next(
                (
                    w
                    for f in (self.person, self.contact, self.notes_form)
                    if (w := f.first_error_field(errors))
                ),
                None,
            )
            if widget is not None:
                widget.setFocus()
            return
        if self._needs_duplicate_check():
            d = self.draft()
            self._set_busy(True, "Checking for a patient with the same name and date of birth…")
            self._runner.submit(
                self._service.find_possible_duplicates,
                d.last_name,
                d.first_name,
                d.date_of_birth,
                self._patient.id if self._patient else None,
                on_done=self._duplicates_found,
                on_error=self._failed,
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
        self._set_busy(True, "Saving…")
        if self._patient is None:
            self._runner.submit(
                self._service.create_patient,
                self.draft(),
                self._today,
                on_done=self._saved,
                on_error=self._failed,
            )
        else:
            self._runner.submit(
                self._service.update_patient,
                self._patient.id,
                self.draft(),
                self._today,
                on_done=self._saved,
                on_error=self._failed,
            )

    def _saved(self, detail: PatientDetail) -> None:
        self._set_busy(False)
        self.result_value = PatientDialogResult(detail.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationErrors):
            self.show_errors(exc.errors)
        else:
            report_unexpected(type(exc), exc, exc.__traceback__, self)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        service: PatientsApi,
        runner: TaskRunner,
        today: date,
        *,
        patient: PatientDetail | None = None,
        initial: PatientDraft | None = None,
    ) -> PatientDialogResult | None:
        dialog = cls(service, runner, today, patient=patient, initial=initial, parent=parent)
        dialog.exec()
        return dialog.result_value
