"""The lookup page's patient and coverage editing: a new patient (pre-filled from what was
typed in the search box), editing the open patient, adding, editing and ending a coverage.
`PatientsPage` builds the widgets these use; the dialogs do the checking and saving."""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from ptdesk.domain.search_keys import parse_date_of_birth
from ptdesk.services.patients.dtos import (
    CoverageInfo,
    PatientDraft,
    PatientsApi,
    PayerOption,
    ReferenceApi,
)
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.patients.coverage_dialog import CoverageDialog, EndCoverageDialog
from ptdesk.ui.patients.patient_dialog import PatientDialog
from ptdesk.ui.patients.record_view import PatientRecordView
from ptdesk.ui.tasks import TaskRunner

_NAME_WORD = re.compile(r"^[^\W\d_][\w'.-]*$")


def draft_from_search(text: str, today: date) -> PatientDraft | None:
    """What a search already says about a new patient: 'smith, jo' or a date of birth."""
    dob = parse_date_of_birth(text, today)
    if dob is not None:
        return PatientDraft(last_name="", first_name="", date_of_birth=dob)
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    if not words or len(words) > 2 or not all(_NAME_WORD.match(w) for w in words):
        return None
    last = words[0][:1].upper() + words[0][1:]
    first = words[1][:1].upper() + words[1][1:] if len(words) > 1 else ""
    return PatientDraft(last_name=last, first_name=first, date_of_birth=None)


class PatientEditing(QWidget):
    """Base of `PatientsPage`: what its edit buttons and Ctrl+N do."""

    _patients: PatientsApi
    _runner: TaskRunner
    _today: Callable[[], date]
    _reference: ReferenceApi | None
    search_box: QLineEdit
    record_view: PatientRecordView

    def refresh(self) -> None:
        raise NotImplementedError

    def open_patient(self, patient_id: int) -> None:
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    # ---- creating and editing -----------------------------------------------------------
    def new_patient(self) -> None:
        today = self._today()
        initial = draft_from_search(self.search_box.text(), today)
        result = PatientDialog.ask(self, self._patients, self._runner, today, initial=initial)
        if result is not None:
            self.refresh()
            self.open_patient(result.patient_id)

    def _edit_patient(self) -> None:
        record = self.record_view.record
        if record is None:
            return
        result = PatientDialog.ask(
            self, self._patients, self._runner, self._today(), patient=record.patient
        )
        if result is not None:
            self.refresh()
            self.open_patient(result.patient_id)

    def _reopen(self, _info: Any = None) -> None:
        record = self.record_view.record
        if record is not None:
            self.refresh()
            self.open_patient(record.patient.id)

    def _with_payers(self, then: Callable[[tuple[PayerOption, ...]], None]) -> None:
        if self._reference is None:
            then(())
            return
        reference = self._reference
        self._runner.submit(
            lambda: reference.payers(include_inactive=True), on_done=then, on_error=self._failed
        )

    def _add_coverage(self, payers: tuple[PayerOption, ...]) -> None:
        record = self.record_view.record
        if record is None:
            return
        rank = 1 if record.in_force(1) is None else 2 if record.in_force(2) is None else 3
        info = CoverageDialog.ask(
            self,
            self._patients,
            self._runner,
            self._today(),
            payers,
            patient_id=record.patient.id,
            default_priority=rank,
        )
        if info is not None:
            self._reopen()

    def _edit_coverage(self, payers: tuple[PayerOption, ...], coverage: CoverageInfo) -> None:
        info = CoverageDialog.ask(
            self,
            self._patients,
            self._runner,
            self._today(),
            payers,
            patient_id=coverage.patient_id,
            coverage=coverage,
        )
        if info is not None:
            self._reopen()

    def _end_coverage(self, coverage: CoverageInfo) -> None:
        info = EndCoverageDialog.ask(self, self._patients, self._runner, self._today(), coverage)
        if info is not None:
            self._reopen()
