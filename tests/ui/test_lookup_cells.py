"""The lookup's cell painter draws what Qt's own item painting drew with the padded style sheet
it replaces (issue 9 #3): same text, places, colours, elision, selection and focus frame."""

from datetime import date

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate, QTableView
from pytestqt.qtbot import QtBot

from ptdesk.services.patients.dtos import PatientSearchRow
from ptdesk.ui.patients.lookup_cells import PADDING, LookupCells
from ptdesk.ui.patients.patient_table_model import COL_NAME, COL_PAYER, PatientTableModel
from ptdesk.ui.theme import ROW_HEIGHT

PADDED = f"QTableView::item {{ padding-left: {PADDING}px; padding-right: {PADDING}px; }}"


def _rows() -> tuple[PatientSearchRow, ...]:
    return tuple(
        PatientSearchRow(pid, f"C{pid:06d}", f"Smith{pid}, Ann", f"Smith{pid}", "Ann",
                         date(1950 + pid, 1 + pid % 12, 1 + pid), 70 - pid,
                         f"(512) 555-01{pid:02d}" if pid % 3 else "",
                         "A payer with a name far too long for its column" if pid % 2 else "",
                         date(2026, 3, 1 + pid) if pid % 4 else None,
                         date(2025, 3, 1 + pid) if pid % 5 else None, pid % 6 != 0)
        for pid in range(1, 15))


def _grab(qtbot: QtBot, painted_by_lookup: bool) -> QImage:
    model = PatientTableModel()
    model.set_rows(_rows())
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    table.setColumnWidth(COL_PAYER, 120)  # the payer's name elided
    if painted_by_lookup:
        table.setItemDelegate(LookupCells(table, model))
    else:
        table.setItemDelegate(QStyledItemDelegate(table))
        table.setStyleSheet(PADDED)
    table.resize(900, 400)
    table.show()
    qtbot.waitExposed(table)
    table.selectRow(2)
    table.setCurrentIndex(model.index(2, COL_NAME))
    table.setFocus()
    return table.viewport().grab().toImage()


def test_cells_look_as_qt_painted_them(qtbot: QtBot) -> None:
    ours, qts = _grab(qtbot, True), _grab(qtbot, False)
    assert ours.size() == qts.size()
    differ = sum(ours.pixel(x, y) != qts.pixel(x, y)
                 for y in range(ours.height()) for x in range(ours.width()))
    # Text antialiasing may differ in a pixel or two; a misplaced column or row would not.
    assert differ <= 20, differ
