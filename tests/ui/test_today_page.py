"""The Today page with a real database and task runner: the day's visits in time order with
their chips, check-in from the keyboard, another day, opening the patient and the session."""

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import VisitStatus
from ptdesk.services.visits.dtos import VisitDraft, VisitView
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.session_billing import SessionBillingService
from ptdesk.services.visits.session_dtos import SessionContext
from ptdesk.services.visits.today import TodayService
from ptdesk.ui.session.session_form import SessionForm
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.today_model import (
    COL_COVERAGE,
    COL_PATIENT,
    COL_STATUS,
    COL_TIME,
    COL_VISIT,
    TodayModel,
)
from ptdesk.ui.visits.today_page import TodayPage
from tests.services.auth_fixtures import TODAY, make_clinic


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def factory(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    return session_factory


@pytest.fixture
def booked(factory: sessionmaker[Session]) -> dict[str, int]:
    c = make_clinic(factory)
    visits = VisitService(factory)
    late = visits.book(VisitDraft(c.patient_id, TODAY, c.coverage_id, time(14, 0)))
    early = visits.book(VisitDraft(c.medicare_patient_id, TODAY, c.medicare_coverage_id,
                                   time(8, 30)))
    tomorrow = visits.book(VisitDraft(c.patient_id, date(2026, 3, 17), c.coverage_id,
                                      time(10, 0)))
    return {"late": late.id, "early": early.id, "tomorrow": tomorrow.id,
            "medicare_patient": c.medicare_patient_id}


@pytest.fixture
def page(qtbot: QtBot, factory: sessionmaker[Session], runner: TaskRunner,
         booked: dict[str, int]) -> TodayPage:
    opened: list[int] = []
    p = TodayPage(TodayService(factory), VisitService(factory), SessionBillingService(factory),
                  runner, today=lambda: TODAY,
                  now=lambda: datetime(2026, 3, 16, 8, 20).astimezone(), open_patient=opened.append)
    p.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(p)
    p.resize(1100, 600)
    p.show()
    qtbot.waitExposed(p)
    qtbot.waitUntil(lambda: p.view is not None, timeout=3000)
    return p


def test_lists_the_day_in_time_order(page: TodayPage) -> None:
    m = page.proxy
    assert m.rowCount() == 2
    assert m.index(0, COL_TIME).data() == "8:30 AM"
    assert m.index(0, COL_PATIENT).data() == "Okafor, Ben"
    assert m.index(0, COL_COVERAGE).data() == "Medicare Part B"
    assert m.index(1, COL_TIME).data() == "2:00 PM"
    assert m.index(0, COL_VISIT).data() == "Booked"
    assert m.index(0, COL_STATUS).data()  # the chip's words
    assert "2 visits" in page.counts.text()
    assert "2 to check in" in page.counts.text()


def test_check_in_from_the_keyboard(qtbot: QtBot, page: TodayPage,
                                    factory: sessionmaker[Session],
                                    booked: dict[str, int]) -> None:
    page.focus_table()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected_visit_id() == booked["late"]
    with qtbot.waitSignal(page.sig_checked_in, timeout=3000):
        qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.proxy.index(1, COL_VISIT).data() == "✓ Checked in",
                    timeout=3000)
    assert VisitService(factory).get(booked["late"]).status is VisitStatus.CHECKED_IN
    assert page.selected_visit_id() == booked["late"]  # the selection stays
    assert "checked in" in page.message.text()
    assert not page.check_in_button.isEnabled()


def test_enter_opens_the_patient(qtbot: QtBot, page: TodayPage,
                                 booked: dict[str, int]) -> None:
    page.focus_table()
    with qtbot.waitSignal(page.sig_patient_requested, timeout=1000) as sig:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert sig.args == [booked["medicare_patient"]]
    assert page.opened == [booked["medicare_patient"]]  # type: ignore[attr-defined]


def test_another_day(qtbot: QtBot, page: TodayPage, booked: dict[str, int]) -> None:
    page.focus_table()
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        qtbot.keyClick(page.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert page.day == date(2026, 3, 17)
    assert page.proxy.rowCount() == 1
    assert page.selected_visit_id() == booked["tomorrow"]
    assert page.title.text() == "Day"
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        page.go_today()
    assert page.proxy.rowCount() == 2


def test_record_session_opens_the_form(qtbot: QtBot, page: TodayPage,
                                       monkeypatch: pytest.MonkeyPatch,
                                       booked: dict[str, int]) -> None:
    seen: list[SessionContext] = []

    def fake_ask(_billing: object, _visits: object, _runner: object, context: SessionContext,
                 _parent: object) -> VisitView | None:
        seen.append(context)
        return None

    monkeypatch.setattr(SessionForm, "ask", staticmethod(fake_ask))
    page.focus_table()
    qtbot.keyClick(page.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen[0].visit_id == booked["early"]
    assert seen[0].patient_name == "Okafor, Ben"


def test_today_model_under_modeltester(qtmodeltester: object, page: TodayPage) -> None:
    model = TodayModel()
    assert page.view is not None
    model.set_rows(page.view.rows)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_today_reloads_when_another_desk_changes_something(
    qtbot: QtBot, page: TodayPage
) -> None:
    """The page polls the shared change counter and reloads the day when it moved."""
    token = {"value": 1}
    page._change_token = lambda: token["value"]
    page.poll()
    qtbot.waitUntil(lambda: page._last_token == 1)
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        token["value"] = 2
        page.poll()


def test_ctrl_i_checks_in_the_chosen_visit_when_a_refresh_lands_in_between(
    qtbot: QtBot, page: TodayPage, factory: sessionmaker[Session], booked: dict[str, int]
) -> None:
    """Issue 8 #2: the change-token poll reloads the day while the receptionist moves to
    another visit; the reload (which also inserts an earlier visit booked at another desk)
    must not move the selection back, and Ctrl+I checks in the visit now chosen."""
    page.focus_table()
    assert page.selected_visit_id() == booked["early"]
    other_desk = VisitService(factory).book(VisitDraft(
        booked["medicare_patient"], TODAY, None, time(7, 0)))
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        page.refresh()  # what the poll does when the token moved
        qtbot.keyClick(page.table, Qt.Key.Key_Down)  # before the reload lands
        assert page.selected_visit_id() == booked["late"]
    assert page.proxy.rowCount() == 3  # the other desk's visit is in, at the top
    assert page.selected_visit_id() == booked["late"]
    with qtbot.waitSignal(page.sig_checked_in, timeout=3000) as sig:
        qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert sig.args[0].id == booked["late"]
    visits = VisitService(factory)
    assert visits.get(booked["late"]).status is VisitStatus.CHECKED_IN
    assert visits.get(booked["early"]).status is VisitStatus.BOOKED
    assert visits.get(other_desk.id).status is VisitStatus.BOOKED


def test_a_refresh_keeps_the_chosen_visit_where_it_was_on_screen(
    qtbot: QtBot, page: TodayPage, factory: sessionmaker[Session], booked: dict[str, int]
) -> None:
    visits = VisitService(factory)
    many = [visits.book(VisitDraft(booked["medicare_patient"], TODAY, None,
                                   time(9 + i // 4, (i % 4) * 15))).id for i in range(20)]
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        page.refresh()
    page.resize(900, 300)
    chosen = many[14]
    row = page.proxy.mapFromSource(page.model.index(page.model.row_of_visit(chosen) or 0, 0))
    page.table.setCurrentIndex(row)
    page.table.scrollTo(row, page.table.ScrollHint.PositionAtCenter)
    y_before = page.table.rowViewportPosition(row.row())
    visits.book(VisitDraft(booked["medicare_patient"], TODAY, None, time(6, 0)))
    with qtbot.waitSignal(page.sig_loaded, timeout=3000):
        page.refresh()
    assert page.selected_visit_id() == chosen
    now_row = page.table.currentIndex().row()
    assert now_row == row.row() + 1
    assert page.table.rowViewportPosition(now_row) == y_before
