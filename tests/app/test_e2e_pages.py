"""One end-to-end test per page, on the window built exactly as `ptdesk --demo` builds it
(`parse_args` -> `open_context` -> `build_main_window`, the real clock, the demo clinic with
renewal requests in every state), each exercising the page's main action (issue 8).

The demo clinic is generated once per module; each test copies its data folder.
"""

import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.clock import local_now
from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.app.main import parse_args
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.renewal import RequestStatus
from ptdesk.domain.status import Status
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Authorization, AuthorizationRequest, Coverage, Patient, Visit
from ptdesk.ui.authorizations.renewal_dialog import DecisionDialog, RenewalDialog
from ptdesk.ui.main_window import MainWindow
from ptdesk.ui.patients.patient_table_model import PATIENT_ID_ROLE
from ptdesk.ui.theme import apply_theme

WAIT = 20_000  # ms; a ceiling for slow shared machines, never a timing assertion


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-data")
    ctx = open_context(parse_args(["--demo", "--data-dir", str(folder)]))
    ctx.close()
    return folder


@pytest.fixture
def ctx(demo_folder: Path, tmp_path: Path) -> Iterator[AppContext]:
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder)
    context = open_context(parse_args(["--demo", "--data-dir", str(folder)]))
    assert context.is_demo
    yield context
    context.close()


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)  # as run_gui does
    w = build_main_window(ctx)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _page(window: MainWindow, key: str) -> Any:
    return window.show_page(key)


def _with_dialog(kind: type[QDialog], fill: Callable[[Any], None]) -> None:
    """Fill the next modal dialog of `kind` when it opens and press Save. A dialog still
    open after WAIT is cancelled so a failing save fails the test instead of hanging it."""

    def run() -> None:
        d = QApplication.activeModalWidget()
        if not isinstance(d, kind):
            QTimer.singleShot(10, run)
            return
        fill(d)
        d.save_button.click()  # type: ignore[attr-defined]
        QTimer.singleShot(WAIT, d, d.reject)  # the timer dies with the dialog

    QTimer.singleShot(0, run)


def test_today_check_in_by_ctrl_i(qtbot: QtBot, window: MainWindow, ctx: AppContext) -> None:
    page = _page(window, "today")
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    booked = [r for r in page.view.rows if r.status is VisitStatus.BOOKED]
    assert booked, "the demo books visits for today"
    # a visit check-in lets through (a stop asks for an override: tests/ui/test_checkin_gui.py)
    target = next(r for r in reversed(booked) if r.chip is not None
                  and r.chip.status is Status.GREEN)
    row = page.model.row_of_visit(target.visit_id)
    page.table.setCurrentIndex(page.proxy.mapFromSource(page.model.index(row, 0)))
    page.focus_table()
    before = local_now()
    with qtbot.waitSignal(page.sig_checked_in, timeout=WAIT) as sig:
        qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert sig.args[0].id == target.visit_id
    with session_scope(ctx.session_factory) as s:
        v = s.get(Visit, target.visit_id)
        assert v is not None
        assert v.status is VisitStatus.CHECKED_IN
        assert v.checked_in_at is not None
        assert before - timedelta(seconds=1) <= v.checked_in_at <= local_now()
    qtbot.waitUntil(lambda: "checked in" in (page.message.text() + page.outcome.text()).lower(),
                    timeout=WAIT)


def _patient_with_request(ctx: AppContext, status: RequestStatus) -> tuple[int, str]:
    with session_scope(ctx.session_factory) as s:
        rows = s.execute(
            select(Patient.id, Patient.last_name)
            .join(Coverage, Coverage.patient_id == Patient.id)
            .join(AuthorizationRequest, AuthorizationRequest.coverage_id == Coverage.id)
            .where(AuthorizationRequest.status == status)
            .order_by(AuthorizationRequest.id)).all()
    return next((pid, last) for pid, last in rows if last.isascii())  # QTest types ASCII


def _open_by_search(qtbot: QtBot, window: MainWindow, pid: int, text: str) -> Any:
    """Ctrl+F, type, pick the patient, Enter: the record with its panel loaded."""
    find = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+F")
    find.trigger()
    page = window.page("patients")
    assert window.current_page_key() == "patients"
    with qtbot.waitSignal(page.sig_results_shown, timeout=WAIT,
                          check_params_cb=lambda t: t == text):
        qtbot.keyClicks(page.search_box, text)
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.index(r, 0).data(PATIENT_ID_ROLE) == pid)
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    panel = page.record_view.panel
    with qtbot.waitSignal(panel.sig_loaded, timeout=WAIT):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.current_record() is not None
    assert page.current_record().patient.id == pid
    return page


def test_patients_search_open_record_and_the_panel_shows(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    pid, last = _patient_with_request(ctx, RequestStatus.PENDING)
    page = _open_by_search(qtbot, window, pid, last)
    panel = page.record_view.panel
    assert panel.view.patient_id == pid
    assert panel.view.authorizations
    assert panel.cards
    assert any(r.status is RequestStatus.PENDING for r in panel.view.requests)
    qtbot.waitUntil(lambda: any(r.decide_button.isVisible() for r in panel.request_rows),
                    timeout=WAIT)  # rows added to a shown panel are shown by a queued call


def test_board_loads_with_requests_awaiting_a_decision(qtbot: QtBot,
                                                       window: MainWindow) -> None:
    page = _page(window, "board")
    qtbot.waitUntil(lambda: page.view is not None, timeout=WAIT)
    assert page.model.rowCount() > 0
    assert page.awaiting.rowCount() >= 4
    assert page.view.counts.requests_overdue >= 1
    assert page.overdue_tile.text()
    assert page.payers.rowCount() > 0
    page.overdue_tile.click()
    assert page.tabs.currentWidget() is page.awaiting_view
    assert "Awaiting decision" in page.tabs.tabText(2)


def test_settings_loads(qtbot: QtBot, window: MainWindow) -> None:
    tabs = _page(window, "settings")  # status bands, clinic details, fee schedules
    page = tabs.bands
    qtbot.waitUntil(lambda: page.scopes.count() > 1, timeout=WAIT)
    assert page.current() is not None
    assert page.defaults
    assert [tabs.tabs.tabText(i) for i in range(tabs.tabs.count())] == [
        "Status bands", "Clinic details", "Fee schedules", "Clinic hours", "Database"]


def test_renewal_recorded_and_decided_from_the_panel_then_the_board(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    """Issue 8 #1 through the real window: record a request (sent today, with the aware
    clock), see it on the panel and the board, approve it, see the authorization extended."""
    with session_scope(ctx.session_factory) as s:  # a patient in force with no request yet
        asked = select(AuthorizationRequest.coverage_id)
        rows = s.execute(
            select(Patient.id, Patient.last_name, Authorization.id, Authorization.end_date)
            .join(Coverage, Coverage.patient_id == Patient.id)
            .join(Authorization, Authorization.coverage_id == Coverage.id)
            .where(Authorization.start_date <= local_now().date(),
                   Authorization.end_date >= local_now().date(),
                   Authorization.authorized > 0, Coverage.id.not_in(asked))
            .order_by(Patient.id)).all()
    pid, last, aid, end = next(r for r in rows if r[1].isascii())
    page = _open_by_search(qtbot, window, pid, last)
    panel = page.record_view.panel
    card = next(c for c in panel.cards if c.card.authorization_id == aid)
    old_ids = {r.request_id for r in panel.view.requests}

    def fill_request(d: RenewalDialog) -> None:
        d.visits.setText("12")
        d.start_requested.setText((end + timedelta(days=1)).strftime("%m/%d/%Y"))
        d.end_requested.setText((end + timedelta(days=60)).strftime("%m/%d/%Y"))
        d.notes.setPlainText("Progress note: gait improving.")

    _with_dialog(RenewalDialog, fill_request)
    card.extend_button.click()  # returns when the dialog closes
    qtbot.waitUntil(lambda: any(r.request_id not in old_ids for r in panel.view.requests),
                    timeout=WAIT)
    new = [r for r in panel.view.requests if r.request_id not in old_ids]
    assert len(new) == 1
    assert new[0].status is RequestStatus.PENDING
    assert new[0].sent_at is not None
    assert new[0].due_at is not None
    assert not new[0].overdue

    board = _page(window, "board")
    qtbot.waitUntil(lambda: board.view is not None
                    and any(a.request_id == new[0].request_id for a in board.view.awaiting),
                    timeout=WAIT)

    window.show_page("patients")
    row = next(r for r in panel.request_rows if r.request.request_id == new[0].request_id)
    _with_dialog(DecisionDialog, lambda d: d.number.setText(""))  # approved as asked
    row.decide_button.click()  # returns when the dialog closes

    def now_shown() -> Any:
        return next(r for r in panel.view.requests if r.request_id == new[0].request_id)

    qtbot.waitUntil(lambda: now_shown().status is RequestStatus.APPROVED, timeout=WAIT)
    decided = now_shown()
    assert decided.resulting_authorization_id == aid  # extended, not added
    with session_scope(ctx.session_factory) as s:
        a = s.get(Authorization, aid)
        assert a is not None
        assert a.end_date == end + timedelta(days=60)

    board.refresh()
    qtbot.waitUntil(lambda: not any(a.request_id == new[0].request_id
                                    for a in board.view.awaiting), timeout=WAIT)
