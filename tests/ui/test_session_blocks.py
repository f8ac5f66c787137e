"""The session form refuses a denial (issue 10 item 3) and a correction keeps the old version
(item 5), on the window built as `ptdesk --demo` builds it (ptdesk/app/gui.py): a 97164 without
its reason and an MUE excess block "Complete visit" until overridden with a reason, stored with
the visit like a check-in override. Screenshots go to $PTDESK_SHOTS when set (1280x800)."""

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.context import AppContext
from ptdesk.app.gui import build_main_window
from ptdesk.domain.overrides import OverrideKind, OverrideReason
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.visit_history import ReevalReason
from ptdesk.services.visits.history import VisitHistoryService
from ptdesk.services.visits.session_dtos import SessionContext, SessionRow, TodayVisitRow
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, Patient, Visit, VisitOverride
from ptdesk.ui.session.session_form import SessionForm
from ptdesk.ui.session.session_override import SessionOverrideDialog
from ptdesk.ui.session.visit_history_dialog import VisitHistoryDialog
from ptdesk.ui.visits.today_model import COL_PATIENT
from ptdesk.ui.visits.today_page import TodayPage
from ptdesk.ui.widgets.date_field import format_date

SHOTS = os.environ.get("PTDESK_SHOTS")


def shot(w: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        w.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _open_form(qtbot: QtBot, today: TodayPage, row: int, monkeypatch: pytest.MonkeyPatch,
               forms: list[SessionForm]) -> SessionForm:
    def ask(cls: type[SessionForm], billing: object, visits: object, runner: object,
            context: SessionContext, parent: QWidget | None = None) -> None:
        form = cls(billing, visits, runner, context, None)  # type: ignore[arg-type]
        qtbot.addWidget(form)
        form.resize(1280, 800)
        form.show()
        forms.append(form)

    monkeypatch.setattr(SessionForm, "ask", classmethod(ask))
    n = len(forms)
    today.table.setCurrentIndex(today.proxy.index(row, COL_PATIENT))
    today.record_session()
    qtbot.waitUntil(lambda: len(forms) > n, timeout=10000)
    return forms[-1]


def _enter(form: SessionForm, *rows: SessionRow) -> None:
    form.model.set_entries(rows)
    form.recompute()


def test_form_blocks_until_overridden_and_correction_keeps_old(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    _body(qtbot, ctx, monkeypatch)


def _body(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    window = build_main_window(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    today = window.show_page("today")
    assert isinstance(today, TodayPage)
    qtbot.waitUntil(lambda: today.view is not None and today.proxy.rowCount() > 0,
                    timeout=10000)
    def at(r: int) -> TodayVisitRow:
        return today.model.row_at(today.proxy.mapToSource(today.proxy.index(r, 0)).row())

    # A Medicare visit: there the daily MUE is an error (elsewhere the payer's policy decides).
    row = next(r for r in range(today.proxy.rowCount())
               if at(r).status in (VisitStatus.BOOKED, VisitStatus.CHECKED_IN)
               and at(r).payer_kind is PayerKind.MEDICARE)
    forms: list[SessionForm] = []
    form = _open_form(qtbot, today, row, monkeypatch, forms)
    visit_id = form._context.visit_id

    # 1. A re-evaluation without its reason: an error, the reason field shows, saving refuses.
    _enter(form, SessionRow("97164", 30, 0))
    assert form.facts.reeval.isVisibleTo(form)
    assert form.preview is not None
    assert any(f.rule == "REEVAL_REASON_MISSING" and f.is_error for f in form.preview.findings)
    form.save()
    assert form.message.isVisibleTo(form)
    assert "denied" in form.message.text()
    assert form.override_button.isVisibleTo(form)
    shot(form, "session_form_blocked")
    form.facts.reeval.setCurrentIndex(form.facts.reeval.findData(ReevalReason.NO_RESPONSE.value))
    assert not any(f.rule == "REEVAL_REASON_MISSING" for f in form.preview.findings)

    # 2. Units above the daily MUE (97110: 6): blocked, then completed over it with a reason.
    _enter(form, SessionRow("97110", 120, 0))
    assert any(f.rule == "MUE_EXCEEDED" and f.is_error for f in form.preview.findings), (
        form._context.payer_kind, [(f.rule, f.severity) for f in form.preview.findings],
        [(ln.code, ln.units) for ln in form.preview.lines])
    form.facts.diagnoses.setText("M54.50 M25.561")
    form.save()
    assert "denied" in form.message.text()
    with session_scope(ctx.session_factory) as s:
        assert s.get(Visit, visit_id).status is not VisitStatus.COMPLETED  # type: ignore[union-attr]

    def drive(dialog: SessionOverrideDialog) -> int:
        dialog.by.setText("JD")
        dialog._save_clicked()  # no reason yet: refused, next to the field
        assert dialog.result_value is None
        assert dialog.form.errors["reason"].text()
        dialog.radios[OverrideReason.OTHER].setChecked(True)
        assert not dialog.form.errors["reason"].text()  # a reason chosen: its message goes
        dialog.detail.setText("Documented 120 min; payer contract allows it")
        dialog.adjustSize()
        shot(dialog, "session_override")
        dialog._save_clicked()
        return 1

    monkeypatch.setattr(SessionOverrideDialog, "exec", drive)
    form.override_errors()
    qtbot.waitUntil(lambda: form.saved is not None, timeout=10000)
    with session_scope(ctx.session_factory) as s:
        v = s.get(Visit, visit_id)
        assert v is not None
        assert v.status is VisitStatus.COMPLETED
        o = s.execute(select(VisitOverride).where(VisitOverride.visit_id == visit_id,
                                                  VisitOverride.kind == OverrideKind.SESSION)
                      ).scalar_one()
        assert o.rules == "MUE_EXCEEDED"
        assert o.by == "JD"

    # 3. A correction: the form asks who and why; the old version is kept.
    today.refresh()
    qtbot.waitUntil(lambda: today.proxy.rowCount() > row, timeout=10000)
    row = next(r for r in range(today.proxy.rowCount()) if at(r).visit_id == visit_id)
    form = _open_form(qtbot, today, row, monkeypatch, forms)
    assert form.facts.correcting
    _enter(form, SessionRow("97110", 45, 0))
    form.save()
    assert "why" in form.message.text()
    form.facts.why.setText("Minutes were 45, not 120")
    form.facts.by.setText("JD")
    form.save()
    qtbot.waitUntil(lambda: form.saved is not None, timeout=10000)
    h = VisitHistoryService(ctx.session_factory).history(visit_id)
    (old,) = h.versions
    assert [(ln.code, ln.minutes) for ln in old.content.lines] == [("97110", 120)]
    assert old.why == "Minutes were 45, not 120"
    assert old.by == "JD"
    assert [(ln.code, ln.minutes) for ln in h.current.lines] == [("97110", 45)]

    dialog = VisitHistoryDialog(h)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    text = dialog.view.toPlainText()
    assert "Minutes were 45, not 120" in text
    assert "97110: 120 → 45 min" in text
    shot(dialog, "visit_history")
    # Whose visit it is, on screen and on paper; Ctrl+P prints it and the trail says so.
    with session_scope(ctx.session_factory) as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        patient, day = s.get(Patient, visit.patient_id), visit.visit_date
        assert patient is not None
    assert patient.last_name in dialog.windowTitle()
    assert patient.chart_number in dialog.windowTitle()
    assert format_date(day) in dialog.windowTitle()
    page = dialog.document().toPlainText()
    assert patient.last_name in page
    assert "Minutes were 45, not 120" in page
    previews: list[str] = []
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: (
        previews.append(self.windowTitle()), QDialog.DialogCode.Accepted)[1])
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    qtbot.keyClick(dialog.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(previews) == 1
    assert patient.last_name in previews[0]
    with session_scope(ctx.session_factory) as s:
        printed = [json.loads(e.after or "{}") for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "print"))]
    assert {"what": f"visit history {visit_id}"} in printed
    assert all(patient.last_name not in json.dumps(e) for e in printed)  # ids, not names
