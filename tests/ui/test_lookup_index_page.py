"""The Patients page has the lookup's keys loaded into memory, a part per task on the worker,
and searches meanwhile; a failed load is a log line, not a dialog (issue 9 #3)."""

import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.patients import search as patient_search
from ptdesk.services.patients.dtos import PatientDraft, PatientSearchResult, PatientSearchRow
from ptdesk.services.patients.records import PatientService
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.tasks import TaskRunner

TODAY = date(2026, 3, 10)


def _row(pid: int) -> PatientSearchRow:
    return PatientSearchRow(pid, f"C{pid:04d}", f"Name{pid:03d}, Ann", f"Name{pid:03d}", "Ann",
                            date(1950, 1, 1), 76, "", "Aetna", None, None, True)


class _Patients:
    """Loads its index in three parts (or fails to); answers every search with one row."""

    def __init__(self, fail: bool = False) -> None:
        self.parts = 0
        self.fail = fail
        self.searched: list[str] = []

    def prepare_lookup(self) -> bool:
        if self.fail:
            raise OSError("the database went away")
        self.parts += 1
        return self.parts == 3

    def search(self, text: str, today: date, limit: int = 100) -> PatientSearchResult:
        self.searched.append(text)
        return PatientSearchResult(text, (_row(1),), kind="name")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def _page(qtbot: QtBot, patients: Any, runner: TaskRunner) -> PatientsPage:
    page = PatientsPage(patients, runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    return page


def test_the_index_loads_in_parts_and_typing_searches_meanwhile(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    patients = _Patients()
    page = _page(qtbot, patients, runner)
    page.search_box.setText("nam")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and runner.pending == 0)
    assert patients.parts == 3  # asked again until done, then never again
    assert patients.searched == ["nam"]


def test_a_failed_load_is_logged_and_searches_go_on(
    qtbot: QtBot, runner: TaskRunner, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[BaseException] = []
    monkeypatch.setattr("ptdesk.ui.error_dialog.report_unexpected",
                        lambda _t, exc, *_a: shown.append(exc))
    caplog.set_level(logging.WARNING)
    page = _page(qtbot, _Patients(fail=True), runner)
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert "lookup index could not be loaded: OSError" in caplog.text
    assert shown == []
    page.search_box.setText("nam")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)


def test_typing_answers_from_the_index_and_sees_other_desks(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    other = PatientService(sqlite_session_factory)  # another desk
    for last in ("Smith", "Smithers", "Jones"):
        other.create_patient(PatientDraft(last_name=last, first_name="Ann",
                                          date_of_birth=date(1960, 1, 1)), TODAY)
    page = _page(qtbot, PatientService(sqlite_session_factory), runner)
    qtbot.waitUntil(lambda: runner.pending == 0)

    def refuse(shape: tuple[int, ...]) -> None:
        raise AssertionError("searched through SQL")

    monkeypatch.setattr(patient_search, "_count_statement", refuse)
    page.search_box.setText("smi")
    qtbot.waitUntil(lambda: page._shown_text == "smi" and not page._searching)
    assert page.model.rowCount() == 2
    added = other.create_patient(PatientDraft(last_name="Smithson", first_name="Bo",
                                              date_of_birth=date(1970, 1, 1)), TODAY)
    page.search_box.setText("smith")
    qtbot.waitUntil(lambda: page._shown_text == "smith" and not page._searching)
    assert [page.model.row_at(r).patient_id for r in range(page.model.rowCount())][-1] == added.id
    assert page.model.rowCount() == 3
