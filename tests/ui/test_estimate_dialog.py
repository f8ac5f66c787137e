"""The estimate from the patient's screen in the window `ptdesk --demo` builds (app/gui.py):
the record lists the demo's stored estimate, "Estimate…" opens the dialog pre-filled, the table
fills, printing to a PDF file through QPrinter works, saving records it; Quick estimate;
the board's GFE-due tab; the settings tabs (clinic details, fee schedule import)."""

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.services.estimates.desk import compute_scenario, render_pdf
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import PatientEstimate
from ptdesk.ui.estimates.estimate_dialog import EstimateDialog


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("demo")
    ctx = open_context(argparse.Namespace(data_dir=str(folder), db_url=None, demo=True))
    yield ctx
    ctx.close()


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[EstimateDialog]:
    """Dialogs are shown without blocking (exec would wait for a person)."""
    dialogs: list[EstimateDialog] = []

    def fake_exec(self: EstimateDialog) -> int:
        dialogs.append(self)
        return 0

    monkeypatch.setattr(EstimateDialog, "exec", fake_exec)
    return dialogs


def _gfe_patient(ctx: AppContext) -> int:
    with session_scope(ctx.session_factory) as s:
        return s.scalars(select(PatientEstimate.patient_id)
                         .where(PatientEstimate.kind == "gfe")
                         .order_by(PatientEstimate.id)).first() or 0


def _open_record(qtbot: QtBot, window: Any, patient_id: int) -> Any:
    page = window.show_page("patients")
    page.open_patient(patient_id)
    view = page.record_view
    qtbot.waitUntil(lambda: view.record is not None and view.record.patient.id == patient_id,
                    timeout=10_000)
    qtbot.waitUntil(lambda: view.estimates.model.rowCount() >= 1, timeout=10_000)
    return view


def test_estimate_from_the_record_prints_and_is_recorded(
        qtbot: QtBot, demo: AppContext, captured: list[EstimateDialog], tmp_path: Path) -> None:
    window = build_main_window(demo)
    qtbot.addWidget(window)
    window.show()
    pid = _gfe_patient(demo)
    view = _open_record(qtbot, window, pid)
    listed = view.estimates.model.rows
    assert listed[0].kind == "gfe"
    assert listed[0].language == "es"
    view.estimates.button.click()
    qtbot.waitUntil(lambda: len(captured) == 1, timeout=10_000)
    dialog = captured[0]
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 12
    assert dialog.heading.text().startswith("Good Faith Estimate")
    assert "patient pays $" in dialog.totals.text()
    dialog.form.visits.setValue(8)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 8, timeout=5_000)
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer) >= 1
    assert out.read_bytes().startswith(b"%PDF")
    saved = tmp_path / "estimate.pdf"
    dialog.choose_pdf_path = lambda: str(saved)  # type: ignore[method-assign]
    dialog.form.prepared_by.setText("Maria at the desk")
    dialog.save_pdf()
    assert saved.read_bytes().startswith(b"%PDF")
    assert len(dialog.stored) == 1
    assert dialog.stored[0].visit_count == 8
    assert dialog.stored[0].prepared_by == "Maria at the desk"
    view.estimates.set_patient(pid)
    qtbot.waitUntil(lambda: view.estimates.model.rowCount() == len(listed) + 1, timeout=10_000)
    window.close()


def test_reprint_gives_the_same_document(
        qtbot: QtBot, demo: AppContext, captured: list[EstimateDialog]) -> None:
    window = build_main_window(demo)
    qtbot.addWidget(window)
    view = _open_record(qtbot, window, _gfe_patient(demo))
    demo_row = next(i for i, r in enumerate(view.estimates.model.rows)
                    if r.prepared_by == "Front desk (demo)")
    view.estimates.view.selectRow(demo_row)
    view.estimates.reprint_button.click()
    qtbot.waitUntil(lambda: len(captured) == 1, timeout=10_000)
    dialog = captured[0]
    qtbot.addWidget(dialog)
    stored = dialog.reprint
    assert stored is not None
    assert dialog.form.lang == stored.language == "es"
    assert (dialog.pdf_bytes() or b"").startswith(b"%PDF")
    # what the dialog prints is what was given: byte for byte once reportlab's time stamp and
    # document id are fixed (invariant)
    shown = dialog.scenario()
    assert isinstance(shown, dict)
    assert dialog._document_day() == stored.given_on
    again = render_pdf(compute_scenario(shown), lang=dialog.form.lang,
                       today=dialog._document_day(), invariant=True)
    given = render_pdf(compute_scenario(stored.scenario), lang=stored.language,
                       today=stored.given_on, invariant=True)
    assert again == given
    assert dialog.record() is None  # a reprint is not a new estimate
    assert dialog.current is not None
    assert dialog.current.estimate.totals.patient_pays == stored.totals.patient_pays
    window.close()


def test_quick_estimate_and_the_board_and_settings(
        qtbot: QtBot, demo: AppContext, captured: list[EstimateDialog], tmp_path: Path) -> None:
    window = build_main_window(demo)
    qtbot.addWidget(window)
    window.show()
    quick = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+K")
    quick.trigger()
    qtbot.waitUntil(lambda: len(captured) == 1, timeout=10_000)
    dialog = captured[0]
    qtbot.addWidget(dialog)
    assert dialog.prefill.patient_id is None
    assert dialog.windowTitle() == "Quick estimate"
    assert dialog.model.rowCount() == 12
    dialog.form.payer_type.setCurrentIndex(dialog.form.payer_type.findData("commercial"))
    dialog.form.benefit_fields["deductible"].setText("-5")
    qtbot.waitUntil(lambda: dialog.problem.isVisibleTo(dialog), timeout=5_000)
    assert "deductible" in dialog.problem.text()
    assert not dialog.print_button.isEnabled()
    assert dialog.record() is None  # nobody to record it for

    board = window.show_page("board")
    gfe = board.gfe_due  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: gfe.model.rowCount() > 0, timeout=10_000)
    assert board.tabs.tabText(board.tabs.indexOf(gfe)).startswith("GFE due (")  # type: ignore[attr-defined]

    settings = window.show_page("settings")
    clinic = settings.clinic  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: clinic.fields["name"].text() != "", timeout=10_000)
    clinic.fields["npi"].setText("1234567890")
    clinic.save()
    qtbot.waitUntil(lambda: clinic.form.errors["npi"].text() != "", timeout=10_000)
    fees = settings.fees  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: fees.view is not None, timeout=10_000)
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text("code,price\n97110,47.50\n99999,1\n", encoding="utf-8")
    fees.choose_file = lambda: str(csv_file)  # type: ignore[method-assign]
    fees.import_file()
    qtbot.waitUntil(lambda: fees.problems.count() == 1, timeout=10_000)
    assert "Line 3" in fees.problems.item(0).text()
    qtbot.waitUntil(lambda: any(r.code == "97110" and r.amount_text == "47.50"
                                for r in fees.model.rows), timeout=10_000)
    window.close()
