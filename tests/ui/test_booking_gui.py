"""Booking a series on the window built exactly as `ptdesk --demo` builds it (app/gui.py):
Ctrl+B on the record opens the booking dialog; a 6-week series past the authorization names
the uncovered dates before saving, Save is refused until "book anyway" is ticked, and the
visits booked anyway are marked on the record. Screenshots to $PTDESK_SHOTS when set."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ptdesk.app.context import AppContext
from ptdesk.domain.booking import OUTSIDE_MARK
from ptdesk.services.patients.dtos import CoverageInfo, ProviderOption
from ptdesk.services.visits.booking import BookingApi, SeriesBooked
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.patients.record_models import VisitTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.series_dialog import WEEKS, BookSeriesDialog
from tests.ui.desk import Desk, shot

TUE, FRI = 1, 4


def _patient(ctx: AppContext, chart: str) -> int:
    with session_scope(ctx.session_factory) as s:
        return int(s.execute(select(Patient.id).where(Patient.chart_number == chart)).scalar_one())


def _visits(ctx: AppContext, pid: int) -> int:
    with session_scope(ctx.session_factory) as s:
        return int(s.execute(select(func.count()).select_from(Visit)
                             .where(Visit.patient_id == pid)).scalar_one())


def test_series_past_the_authorization_names_dates_and_books_marked(
    qtbot: QtBot, ctx: AppContext, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, errors = desk.window, desk.errors
    pid = _patient(ctx, "BK0001")  # the demo's series past its authorization
    before = _visits(ctx, pid)
    patients = window.show_page("patients")
    assert isinstance(patients, PatientsPage)
    patients.open_patient(pid)
    rv = patients.record_view
    qtbot.waitUntil(lambda: rv.record is not None and rv.record.patient.id == pid,
                    timeout=10000)
    # The demo's own series: its visits after the authorization ends are marked already.
    qtbot.waitUntil(lambda: any(OUTSIDE_MARK in (rv.upcoming.index(r, 1).data() or "")
                                for r in range(rv.upcoming.rowCount())), timeout=10000)

    seen: dict[str, object] = {}

    def drive(cls: type[BookSeriesDialog], parent: QWidget | None, booking: BookingApi,
              service: object, runner: TaskRunner, today: date,
              patient_id: int, coverages: tuple[CoverageInfo, ...],
              providers: tuple[ProviderOption, ...]) -> SeriesBooked | None:
        seen["asked"] = True
        d = BookSeriesDialog(booking, service, runner, today,  # type: ignore[arg-type]
                             patient_id, coverages, providers, parent)
        d.resize(720, 640)
        d.show()
        qtbot.waitExposed(d)
        monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
        d.day.set_value(monday)
        d.at.setText("11:00")
        d.provider.setCurrentIndex(1)
        d.days[TUE].setChecked(True)
        d.days[FRI].setChecked(True)
        d.repeat.setCurrentIndex(d.repeat.findData(WEEKS))
        d.number.setValue(6)
        qtbot.waitUntil(lambda: d.preview_value is not None
                        and d.preview_value.request == d.request(), timeout=10000)
        p = d.preview_value
        assert p is not None
        # 12 Tue/Fri dates; Christmas and New Year's Day (both Fridays) are skipped. The
        # authorization's 12 visits run out (earlier dates draw first) and it ends Jan 3:
        # the dates outside are named with why.
        assert len(p.visits) + len(p.skipped) == 12
        assert 0 < p.outside_count <= len(p.visits)
        text = d.summary.text()
        assert "past the authorization's 12 visits" in text
        assert "after the authorization ends" in text
        assert d.table.rowCount() == 12
        statuses = [d.table.item(r, 2).text() for r in range(12)]
        assert sum(t.startswith("Not covered") for t in statuses) == p.outside_count
        assert d.anyway.isVisible()
        shot(d, "series_dialog_warnings")
        d.save_button.click()  # refused: not ticked
        assert d.booked is None
        assert "anyway" in d.status.text()
        assert _visits(ctx, pid) == before
        d.anyway.setChecked(True)
        d.save_button.click()
        qtbot.waitUntil(lambda: d.booked is not None, timeout=10000)
        seen["booked"] = d.booked
        return d.booked

    monkeypatch.setattr(BookSeriesDialog, "ask_series", classmethod(drive))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    rv.upcoming_view.setFocus()
    qtbot.keyClick(rv.upcoming_view, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "asked" in seen, timeout=10000)
    qtbot.waitUntil(lambda: "booked" in seen, timeout=20000)
    booked = seen["booked"]
    assert isinstance(booked, SeriesBooked)
    assert 0 < booked.marked <= len(booked.visit_ids)
    assert _visits(ctx, pid) == before + len(booked.visit_ids)
    # The record reloads at once: the new Tuesdays show (the demo's series is Mon/Thu), and
    # the visits booked outside say so on the visit (the record lists the next 12).
    qtbot.waitUntil(lambda: any((rv.upcoming.index(r, 0).data() or "").startswith("Tue")
                                for r in range(rv.upcoming.rowCount())), timeout=10000)
    marked = [rv.upcoming.index(r, VisitTableModel.COL_STATUS).data() or ""
              for r in range(rv.upcoming.rowCount())]
    assert any(OUTSIDE_MARK in m for m in marked)
    shot(window, "record_marked")
    assert not errors
