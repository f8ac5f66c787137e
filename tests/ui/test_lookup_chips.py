"""The lookup's status column is loaded for the rows in view, after the names, and a keystroke
cancels chips still on their way; the model sorts itself when a header is clicked."""

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.patients.dtos import PatientSearchResult, PatientSearchRow
from ptdesk.ui.patients.patient_table_model import (
    COL_DOB,
    COL_STATUS,
    PATIENT_ID_ROLE,
    PatientTableModel,
)
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.tasks import TaskRunner
from tests.ui.auth_seed import TODAY, apis


def _row(pid: int) -> PatientSearchRow:
    return PatientSearchRow(pid, f"C{pid:04d}", f"Name{pid:03d}, Ann", f"Name{pid:03d}", "Ann",
                            date(1950 + pid % 50, 1, 1), 30, "", "Aetna", None, None, True)


class _Patients:
    """Answers every search with the same 100 rows (the service is tested on its own)."""

    def search(self, text: str, today: date, limit: int = 100) -> PatientSearchResult:
        return PatientSearchResult(text, tuple(_row(i) for i in range(1, 101)), more=True,
                                   kind="name")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_chips_are_asked_for_the_rows_in_view_only(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    auth = apis(sqlite_session_factory)
    asked: list[list[int]] = []
    assert auth.chips is not None
    real = auth.chips.statuses_for

    def statuses_for(ids: list[int], today: date) -> dict[int, StatusChipView]:
        asked.append(list(ids))
        return real(ids, today)

    auth.chips.statuses_for = statuses_for  # type: ignore[method-assign]
    page = PatientsPage(_Patients(), runner, today=lambda: TODAY, auth=auth)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.search_box.setText("nam")
    qtbot.waitUntil(lambda: page.model.rowCount() == 100)
    qtbot.waitUntil(lambda: bool(asked) and runner.pending == 0)
    first = set(asked[-1])
    assert 10 < len(first) < 60  # a screenful and a margin, not the 100 rows
    assert page.model.index(0, COL_STATUS).data() != "…"  # answered (no status tracked)
    assert page.model.index(99, COL_STATUS).data() == "…"  # not in view: not asked yet
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: 100 in {i for batch in asked for i in batch})
    qtbot.waitUntil(lambda: page.model.index(99, COL_STATUS).data() != "…")


def test_a_keystroke_cancels_the_chips_of_the_page_it_replaces(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    auth = apis(sqlite_session_factory)
    page = PatientsPage(_Patients(), runner, today=lambda: TODAY, auth=auth)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.search_box.setText("nam")
    qtbot.waitUntil(lambda: page.model.rowCount() == 100)
    assert page.chips is not None
    page.chips.later()
    page.search_box.setText("name")  # typed before the pause: no chips asked for
    assert not page.chips._timer.isActive()
    qtbot.waitUntil(lambda: page._shown_text == "name")
    qtbot.waitUntil(lambda: page.model.index(0, COL_STATUS).data() != "…")  # once it pauses


def test_the_model_sorts_itself_and_the_selection_follows_the_patient(qtbot: QtBot) -> None:
    model = PatientTableModel(with_status=True)
    model.set_rows(tuple(_row(i) for i in (3, 1, 2)))
    model.set_statuses({1: StatusChipView(Status.RED, Status.RED.icon_name, "Red", "")})
    from PySide6.QtWidgets import QTableView

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setCurrentIndex(model.index(0, 0))  # patient 3
    model.sort(COL_DOB, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data(PATIENT_ID_ROLE) for r in range(3)] == [3, 2, 1]
    model.sort(COL_STATUS, Qt.SortOrder.AscendingOrder)  # red first
    assert model.index(0, 0).data(PATIENT_ID_ROLE) == 1
    assert view.currentIndex().data(PATIENT_ID_ROLE) == 3
    model.sort(-1)  # the service's order again
    assert [model.index(r, 0).data(PATIENT_ID_ROLE) for r in range(3)] == [3, 1, 2]
    assert [r.patient_id for r in model.rows()] == [3, 1, 2]
    assert not model.set_rows(tuple(_row(i) for i in (3, 1, 2)))  # the same rows: no reset
