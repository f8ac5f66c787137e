"""The Today page's week view (issue 10 #2), keyboard first.

One provider's week (Mon-Sat) in the clinic's time slots: a desk reads one provider's week at
1280x800 at a glance (6 columns wide enough for names); the provider is switched with
Alt+Up/Alt+Down or the list. Arrows move between slots, Enter on a visit opens the patient (a
slot holding several patients lists them to choose from), Enter on a free slot books there (for
the patient whose record is open, else says how), PgUp/PgDn previous/next week, Ctrl+Shift+W
switches between the day list and the week. Built on the worker (`WeekService.week` via the
task runner); reloaded when the Today page reloads (its change-counter poll), so a booking,
move or cancel on another desk shows here.
"""

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.dates import clock, short_date, weekday_long
from ptdesk.services.visits.week import WeekView, WeekVisit
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.week_model import WeekModel

TOGGLE_KEY = "Ctrl+Shift+W"


class WeekApi(Protocol):
    def week(self, day: date, provider_id: int | None, today: date) -> WeekView: ...


# (day, time or None, provider id) -> True when a booking dialog was opened for it.
BookAt = Callable[[date, time | None, int | None], bool]


class WeekPanel(QWidget):
    sig_loaded = Signal(object)  # WeekView

    def __init__(self, api: WeekApi, runner: TaskRunner, *, today: Callable[[], date],
                 open_patient: Callable[[int], None] | None = None,
                 book_at: BookAt | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api, self._runner, self._today = api, runner, today
        self._open_patient, self._book_at = open_patient, book_at
        self.day = today()
        self.chooser: QMenu | None = None  # the list of a slot holding several patients
        self.provider_id: int | None = None
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous week (PgUp)")
        self.prev_button.setAccessibleName("Previous week")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next week (PgDn)")
        self.next_button.setAccessibleName("Next week")
        self.title = QLabel()
        self.title.setProperty("role", "subtitle")
        self.provider = QComboBox()
        self.provider.setAccessibleName("Provider shown")
        self.provider.setToolTip("Provider (Alt+Up / Alt+Down)")
        self.provider.setMinimumWidth(240)
        self.provider.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.provider.setMinimumContentsLength(24)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.model = WeekModel(self)
        self.table = QTableView()
        self.table.setObjectName("weekTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Week of the provider")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.installEventFilter(self)
        self.table.activated.connect(lambda idx: self.enter(idx.row(), idx.column()))
        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.title)
        top.addWidget(self.next_button)
        top.addSpacing(16)
        top.addWidget(QLabel("Provider:"))
        top.addWidget(self.provider)
        top.addSpacing(16)
        keys = QLabel("←↑↓→ slot · Enter open / book · PgUp/PgDn week · Alt+↑/↓ provider · "
                      f"{TOGGLE_KEY} day list")
        keys.setProperty("role", "hint")
        # The hint wraps, and the provider list does not grow with the longest name: neither
        # may widen the window past a 1280-pixel desk (the week's columns stretch instead).
        keys.setWordWrap(True)
        keys.setMinimumWidth(160)
        top.addWidget(keys, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)
        self.prev_button.clicked.connect(lambda: self.shift(-1))
        self.next_button.clicked.connect(lambda: self.shift(1))
        self.provider.activated.connect(self._provider_chosen)
        for seq, step in (("Alt+Up", -1), ("Alt+Down", 1)):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda s=step: self.next_provider(s))

    # --- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self._runner.submit(self._api.week, self.day, self.provider_id, self._today(),
                            on_done=self._loaded, on_error=self._failed, key="week-view")

    def _loaded(self, view: WeekView) -> None:
        cur = self.table.currentIndex()
        self.provider_id = view.provider_id
        self.model.set_view(view)
        self.provider.blockSignals(True)
        self.provider.clear()
        for p in view.providers:
            self.provider.addItem(p.name, p.id)
        self.provider.setCurrentIndex(max(0, self.provider.findData(view.provider_id)))
        self.provider.blockSignals(False)
        sat = view.days[-1]
        self.title.setText(f"Week of {short_date(view.monday)} – {short_date(sat)}, "
                           f"{sat.year}")
        n = sum(len(c) for row in view.cells for c in row) + sum(len(c) for c in view.untimed)
        free = sum(1 for row in view.cells for i, c in enumerate(row)
                   if not c and not view.closed[i])
        self.message.setText(f"{n} visits · {free} free slots this week")
        row = cur.row() if cur.isValid() else 0
        col = cur.column() if cur.isValid() else min(self.day.weekday(), len(view.days) - 1)
        self.table.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), col))
        self.sig_loaded.emit(view)

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    # --- navigation ------------------------------------------------------------------------
    def shift(self, weeks: int) -> None:
        self.day += timedelta(weeks=weeks)
        self.refresh()

    def next_provider(self, step: int) -> None:
        n = self.provider.count()
        if n:
            self.provider.setCurrentIndex((self.provider.currentIndex() + step) % n)
            self._provider_chosen(self.provider.currentIndex())

    def _provider_chosen(self, i: int) -> None:
        pid = self.provider.itemData(i)
        self.provider_id = int(pid) if pid is not None else None
        self.refresh()

    def enter(self, row: int, col: int) -> None:
        visits = self.model.visits_at(row, col)
        if visits:
            if len(visits) > 1:
                self._choose(visits, row, col)
            elif self._open_patient is not None:
                self._open_patient(visits[0].patient_id)
            return
        view = self.model.view
        if view is None:
            return
        day, at = self.model.slot_at(row, col)
        if view.closed[col]:
            self.message.setText(f"{weekday_long(day)} is closed ({view.closed[col]}).")
            return
        if self._book_at is None or not self._book_at(day, at, self.provider_id):
            self.message.setText("To book this slot, open the patient (Ctrl+F), then come back "
                                 "and press Enter on it, or press Ctrl+B on the record.")

    def _choose(self, visits: tuple[WeekVisit, ...], row: int, col: int) -> None:
        """Several patients in one slot: a list at the cell to pick from (1-9 or the arrows and
        Enter; Escape opens nobody), instead of silently opening the first."""
        menu = QMenu(self)
        menu.setAccessibleName("Visits in this slot")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for i, v in enumerate(visits, 1):
            when = clock(v.at) if v.at is not None else "No time"
            chip = f"  ·  {v.chip.text}" if v.chip is not None else ""
            label = f"{when}  {v.short_name}{chip}"
            action = menu.addAction(f"&{i}  {label}" if i < 10 else label)
            action.setData(v.patient_id)
        menu.triggered.connect(self._chosen)
        menu.setActiveAction(menu.actions()[0])
        self.chooser = menu  # kept for tests and for the keyboard focus
        cell = self.table.visualRect(self.model.index(row, col))
        menu.popup(self.table.viewport().mapToGlobal(cell.bottomLeft()))

    def _chosen(self, action: QAction) -> None:
        if self._open_patient is not None:
            self._open_patient(int(action.data()))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self.shift(-1 if key == Qt.Key.Key_PageUp else 1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                idx = self.table.currentIndex()
                if idx.isValid():
                    self.enter(idx.row(), idx.column())
                return True
        return super().eventFilter(obj, event)


def add_week_view(page: QWidget, table: QWidget, panel: WeekPanel,
                  reloaded: SignalInstance | None = None) -> Callable[[], None]:
    """Put the week under the day list of the Today page (hidden); returns what switches
    between them (the TOGGLE_KEY shortcut calls it); the week reloads whenever the page
    reloads (`reloaded`)."""
    lay = page.layout()
    assert isinstance(lay, QVBoxLayout)
    lay.insertWidget(lay.indexOf(table) + 1, panel, 1)
    panel.setVisible(False)

    def toggle() -> None:
        week = not panel.isVisible()
        panel.setVisible(week)
        table.setVisible(not week)
        if week:
            panel.refresh()
            panel.table.setFocus()
        else:
            table.setFocus()

    if reloaded is not None:
        reloaded.connect(lambda _v: panel.refresh() if panel.isVisible() else None)
    return toggle
