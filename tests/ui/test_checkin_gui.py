"""Check-in on the window built exactly as `ptdesk --demo` builds it (ptdesk/app/gui.py):
Ctrl+I on the Red-expired demo patient is stopped; the override dialog will not save without
a reason (and a reference for a phone confirmation); the reason is on the visit (Today row,
the record's visits) and counted on the board; the overrides report lists it. Screenshots of
each state are written to $PTDESK_SHOTS when set (1280x800)."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ptdesk.app.clock import local_now
from ptdesk.app.context import AppContext
from ptdesk.domain.overrides import OverrideReason
from ptdesk.services.visits.checkin_dtos import CheckInApi, CheckInResult, CheckInView
from ptdesk.ui.board.board_page import BoardPage
from ptdesk.ui.board.overrides_report import OverridesDialog
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.override_dialog import OverrideDialog
from ptdesk.ui.visits.today_model import COL_PATIENT, COL_VISIT
from ptdesk.ui.visits.today_page import TodayPage
from tests.ui.desk import Desk, shot


def _row_of(page: TodayPage, name: str) -> int:
    for r in range(page.proxy.rowCount()):
        if name in (page.proxy.index(r, COL_PATIENT).data() or ""):
            return r
    raise AssertionError(f"{name} is not on the Today page")


def test_stop_override_and_board(qtbot: QtBot, ctx: AppContext, tmp_path: Path, desk: Desk,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    window, errors = desk.window, desk.errors
    today = window.show_page("today")
    assert isinstance(today, TodayPage)
    qtbot.waitUntil(lambda: today.view is not None and today.proxy.rowCount() > 0,
                    timeout=10000)
    row = _row_of(today, "Albright, Nora")  # the demo's Red-expired patient
    today.table.setCurrentIndex(today.proxy.index(row, COL_PATIENT))
    today.focus_table()

    # 1. Stopped: the dialog is asked, the patient is not checked in when it is cancelled.
    asked: list[CheckInView] = []

    def cancel(parent: QWidget | None, api: CheckInApi, runner: TaskRunner,
               view: CheckInView, now: object, by: str = "") -> CheckInResult | None:
        asked.append(view)
        dialog = OverrideDialog(api, runner, view, local_now, by, parent)
        dialog.adjustSize()
        shot(dialog, "override_dialog")
        # It opens as wide as it asks for (the wrapped intro kept it at ~400 px before).
        assert dialog.width() >= 600
        # No reason chosen: Save refuses and says so next to the field.
        dialog.by.setText("JD")
        dialog.save_button.click()
        assert dialog.result_value is None
        assert "Choose why" in dialog.form.errors["reason"].text()
        # A phone confirmation needs its reference number.
        dialog.radios[OverrideReason.PHONE_CONFIRMED].setChecked(True)
        dialog.save_button.click()
        assert "reference" in dialog.form.errors["detail"].text()
        shot(dialog, "override_dialog_errors")
        dialog.reject()
        return None

    monkeypatch.setattr(OverrideDialog, "ask", classmethod(
        lambda cls, *a, **k: cancel(*a, **k)))
    qtbot.keyClick(today.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert asked[0].stopped
    assert asked[0].stop_rules == ("stop.auth_expired",)
    qtbot.waitUntil(lambda: today.outcome.text().endswith("Not checked in."), timeout=5000)
    assert today.outcome.chip is not None
    assert today.outcome.chip.status.value == "red"
    shot(window, "today_stopped")
    assert "Booked" in today.proxy.index(_row_of(today, "Albright"), COL_VISIT).data()

    # 2. Overridden with a reason: checked in, the reason on the visit.
    def give_reason(parent: QWidget | None, api: CheckInApi, runner: TaskRunner,
                    view: CheckInView, now: object, by: str = "") -> CheckInResult | None:
        dialog = OverrideDialog(api, runner, view, local_now, by, parent)
        dialog.radios[OverrideReason.PHONE_CONFIRMED].setChecked(True)
        dialog.detail.setText("REF-4471")
        dialog.by.setText("JD")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
        return dialog.result_value

    monkeypatch.setattr(OverrideDialog, "ask", classmethod(
        lambda cls, *a, **k: give_reason(*a, **k)))
    today.table.setCurrentIndex(today.proxy.index(_row_of(today, "Albright"), COL_PATIENT))
    with qtbot.waitSignal(today.sig_checked_in, timeout=10000):
        qtbot.keyClick(today.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "at risk" in (today.proxy.index(
        _row_of(today, "Albright"), COL_VISIT).data() or ""), timeout=10000)
    tip = today.proxy.index(_row_of(today, "Albright"), COL_VISIT).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "Payer confirmed by phone: ref REF-4471, by Test manager" in tip
    assert "checked in at risk" in today.outcome.text()
    shot(window, "today_overridden")

    # 3. Counted on the board (the demo's visit at risk this week, and this one).
    board = window.show_page("board")
    assert isinstance(board, BoardPage)
    qtbot.waitUntil(lambda: bool(errors) or (board.view is not None
                                             and board.view.at_risk_week >= 2), timeout=20000)
    assert not errors
    n = board.view.at_risk_week
    assert board.at_risk_tile.text().startswith(f"{n}  visits treated at risk")
    shot(window, "board_at_risk")
    board.tabs.setCurrentWidget(board.plans_view)
    assert board.plans.rowCount() >= 2
    shot(window, "board_plan_of_care")

    # 4. The plan of care on the panel of the demo's Medicare patient past recertification.
    patient = next(r.patient_id for r in today.model.rows()
                   if r.patient_name.startswith("Halvorsen"))
    patients = window.show_page("patients")
    assert isinstance(patients, PatientsPage)
    patients.open_patient(patient)
    panel = patients.record_view.panel
    assert panel is not None
    qtbot.waitUntil(lambda: bool(panel.plan_cards) and panel.view is not None, timeout=10000)
    card = panel.plan_cards[0]
    assert card.plan.recert_overdue
    assert "recertification overdue" in card.chip.text()
    assert panel.chip.text().startswith("Red")  # the patient's chip carries it too
    qtbot.waitUntil(lambda: card.isVisible() and card.height() > 100
                    and panel.chip.isVisible(), timeout=10000)
    shot(window, "panel_plan_of_care")
    # Ctrl+I on the patient's screen: today's visit, the same decision (a stop: recert).
    monkeypatch.setattr(OverrideDialog, "ask", classmethod(lambda cls, *a, **k: None))
    rv = patients.record_view
    assert rv.check_in_flow is not None
    window.activateWindow()  # the dialogs above were made and closed without being shown
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    rv.upcoming_view.setFocus()
    qtbot.keyClick(rv.upcoming_view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "past its certification" in rv.outcome.text(), timeout=10000)
    qtbot.waitUntil(lambda: rv.outcome.isVisible() and rv.outcome.height() > 10, timeout=5000)
    shot(window, "record_stopped")

    # 5. The overrides report lists it.
    checkin = board._checkin
    assert checkin is not None
    report = OverridesDialog(checkin, board._runner, local_now().date(), window)
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: len(report.rows) >= 2, timeout=10000)
    assert any(r.detail == "REF-4471" and r.by == "Test manager" for r in report.rows)
    # The demo's session completed over the engine's errors is listed too, and says so.
    kinds = {report.model.index(r, 3).data() for r in range(report.model.rowCount())}
    assert kinds == {"Check-in over a stop", "Session over errors"}
    assert report.empty.text().endswith("over a stop, 1 session over errors.")
    shot(report, "overrides_report")
    out = tmp_path / "overrides.csv"
    report.save_csv(str(out))
    text = out.read_text(encoding="utf-8")
    assert "phone_confirmed,REF-4471,Test manager" in text
    assert "stop.auth_expired" in text
    assert ",session\n" in text.replace("\r\n", "\n")
    report.save_pdf(str(tmp_path / "overrides.pdf"))
    assert (tmp_path / "overrides.pdf").read_bytes().startswith(b"%PDF")
