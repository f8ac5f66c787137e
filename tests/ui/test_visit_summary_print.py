"""The visit summary (superbill) printed from the visit (issue 10 item 6), in the window
`ptdesk --demo` builds (app/gui.py): the Today row's context menu and Ctrl+P, the patient
record's visit tables; the print preview is bypassed the way the estimate tests do (painted on
a PDF QPrinter); printing and saving go to the audit trail; a visit with nothing to summarise
says why; a voided visit prints marked VOID; session overrides show on the visit rows."""

import argparse
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.demo.paper import CHART
from ptdesk.domain.payers import VisitStatus
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, Patient, Visit
from ptdesk.ui.pdf_printing import paint_pdf
from ptdesk.ui.session.visit_summary_print import VisitSummaryPrinter
from ptdesk.ui.visits.today_model import COL_PATIENT, COL_VISIT


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("demo")
    ctx = open_context(argparse.Namespace(data_dir=str(folder), db_url=None, demo=True))
    yield ctx
    ctx.close()


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The preview "prints" to a PDF file through QPrinter (exec would wait for a person);
    the list holds the documents printed."""
    files: list[Path] = []

    def preview(self: VisitSummaryPrinter, doc: Any) -> bool:
        out = tmp_path / f"printed-{len(files)}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        assert paint_pdf(printer, doc.pdf) >= 1  # what paper gets: the pages as images
        assert out.read_bytes().startswith(b"%PDF")
        document = tmp_path / f"document-{len(files)}.pdf"
        document.write_bytes(doc.pdf)  # its text, to read
        files.append(document)
        return True

    monkeypatch.setattr(VisitSummaryPrinter, "preview", preview)
    told: list[str] = []
    monkeypatch.setattr(VisitSummaryPrinter, "tell", lambda self, text: told.append(text)
                        or setattr(self, "last_error", text))
    return files


def _audits(ctx: AppContext, action: str) -> list[AuditEntry]:
    with session_scope(ctx.session_factory) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                       AuditEntry.table_name == "visits")))


def _visits(ctx: AppContext) -> tuple[int, list[Visit]]:
    with session_scope(ctx.session_factory) as s:
        pid = s.scalars(select(Patient.id).where(Patient.chart_number == CHART)).one()
        visits = list(s.scalars(select(Visit).where(Visit.patient_id == pid)
                                .order_by(Visit.visit_date, Visit.id)))
        s.expunge_all()
    return pid, visits


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _action(view: Any, name: str) -> QAction:
    return next(a for a in view.actions() if a.objectName() == name)


def test_print_from_the_today_row_and_the_record(
        qtbot: QtBot, demo: AppContext, printed: list[Path], tmp_path: Path) -> None:
    window = build_main_window(demo)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    today = window.show_page("today")
    qtbot.waitUntil(lambda: today.view is not None and today.proxy.rowCount() > 0,
                    timeout=10_000)
    row = next(r for r in range(today.proxy.rowCount())
               if "Quintero" in today.proxy.index(r, COL_PATIENT).data())
    # 2. the session override is on the row: words and the icon, who and why in the tooltip
    visit_cell = today.proxy.index(row, COL_VISIT)
    assert visit_cell.data() == "⚠ Completed, override"
    tip = visit_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert tip == ("Completed over the billing check's errors: Payer confirmed by phone: "
                   "ref MCR-55821, by MK (1 line)")
    # 1. the context menu's action prints it (preview bypassed), and the trail says so
    today.table.setCurrentIndex(today.proxy.index(row, COL_PATIENT))
    pid, visits = _visits(demo)
    todays = visits[-1]
    before = len(_audits(demo, "print"))
    actions = [a.objectName() for a in today.table.actions()]
    assert actions[:2] == ["printVisitSummary", "saveVisitSummary"]
    assert "exportCsv" in actions  # the table keeps Export to CSV…
    _action(today.table, "printVisitSummary").trigger()
    qtbot.waitUntil(lambda: len(_audits(demo, "print")) == before + 1, timeout=10_000)
    entry = _audits(demo, "print")[-1]
    assert (entry.row_id, entry.patient_id) == (str(todays.id), pid)
    text = _text(printed[0])
    for part in ("Visit summary (superbill)", "Quintero, Alba", "M54.50", "97110", "105",
                 "Payer confirmed by phone: ref MCR-55821"):
        assert part in text, part
    # Ctrl+P on the page prints the chosen visit too
    window.activateWindow()  # shortcuts act in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    today.table.setFocus()
    qtbot.keyClick(today.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(printed) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: len(_audits(demo, "print")) == before + 2, timeout=10_000)
    # Save as PDF from the row: the file is the document, recorded as an export
    saved = tmp_path / "saved.pdf"
    today.summary_printer.choose_path = lambda doc: str(saved)
    exports = len(_audits(demo, "export"))
    _action(today.table, "saveVisitSummary").trigger()
    qtbot.waitUntil(lambda: len(_audits(demo, "export")) == exports + 1, timeout=10_000)
    assert saved.read_bytes().startswith(b"%PDF")

    # The record's past visits: the voided one prints marked VOID.
    page = window.show_page("patients")
    page.open_patient(pid)
    record = page.record_view
    qtbot.waitUntil(lambda: record.record is not None and record.record.patient.id == pid,
                    timeout=10_000)
    void = next(v for v in visits if v.status is VisitStatus.VOIDED)
    assert record.select_visit(void.id)
    _action(record.past_view, "printVisitSummary").trigger()
    qtbot.waitUntil(lambda: len(printed) == 3, timeout=10_000)
    text = _text(printed[2])
    assert "VOID" in text
    assert "Entered twice" in text
    # the corrected one says so; a record row shows the session override in words
    corrected = visits[-2]
    assert record.select_visit(corrected.id)
    record.past_view.setFocus()
    window.activateWindow()  # shortcuts act in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(record.past_view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(printed) == 4, timeout=10_000)
    assert "Corrected once" in _text(printed[3])
    statuses = [record.upcoming.index(r, record.upcoming.COL_STATUS).data()
                for r in range(record.upcoming.rowCount())]
    assert any("⚠ errors overridden: Payer confirmed by phone" in t for t in statuses), statuses
    window.close()


def test_a_booked_visit_has_nothing_to_print(
        qtbot: QtBot, demo: AppContext, printed: list[Path]) -> None:
    window = build_main_window(demo)
    qtbot.addWidget(window)
    window.show()
    today = window.show_page("today")
    qtbot.waitUntil(lambda: today.view is not None and today.proxy.rowCount() > 0,
                    timeout=10_000)
    booked = next(r for r in range(today.proxy.rowCount())
                  if today.proxy.index(r, COL_VISIT).data().startswith("Booked"))
    today.table.setCurrentIndex(today.proxy.index(booked, COL_PATIENT))
    printer = today.summary_printer
    n = len(_audits(demo, "print"))
    _action(today.table, "printVisitSummary").trigger()
    qtbot.waitUntil(lambda: "no services recorded" in printer.last_error, timeout=10_000)
    assert "Record the session first" in printer.last_error
    assert printed == []
    assert len(_audits(demo, "print")) == n
    today.table.clearSelection()
    today.table.setCurrentIndex(today.proxy.index(-1, -1))
    printer.print_visit(today.selected_visit_id())
    assert printer.last_error.startswith("Choose a visit first")
    window.close()


def test_saving_needs_the_export_permission(
        qtbot: QtBot, demo: AppContext, printed: list[Path], tmp_path: Path) -> None:
    from ptdesk.domain.permissions import Role
    from ptdesk.storage.actor import Actor, acting_as

    window = build_main_window(demo)
    qtbot.addWidget(window)
    window.show()
    today = window.show_page("today")
    qtbot.waitUntil(lambda: today.view is not None and today.proxy.rowCount() > 0,
                    timeout=10_000)
    printer = today.summary_printer
    chosen: list[Any] = []
    printer.choose_path = lambda doc: chosen.append(doc) or str(tmp_path / "x.pdf")
    with acting_as(Actor("Front desk", frozenset({Role.FRONT_DESK}))):
        printer.save_visit(today.selected_visit_id())
    assert "export" in printer.last_error
    assert chosen == []  # refused before asking where: nothing written
    assert not (tmp_path / "x.pdf").exists()
    window.close()
