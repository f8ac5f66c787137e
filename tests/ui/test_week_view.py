"""The Today page's week view on the window built as `ptdesk --demo` builds it, by keyboard:
Ctrl+Shift+W switches to it, arrows move between slots, PgDn/PgUp change the week, Alt+Down
the provider, Enter on a visit opens the patient, Enter on a free slot opens the booking
dialog for the patient whose record is open, pre-filled with the slot. Screenshot to
$PTDESK_SHOTS when set."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.clock import local_today
from ptdesk.app.context import AppContext
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.visits.series_dialog import BookSeriesDialog
from ptdesk.ui.visits.today_page import TodayPage
from ptdesk.ui.visits.week_view import WeekPanel
from tests.ui.desk import Desk

SHOTS = os.environ.get("PTDESK_SHOTS")
KEY, ALT = Qt.Key, Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_week_view_by_keyboard(qtbot: QtBot, ctx: AppContext, desk: Desk,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    window, errors = desk.window, desk.errors
    with session_scope(ctx.session_factory) as s:
        pid, prov = s.execute(select(Patient.id, Visit.provider_id).join(Visit)
                              .where(Patient.chart_number == "BK0001",
                                     Visit.visit_date > local_today())).first()  # type: ignore[misc]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    today = window.show_page("today")
    assert isinstance(today, TodayPage)
    assert not hasattr(today, "week")  # built on first use (start-up time)
    today.table.setFocus()
    qtbot.keyClick(today.table, KEY.Key_W, CTRL_SHIFT)
    week = today.week  # type: ignore[attr-defined]
    assert isinstance(week, WeekPanel)
    qtbot.waitUntil(lambda: week.isVisible() and week.model.view is not None, timeout=10000)
    assert not today.table.isVisible()
    # Nothing in the week's header widens the window past the desk's 1280 pixels, with a
    # fifth to spare for a desktop's wider fonts (under Xvfb the old header made it 1413).
    qtbot.waitUntil(lambda: week.provider.count() > 0, timeout=10000)
    assert window.minimumSizeHint().width() <= 1280 * 0.8
    assert window.width() == 1280
    view = week.model.view
    assert view is not None
    assert [d.weekday() for d in view.days] == [0, 1, 2, 3, 4, 5]
    assert week.model.rowCount() == len(view.hours.slots()) + 1  # + "No time"

    # Arrows move between slots.
    t = week.table
    t.setCurrentIndex(week.model.index(0, 0))
    qtbot.keyClick(t, KEY.Key_Down)
    qtbot.keyClick(t, KEY.Key_Right)
    assert (t.currentIndex().row(), t.currentIndex().column()) == (1, 1)

    # PgDn / PgUp: next and previous week.
    monday = view.monday
    qtbot.keyClick(t, KEY.Key_PageDown)
    qtbot.waitUntil(lambda: week.model.view is not None
                    and week.model.view.monday == monday + timedelta(days=7), timeout=10000)
    qtbot.keyClick(t, KEY.Key_PageUp)
    qtbot.waitUntil(lambda: week.model.view is not None
                    and week.model.view.monday == monday, timeout=10000)
    # Next week, with the provider of the demo's series (Alt+Down through the list).
    qtbot.keyClick(t, KEY.Key_PageDown)
    for _ in range(week.provider.count()):
        if week.provider_id == prov and week.model.view.monday > monday:  # type: ignore[union-attr]
            break
        before = week.provider_id
        qtbot.keyClick(t, KEY.Key_Down, ALT)
        qtbot.waitUntil(lambda b=before: week.model.view is not None  # type: ignore[misc]
                        and week.model.view.provider_id != b, timeout=10000)
    qtbot.waitUntil(lambda: week.model.view is not None and week.model.view.provider_id == prov
                    and week.model.view.monday > monday, timeout=10000)
    cells = [(r, c) for r in range(week.model.rowCount()) for c in range(6)
             if "Quintero R." in (week.model.index(r, c).data() or "")]
    assert cells, "the demo series shows in its provider's week"
    free = next((r, c) for r in range(week.model.rowCount() - 1) for c in range(5)
                if week.model.index(r, c).data() == "free")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / "week_view.png"))

    # Enter on a visit opens the patient; a slot holding several patients lists them first
    # (the arrows and Enter pick one).
    patients = window.show_page("patients")
    assert isinstance(patients, PatientsPage)
    rv = patients.record_view
    window.show_page("today")
    qtbot.waitUntil(lambda: week.isVisible() and t.isVisible(), timeout=5000)
    slots = [(r, c) for r in range(week.model.rowCount()) for c in range(6)]
    single = next(rc for rc in slots if len(week.model.visits_at(*rc)) == 1)
    shared = next(rc for rc in slots if len(week.model.visits_at(*rc)) >= 2)  # in the demo
    for cell in (single, shared):
        visits = week.model.visits_at(*cell)
        week.chooser = None
        t.setCurrentIndex(week.model.index(*cell))
        qtbot.keyClick(t, KEY.Key_Return)
        if len(visits) > 1:
            menu = week.chooser
            assert menu is not None
            qtbot.waitUntil(menu.isVisible, timeout=5000)
            if SHOTS:
                menu.grab().save(str(Path(SHOTS) / "week_slot_chooser.png"))
            labels = [a.text() for a in menu.actions()]
            assert [v.short_name in s for v, s in zip(visits, labels, strict=True)] == [
                True] * len(visits)
            qtbot.keyClick(menu, KEY.Key_Down)
            qtbot.keyClick(menu, KEY.Key_Return)
            want = visits[1].patient_id
        else:
            assert week.chooser is None
            want = visits[0].patient_id
        qtbot.waitUntil(lambda w=want: rv.record is not None  # type: ignore[misc]
                        and rv.record.patient.id == w, timeout=10000)
        window.show_page("today")
        qtbot.waitUntil(lambda: week.isVisible() and t.isVisible(), timeout=5000)
    assert pid in {v.patient_id for v in week.model.visits_at(*cells[0])}

    # Back on Today, Enter on a free slot: the booking dialog for that patient, pre-filled.
    asked: list[BookSeriesDialog] = []
    monkeypatch.setattr(BookSeriesDialog, "exec", lambda d: asked.append(d) or 0)
    window.show_page("today")
    qtbot.waitUntil(lambda: week.isVisible() and t.isVisible(), timeout=5000)
    t.setCurrentIndex(week.model.index(*free))
    qtbot.keyClick(t, KEY.Key_Return)
    assert len(asked) == 1
    d = asked[0]
    day, at = week.model.slot_at(*free)
    assert d.day.value() == day
    assert d.provider.currentData() == prov
    assert d.at.text().startswith(f"{(at.hour % 12) or 12}:{at.minute:02d}")  # type: ignore[union-attr]
    assert rv.record is not None
    assert rv.record.patient.last_name in d.windowTitle()

    # Ctrl+Shift+W back to the day's list.
    window.raise_()
    window.activateWindow()
    QApplication.setActiveWindow(window)  # offscreen: the stubbed dialog left no active window
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    t.setFocus()
    qtbot.keyClick(t, KEY.Key_W, CTRL_SHIFT)
    assert today.table.isVisible()
    assert not week.isVisible()
    assert not errors
