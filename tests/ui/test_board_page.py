"""The practice board: Red first, counts, filtering, printing, and the refresh when another
workstation records a visit (the change token moves)."""

from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.status import Status
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.ui.board.board_models import (
    PATIENT_ID_ROLE,
    AwaitingModel,
    BoardTableModel,
    PayerStatsModel,
)
from ptdesk.ui.board.board_page import BoardPage
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.status_delegate import CHIP_ROLE
from tests.ui.auth_seed import NOW, TODAY, seed_colours


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_board_refreshes_when_a_visit_is_recorded_elsewhere(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner,
    tmp_path: Path,
) -> None:
    f = sqlite_session_factory
    seeded = seed_colours(f)
    page = BoardPage(BoardService(f), runner, today=lambda: TODAY, now=lambda: NOW, poll_ms=40)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.view is not None)
    assert page.view is not None
    first = page.proxy.index(0, BoardTableModel.COL_STATUS).data(CHIP_ROLE)
    assert first.status is Status.RED  # Red first
    assert page.red_tile.count == 1
    assert page.overdue_tile.count == 1
    yellow_row = next(r for r in page.view.rows if r.patient_id == seeded.patients["yellow"])
    assert yellow_row.remaining == 4
    token = page.view.change_token
    # another workstation completes two visits for the Yellow patient: 2 left -> Red
    visits = VisitService(f)
    for day in (TODAY, TODAY):
        v = visits.book(VisitDraft(seeded.patients["yellow"], day, seeded.coverages["yellow"],
                                   time(10, 0)))
        visits.complete(v.id, [ServiceLineDraft("97110", 2)])
    with qtbot.waitSignal(page.sig_refreshed, timeout=3000):
        pass
    qtbot.waitUntil(lambda: page.view is not None and page.view.change_token != token)
    assert page.red_tile.count == 2
    # filtering: Red only, then text
    qtbot.mouseClick(page.red_tile, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == 2
    page.filter_box.setText("okafor")
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 0).data(PATIENT_ID_ROLE) == seeded.patients["yellow"]
    # double-click / Enter opens the patient
    with qtbot.waitSignal(page.sig_patient_requested) as opened:
        page.table.activated.emit(page.proxy.index(0, 1))
    assert opened.args == [seeded.patients["yellow"]]
    # printable: the visible list, status in words
    html = page.to_html()
    assert "Practice board" in html
    assert "Okafor, Ben" in html
    assert "Red · 2 visits left" in html
    pdf = tmp_path / "board.pdf"
    page.print_to_pdf(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    page.shutdown()


def test_board_models_pass_the_model_tester(
    qtmodeltester: ModelTester, sqlite_session_factory: sessionmaker[Session]
) -> None:
    f = sqlite_session_factory
    seed_colours(f)
    view = BoardService(f).board(TODAY, NOW)
    board = BoardTableModel()
    board.set_rows(view.rows)
    qtmodeltester.check(board)
    awaiting = AwaitingModel()
    awaiting.set_rows(view.awaiting)
    qtmodeltester.check(awaiting)
    payers = PayerStatsModel()
    payers.set_rows(view.payers)
    qtmodeltester.check(payers)
    assert payers.index(0, 4).data() == "67%"
    assert awaiting.index(0, 0).data() == "OVERDUE"


def test_count_tiles_agree_with_their_number(qtbot: QtBot) -> None:
    """"1 visit treated at risk this week", "2 visits ..." (seen on the demo board: "1  visits")."""
    from ptdesk.domain.status import Status
    from ptdesk.ui.board.board_page import CountTile

    tile = CountTile("visits treated at risk this week", Status.RED,
                     one="visit treated at risk this week")
    qtbot.addWidget(tile)
    tile.set_count(1)
    assert tile.accessibleName() == "1 visit treated at risk this week"
    tile.set_count(2)
    assert tile.accessibleName() == "2 visits treated at risk this week"
