"""The practice board: the biller's daily work list.

Counts on top (Red, Yellow, ending in 14 days, requests overdue: each a button that filters the
list), then tabs: every active patient by status (Red first; sortable, filterable), the
authorizations ending in the next 14 days, the requests awaiting a decision (overdue first),
plan years and benefits to re-verify, and per payer the turnaround, approval rate, denial
reasons and a chart of requests by ISO week and outcome.

It refreshes when any workstation records something: a QTimer polls
`BoardService.change_token()` through the runner every few seconds and rebuilds the board when
the token moved. Print (Ctrl+P) previews the list; `print_to_pdf` writes it to a file.
Double-click (or Enter) on a row opens the patient (`sig_patient_requested`).
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.dates import clock
from ptdesk.domain.status import Status
from ptdesk.services.board.api import BoardApi
from ptdesk.services.board.dtos import BoardView, WeekOutcome
from ptdesk.services.visits.checkin_dtos import CheckInApi
from ptdesk.ui.board.board_filter import BoardFilter, CountTile
from ptdesk.ui.board.board_models import (
    AwaitingModel,
    BoardTableModel,
    EndingSoonModel,
    PayerStatsModel,
    ReverifyModel,
)
from ptdesk.ui.board.board_print import BoardPrinting
from ptdesk.ui.board.overrides_report import OverridesDialog
from ptdesk.ui.board.report_models import PlanStepModel
from ptdesk.ui.board.week_chart import WeekChart
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import BORDER, ROW_HEIGHT, SURFACE
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.list_table import list_table
from ptdesk.ui.widgets.rows_model import PATIENT_ID_ROLE, RowsModel
from ptdesk.ui.widgets.status_chip import status_icon
from ptdesk.ui.widgets.status_delegate import StatusDelegate, keep_chips_whole

POLL_MS = 4000
_Index = QModelIndex | QPersistentModelIndex


def _table(model: QSortFilterProxyModel | RowsModel[Any], name: str) -> QTableView:
    return list_table(model, name, row_height=ROW_HEIGHT + 2, padded=True)


class BoardPage(BoardPrinting):
    sig_patient_requested = Signal(int)
    sig_refreshed = Signal(object)  # BoardView

    def __init__(self, board: BoardApi, runner: TaskRunner, *, today: Callable[[], date],
                 now: Callable[[], datetime], poll_ms: int = POLL_MS,
                 checkin: CheckInApi | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._board = board
        self._checkin = checkin
        self._runner = runner
        self._today = today
        self._now = now
        self.view: BoardView | None = None
        self._loading = False
        self._build_ui()
        self._connect()
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.refresh()

    # ---- building -----------------------------------------------------------------------
    def _build_ui(self) -> None:
        title = QLabel("Practice board")
        title.setProperty("role", "title")
        self.as_of = QLabel()
        self.as_of.setProperty("role", "hint")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Refresh now (F5); it also refreshes by itself")
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Preview and print the work list (Ctrl+P)")
        # Issue 10: visits checked in over a stop; pressing it opens the overrides report.
        self.at_risk_tile = CountTile("visits treated at risk this week", Status.RED,
                                      one="visit treated at risk this week")
        self.at_risk_tile.setCheckable(False)
        self.at_risk_tile.setToolTip("Visits this week checked in over a stop: open the "
                                     "overrides report (who, why, when)")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.as_of)
        top.addStretch(1)
        top.addWidget(self.at_risk_tile)  # on the title row: the count row is full at 1280
        top.addWidget(self.refresh_button)
        top.addWidget(self.print_button)
        self.red_tile = CountTile("in Red", Status.RED)
        self.yellow_tile = CountTile("in Yellow", Status.YELLOW)
        self.none_tile = CountTile("with no authorization", Status.NONE)
        self.ending_tile = CountTile("ending in 14 days", Status.YELLOW)
        self.overdue_tile = CountTile("requests overdue", Status.RED, one="request overdue")
        tiles = QHBoxLayout()
        for t in (self.red_tile, self.none_tile, self.yellow_tile, self.ending_tile,
                  self.overdue_tile):
            tiles.addWidget(t)
        tiles.addStretch(1)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Filter by patient, chart, payer or next step")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter the board")
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("Show status")
        self.status_filter.addItem("Every status", None)
        for st in (Status.RED, Status.NONE, Status.YELLOW, Status.GREEN, Status.NOT_TRACKED):
            self.status_filter.addItem(status_icon(st), st.label, st.value)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_box, 1)
        filters.addWidget(self.status_filter)

        self.model = BoardTableModel(self)
        self.proxy = BoardFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = _table(self.proxy, "Patients by status")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's: Red first
        self.delegate = StatusDelegate(self)
        self.table.setItemDelegateForColumn(BoardTableModel.COL_STATUS, self.delegate)
        # Fixed widths for the work list (the next step takes the rest): sizing to contents
        # let one long status stretch the table past the window and hid the next step.
        m = BoardTableModel
        header = self.table.horizontalHeader()
        for col, width in (
            (m.COL_NAME, 180),
            (m.COL_CHART, 85),
            (m.COL_PAYER, 190),
            (m.COL_LEFT, 115),
            (m.COL_END, 115),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        # The status as wide as its chips (a fixed 180 cut them), capped so the next step keeps
        # its room; a longer chip is elided, its words in the tooltip.
        keep_chips_whole(self.table, m.COL_STATUS, cap=360)
        self.ending = EndingSoonModel(self)
        self.awaiting = AwaitingModel(self)
        self.reverify = ReverifyModel(self)
        self.payers = PayerStatsModel(self)
        self.ending_view = _table(self.ending, "Ending in the next 14 days")
        self.ending_view.setItemDelegateForColumn(0, self.delegate)
        # Seven columns at 1280x800: the payer gives way (whole in its tooltip) so the end
        # date, days and visits left stay in view; the chips keep their words.
        self.ending_view.horizontalHeader().setStretchLastSection(False)
        self.ending_view.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch)
        keep_chips_whole(self.ending_view, 0, cap=360)
        self.awaiting_view = _table(self.awaiting, "Requests awaiting a decision")
        self.reverify_view = _table(self.reverify, "To re-verify")
        self.payers_view = _table(self.payers, "Payer statistics")
        self.chart = WeekChart()
        payer_split = QSplitter(Qt.Orientation.Vertical)
        payer_split.addWidget(self.payers_view)
        payer_split.addWidget(self.chart)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Work list")
        self.tabs.addTab(self.ending_view, "Ending soon")
        self.tabs.addTab(self.awaiting_view, "Awaiting decision")
        self.tabs.addTab(self.reverify_view, "Re-verify")
        self.tabs.addTab(payer_split, "Payers")
        self.plans = PlanStepModel(self)
        self.plans_view = _table(self.plans, "Plans of care with a next step")
        self.plans_view.setItemDelegateForColumn(0, self.delegate)
        self.tabs.addTab(self.plans_view, "Plan of care")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        self.setStyleSheet(f"QTabWidget::pane {{ border: 1px solid {BORDER}; }}"
                           f" QTabBar::tab:selected {{ background: {SURFACE}; }}")

    def _connect(self) -> None:
        self.filter_box.textChanged.connect(self.proxy.setFilterFixedString)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._set_status(self.status_filter.currentData()))
        for view in (self.table, self.ending_view, self.awaiting_view, self.reverify_view,
                     self.plans_view):
            view.activated.connect(self._open)
        self.at_risk_tile.clicked.connect(self.show_overrides)
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.print_preview)
        self.red_tile.clicked.connect(lambda: self._tile(self.red_tile))
        self.yellow_tile.clicked.connect(lambda: self._tile(self.yellow_tile))
        self.none_tile.clicked.connect(lambda: self._tile(self.none_tile))
        self.ending_tile.clicked.connect(lambda: self._show_tab(self.ending_view))
        self.overdue_tile.clicked.connect(lambda: self._show_tab(self.awaiting_view))
        self.payers_view.selectionModel().selectionChanged.connect(self._payer_chart)
        for keys, handler in (("Ctrl+P", self.print_preview), ("F5", self.refresh)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(handler)

    # ---- filtering ----------------------------------------------------------------------
    def _set_status(self, value: str | None) -> None:
        self.proxy.set_status(value)
        for t in (self.red_tile, self.yellow_tile, self.none_tile):
            t.setChecked(value == t.status.value)
        self.tabs.setCurrentWidget(self.table)

    def _tile(self, tile: CountTile) -> None:
        value = None if self.proxy.status == tile.status.value else tile.status.value
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(value)))
        self._set_status(value)

    def _show_tab(self, view: QTableView) -> None:
        self.tabs.setCurrentWidget(view)
        self.ending_tile.setChecked(False)
        self.overdue_tile.setChecked(False)

    def show_overrides(self) -> None:
        if self._checkin is not None:
            OverridesDialog.ask(self, self._checkin, self._runner, self._today)

    def _open(self, index: QModelIndex) -> None:
        value = index.data(PATIENT_ID_ROLE)
        if value is not None:
            self.sig_patient_requested.emit(int(value))

    # ---- loading ------------------------------------------------------------------------
    def refresh(self) -> None:
        self._loading = True
        self._runner.submit(self._board.board, self._today(), self._now(),
                            on_done=self.show_board, on_error=self._failed, key="board")

    def poll(self) -> None:
        """Ask for the change token; rebuild only when another desk changed something."""
        if self._loading:
            return
        self._runner.submit(self._board.change_token, on_done=self._token,
                            on_error=self._poll_failed, key="board-token")

    def _token(self, token: int) -> None:
        if self.view is None or token != self.view.change_token:
            self.refresh()

    def _poll_failed(self, exc: BaseException) -> None:
        self.as_of.setText("Could not check for changes; will try again.")

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def show_board(self, view: BoardView) -> None:
        self._loading = False
        self.view = view
        c = view.counts
        self.red_tile.set_count(c.red)
        self.yellow_tile.set_count(c.yellow)
        self.none_tile.set_count(c.none)
        self.ending_tile.set_count(c.ending_soon)
        self.overdue_tile.set_count(c.requests_overdue)
        self.at_risk_tile.set_count(view.at_risk_week)
        self.at_risk_tile.setVisible(self._checkin is not None or view.at_risk_week > 0)
        self.plans.set_rows(view.plan_steps)
        self.tabs.setTabText(self.tabs.indexOf(self.plans_view),
                             f"Plan of care ({len(view.plan_steps)})")
        self.model.set_rows(view.rows)
        self.ending.set_rows(view.ending_soon)
        self.awaiting.set_rows(view.awaiting)
        self.reverify.set_rows(view.reverify)
        self.payers.set_rows(view.payers)
        self.tabs.setTabText(0, f"Work list ({len(view.rows)})")
        self.tabs.setTabText(1, f"Ending soon ({len(view.ending_soon)})")
        self.tabs.setTabText(2, f"Awaiting decision ({c.requests_awaiting}, "
                                f"{c.requests_overdue} overdue)")
        self.tabs.setTabText(3, f"Re-verify ({len(view.reverify)})")
        self.as_of.setText(f"  as of {format_date(view.today)} {clock(view.generated_at.time())}; "
                           "refreshes by itself")
        self._payer_chart()
        self.sig_refreshed.emit(view)

    def _payer_chart(self) -> None:
        if self.view is None:
            return
        rows = self.payers_view.selectionModel().selectedRows()
        if rows:
            p = self.payers.row_at(rows[0].row())
            self.chart.set_data(p.by_week, f"Requests by week sent — {p.payer_name}")
            return
        merged: tuple[WeekOutcome, ...] = tuple(w for p in self.view.payers for w in p.by_week)
        self.chart.set_data(merged, "Requests by week sent — all payers")

    def shutdown(self) -> None:
        self.timer.stop()
