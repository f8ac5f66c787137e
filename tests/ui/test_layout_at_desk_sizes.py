"""At 1280x800 and 1366x768 (less a title bar) nothing is cut: the real window, built as
`ptdesk --demo` builds it, on the demo clinic. Chips as wide as their words, every button of
the authorization panel inside its viewport, table columns no narrower than their contents
(the ones allowed to give way say so in a tooltip), payer names whole in Settings."""

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QTableView, QWidget
from pytestqt.qtbot import QtBot

from ptdesk.app.clock import local_now
from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.app.main import main, parse_args
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.ui.patients.patient_table_model import COL_STATUS
from ptdesk.ui.patients.record_models import VisitTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import apply_theme
from ptdesk.ui.widgets.status_chip import StatusChip, chip_size
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE

SIZES = [(1280, 800 - 40), (1366, 768 - 40)]  # the screen less the window's title bar


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "generate", "--patients", "300", "--data-dir", str(folder)]) == 0
    return folder


@pytest.fixture
def ctx(demo_dir: Path) -> Iterator[AppContext]:
    context = open_context(parse_args(["--demo", "--data-dir", str(demo_dir)]))
    yield context
    context.close()


def _idle(qtbot: QtBot, window: QWidget) -> None:
    runner = window.findChild(TaskRunner)
    assert runner is not None
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=20000)
    QApplication.sendPostedEvents()  # the layout requests the results posted
    QApplication.processEvents()


def _inside(widget: QWidget, area: QWidget) -> bool:
    top_left = widget.mapTo(area, widget.rect().topLeft())
    return top_left.x() >= 0 and top_left.x() + widget.width() <= area.width()


def _columns_whole(view: QTableView, skip: tuple[int, ...] = ()) -> list[int]:
    header = view.horizontalHeader()
    return [c for c in range(header.count())
            if c not in skip and header.sectionSize(c) < view.sizeHintForColumn(c)]


def _cut_chips(view: QTableView, column: int, up_to: int) -> list[str]:
    model = view.model()
    width = view.columnWidth(column)
    cut = []
    for row in range(model.rowCount()):
        chip = model.index(row, column).data(CHIP_ROLE)
        if isinstance(chip, StatusChipView):
            need = chip_size(view.fontMetrics(), chip.text).width() + 12
            if need <= up_to and need > width:
                cut.append(chip.text)
    return cut


def _patient_with_two_coverages(ctx: AppContext) -> int:
    from sqlalchemy import func, select

    from ptdesk.services.board.practice_board import BoardService
    from ptdesk.storage.engine import session_scope
    from ptdesk.storage.models import Coverage

    now: datetime = local_now()
    today: date = now.date()
    with session_scope(ctx.session_factory) as s:
        multi = set(s.scalars(select(Coverage.patient_id).group_by(Coverage.patient_id)
                              .having(func.count() > 1)))
    rows = BoardService(ctx.session_factory).board(today, now).rows
    return next(r.patient_id for r in rows if r.patient_id in multi and r.status.value == "red")


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_is_cut_at_front_desk_sizes(
    qtbot: QtBot, qapp: QApplication, ctx: AppContext, width: int, height: int
) -> None:
    apply_theme(qapp)  # the real font and sizes, as run_gui sets them
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    _idle(qtbot, window)

    today = window.show_page("today")
    _idle(qtbot, window)
    assert today.model.rowCount() > 0
    assert _cut_chips(today.table, 2, up_to=370) == []

    patients = window.show_page("patients")
    patients.search_box.setText("a")
    qtbot.waitUntil(lambda: patients.model.rowCount() > 0, timeout=20000)
    _idle(qtbot, window)
    status_col = patients.table.horizontalHeader().logicalIndex(1)
    assert status_col == COL_STATUS
    assert _cut_chips(patients.table, COL_STATUS, up_to=230) == []

    patients.open_patient(_patient_with_two_coverages(ctx))
    record = patients.record_view
    qtbot.waitUntil(lambda: bool(record.panel.cards), timeout=20000)
    _idle(qtbot, window)
    viewport = record.panel_scroll.viewport()
    assert record.panel.width() <= viewport.width()
    buttons = [b for b in record.panel.findChildren(QPushButton) if b.isVisible()]
    assert buttons
    assert [b.text() for b in buttons if not _inside(b, viewport)] == []
    chips = [c for c in record.findChildren(StatusChip) if c.isVisible()]
    assert chips
    assert [(c.text(), c.width()) for c in chips if c.width() < c.sizeHint().width()] == []
    assert _columns_whole(record.coverage_view) == []
    for view in (record.upcoming_view, record.past_view):  # the provider may give way
        assert _columns_whole(view, skip=(VisitTableModel.COL_PROVIDER,)) == []

    settings = window.show_page("settings").bands  # the status-bands tab of Settings
    qtbot.waitUntil(lambda: settings.scopes.count() > 5, timeout=20000)
    _idle(qtbot, window)
    scopes = settings.scopes
    fm = scopes.fontMetrics()
    room = scopes.viewport().width()
    long = [scopes.item(i).text() for i in range(scopes.count())
            if fm.horizontalAdvance(scopes.item(i).text()) + 8 > room]
    assert long == []
    assert all(note.isVisible() for note in settings.form.notes.values())
    window.close()
