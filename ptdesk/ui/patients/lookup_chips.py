"""The lookup's status column, loaded for the rows in view after their names are painted.

Issue 9 #3: a keystroke's answer is painted first; the chips of the ~20 rows in view (and a few
below) are asked for when the typing pauses, the rest when scrolled or sorted into view. The
next keystroke cancels a request still waiting (its page is about to be replaced), so the
chips do not sit in front of the next search on the worker thread.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtWidgets import QTableView

from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.ui.patients.patient_table_model import COL_NAME, PATIENT_ID_ROLE, PatientTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ROW_HEIGHT

STATUS_KEY = "patient-statuses"
# Rows below the last one in view whose chips come with it (a short scroll finds them there).
MARGIN = 10
# Rows asked for when the table is not laid out yet (a page built but not shown).
UNSHOWN = 30
# The chips are asked for once the typing pauses this long: a running request cannot be
# stopped, and one started between two keystrokes would hold up the next search on the one
# worker thread (~5-20 ms for a screenful). Typing is ~100-300 ms a key.
PAUSE_MS = 200

StatusesFor = Callable[[list[int], date], dict[int, StatusChipView]]


class LookupChips:
    def __init__(self, table: QTableView, proxy: QAbstractItemModel, model: PatientTableModel,
                 runner: TaskRunner, statuses_for: StatusesFor,
                 today: Callable[[], date]) -> None:
        self._table, self._proxy, self._model = table, proxy, model
        self._runner, self._statuses_for, self._today = runner, statuses_for, today
        self._asked: set[int] = set()  # patients whose chips were asked for the rows shown
        self._pending: set[int] = set()  # asked, not answered yet
        self.paused = False  # a search is running: its answer replaces the rows
        self._timer = QTimer(table)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PAUSE_MS)
        self._timer.timeout.connect(self._load_in_view)
        bar = table.verticalScrollBar()
        bar.valueChanged.connect(self.later)
        bar.rangeChanged.connect(self.later)  # the table was resized
        proxy.layoutChanged.connect(self.later)  # sorted by a column

    def cancel(self) -> None:
        """The next keystroke: a request still queued is dropped, a running one ignored."""
        self._timer.stop()
        self._runner.cancel(STATUS_KEY)
        self._asked -= self._pending
        self._pending.clear()

    def rows_replaced(self) -> None:
        """New rows (or chips that may be out of date after a save): ask again."""
        self.cancel()
        self._asked.clear()
        self._model.forget_statuses()

    def later(self, *_args: Any) -> None:
        """Load the chips of the rows in view once the typing pauses (PAUSE_MS), long after
        the repaint the new rows asked for: the chips never delay the names."""
        if self._model.rowCount():
            self._timer.start()

    def _rows_in_view(self) -> range:
        n = self._proxy.rowCount()
        if self._model.sorted_by_status():
            return range(n)  # the order needs every row's chip
        height = self._table.viewport().height()
        first = max(self._table.rowAt(0), 0)
        last = self._table.rowAt(height - 1)
        if last < 0:  # the rows end above the bottom, or the table is not laid out yet
            last = n - 1 if self._table.isVisible() else first + max(height // ROW_HEIGHT,
                                                                      UNSHOWN)
        return range(first, min(n, last + 1 + MARGIN))

    def _load_in_view(self) -> None:
        if self.paused:
            return
        wanted = []
        for r in self._rows_in_view():
            pid = self._proxy.index(r, COL_NAME).data(PATIENT_ID_ROLE)
            if pid is not None and int(pid) not in self._asked:
                wanted.append(int(pid))
        if not wanted:
            return
        self._asked.update(wanted)
        # A newer request supersedes one still queued: it asks for that one's patients too.
        self._pending.update(wanted)
        ids = sorted(self._pending)

        def done(chips: dict[int, StatusChipView]) -> None:
            self._pending.difference_update(ids)
            self._model.set_statuses(chips, ids)

        self._runner.submit(self._statuses_for, ids, self._today(), on_done=done,
                            on_error=lambda _e: None, key=STATUS_KEY)
