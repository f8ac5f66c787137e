"""The receptionist's day: today's visits in time order with each patient's status chip.

Keyboard: arrows choose a visit, Enter opens the patient, Ctrl+I checks the visit in, Ctrl+R
records the session (the therapist's form), Alt+Left / Alt+Right / Alt+Home move to the
previous day, the next day and today. Database work goes through the task runner.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.visits.dtos import VisitView
from ptdesk.services.visits.session_dtos import (
    SessionBillingApi,
    SessionContext,
    TodayApi,
    TodayView,
    TodayVisitRow,
    VisitsApi,
)
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import DATE_FORMAT_QT, ROW_HEIGHT
from ptdesk.ui.visits.today_model import (
    COL_COVERAGE,
    COL_PATIENT,
    COL_PROVIDER,
    COL_STATUS,
    COL_TIME,
    COL_VISIT,
    SORT_ROLE,
    VISIT_ID_ROLE,
    TodayModel,
    counts_text,
)
from ptdesk.ui.widgets.list_table import list_table
from ptdesk.ui.widgets.permission_guard import allow
from ptdesk.ui.widgets.status_chip import StatusChip
from ptdesk.ui.widgets.status_delegate import StatusDelegate, keep_chips_whole

if TYPE_CHECKING:  # the check-in flow and the session form are imported on first use
    from ptdesk.services.visits.checkin_dtos import CheckInApi
    from ptdesk.ui.visits.checkin_flow import CheckInFlow


class TodayPage(QWidget):
    sig_loaded = Signal(object)  # TodayView
    sig_checked_in = Signal(object)  # VisitView
    sig_patient_requested = Signal(int)

    def __init__(
        self,
        today_api: TodayApi,
        visits: VisitsApi,
        billing: SessionBillingApi,
        runner: TaskRunner,
        *,
        today: Callable[[], date],
        now: Callable[[], datetime],
        open_patient: Callable[[int], None] | None = None,
        change_token: Callable[[], int] | None = None,
        poll_ms: int = 5000,
        checkin: "CheckInApi | None" = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = today_api
        self._visits = visits
        self._billing = billing
        self._runner = runner
        self._today = today
        self._now = now
        self._open_patient = open_patient
        self._change_token = change_token
        self._last_token: int | None = None
        self.view: TodayView | None = None
        self._build_ui()
        self._connect()
        self._checkin = checkin
        self._check_in_flow: CheckInFlow | None = None
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(_qdate(today()))
        self.date_edit.blockSignals(False)
        # The day loads once the event loop runs (the window shown): started here, the worker
        # would import the status code while the window is still being built, both threads
        # taking turns on the GIL (issue 9 #3, start-up).
        QTimer.singleShot(0, self, self.refresh)
        # Another desk may check a patient in or book a visit: poll the shared change counter
        # (one row) and reload the day only when it moved.
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        if change_token is not None:
            self.timer.start()

    @property
    def check_in_flow(self) -> "CheckInFlow | None":
        """Check-in decides (go / warn / stop with an override reason): issue 10. Built at the
        first check-in (its dialogs and their rows are not needed to show the day)."""
        if self._check_in_flow is None and self._checkin is not None:
            from ptdesk.ui.visits.checkin_flow import CheckInFlow

            self._check_in_flow = CheckInFlow(
                self._checkin, self._runner, self, today=self._today, now=self._now,
                show=self._show_outcome, on_checked_in=lambda r: self._checked_in(r.visit))
        return self._check_in_flow

    def poll(self) -> None:
        if self._change_token is None:
            return
        self._runner.submit(self._change_token, on_done=self._token, on_error=lambda _e: None,
                            key="today-token")

    def _token(self, token: int) -> None:
        if self._last_token is not None and token != self._last_token:
            self.refresh()
        self._last_token = token

    # ---- building -----------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.title = QLabel("Today")
        self.title.setProperty("role", "title")
        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Previous day (Alt+Left)")
        self.prev_button.setAccessibleName("Previous day")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Next day (Alt+Right)")
        self.next_button.setAccessibleName("Next day")
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Back to today (Alt+Home)")
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DATE_FORMAT_QT)
        self.date_edit.setAccessibleName("Day shown")
        self.date_edit.setMinimumWidth(140)
        self.counts = QLabel()
        self.counts.setProperty("role", "hint")
        self.counts.setAccessibleName("Visits on this day")

        self.model = TodayModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = list_table(self.proxy, "Visits of the day", export="today",
                                row_height=ROW_HEIGHT + 4, fit_columns=False, stretch_last=False)
        self.table.setObjectName("todayTable")
        self.table.setItemDelegateForColumn(COL_STATUS, StatusDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's time order
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # The coverage takes what is left (elided, whole in its tooltip): the status chip is
        # sized to its words, the patient's name keeps its width (1280x800 cut the chips).
        header.setSectionResizeMode(COL_COVERAGE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_TIME, 90), (COL_PATIENT, 210), (COL_PROVIDER, 140),
                           (COL_VISIT, 130)):
            self.table.setColumnWidth(col, width)
        keep_chips_whole(self.table, COL_STATUS, cap=400, leave=110)

        self.check_in_button = QPushButton("Check in")
        self.check_in_button.setToolTip("Check the selected visit in (Ctrl+I)")
        self.check_in_button.setProperty("primary", True)
        self.session_button = QPushButton("Record session…")
        self.session_button.setToolTip("Enter the session's minutes per code (Ctrl+R)")
        self.patient_button = QPushButton("Open patient")
        self.patient_button.setToolTip("Open the patient's record (Enter)")
        self.message = QLabel()
        self.message.setObjectName("todayMessage")
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(16)
        top.addWidget(self.prev_button)
        top.addWidget(self.date_edit)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addSpacing(12)
        top.addWidget(self.counts, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.check_in_button)
        actions.addWidget(self.session_button)
        actions.addWidget(self.patient_button)
        actions.addSpacing(12)
        self.outcome = StatusChip(icon=18)  # the check-in decision in one line, own row
        self.outcome.setObjectName("checkInOutcome")
        self.outcome.setMinimumWidth(1)  # long words are elided (the tooltip has them all)
        actions.addWidget(self.message, 1)
        keys = QLabel("Enter open patient · Ctrl+I check in · Ctrl+R session · Alt+←/→ day")
        keys.setProperty("role", "hint")
        actions.addWidget(keys)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addLayout(actions)
        self.setTabOrder(self.date_edit, self.table)
        self.setTabOrder(self.table, self.check_in_button)
        self.setTabOrder(self.check_in_button, self.session_button)
        self.setTabOrder(self.session_button, self.patient_button)

    def _connect(self) -> None:
        self.date_edit.dateChanged.connect(lambda _d: self.refresh())
        self.prev_button.clicked.connect(lambda: self.move_day(-1))
        self.next_button.clicked.connect(lambda: self.move_day(1))
        self.today_button.clicked.connect(self.go_today)
        self.check_in_button.clicked.connect(self.check_in)
        self.session_button.clicked.connect(self.record_session)
        self.patient_button.clicked.connect(self.open_patient)
        self.table.doubleClicked.connect(lambda _i: self.open_patient())
        self.table.installEventFilter(self)
        sel = self.table.selectionModel()
        sel.currentRowChanged.connect(lambda *_a: self._update_buttons())
        for keys, slot in (("Ctrl+I", self.check_in), ("Ctrl+R", self.record_session),
                           ("Alt+Left", lambda: self.move_day(-1)),
                           ("Alt+Right", lambda: self.move_day(1)), ("Alt+Home", self.go_today)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.open_patient()
            return True
        return super().eventFilter(watched, event)

    # ---- the day --------------------------------------------------------------------------
    @property
    def day(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    def move_day(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def go_today(self) -> None:
        self.date_edit.setDate(_qdate(self._today()))

    def refresh(self) -> None:
        self._runner.submit(self._api.day, self.day, on_done=self._show, on_error=self._failed,
                            key="today-day")

    def _show(self, view: TodayView) -> None:
        # Keep the visit chosen NOW (not when the reload was asked for: the poll reloads in
        # the background while the person moves on), at the same height on screen.
        keep = self.selected_visit_id()
        current = self.table.currentIndex()
        offset = self.table.rowViewportPosition(current.row()) if current.isValid() else None
        self.view = view
        self.model.set_rows(view.rows)
        is_today = view.day == self._today()
        self.title.setText("Today" if is_today else "Day")
        self.counts.setText(counts_text(view, is_today))
        row = self.model.row_of_visit(keep) if keep is not None else None
        if row is None:
            offset = None
            if view.rows:
                row = _first_waiting(view)
        if row is not None:
            idx = self.proxy.mapFromSource(self.model.index(row, COL_TIME))
            self.table.setCurrentIndex(idx)
            if offset is not None:
                self._scroll_row_to(idx.row(), offset)
        self._update_buttons()
        self.sig_loaded.emit(view)

    def _scroll_row_to(self, row: int, offset: int) -> None:
        bar = self.table.verticalScrollBar()
        for _ in range(2):  # per-item scrolling: one correction may round; two settle it
            delta = self.table.rowViewportPosition(row) - offset
            if delta == 0:
                return
            height = max(1, self.table.rowHeight(row))
            step = delta // height if self.table.verticalScrollMode() == \
                QAbstractItemView.ScrollMode.ScrollPerItem else delta
            bar.setValue(bar.value() + step)

    def focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- the selected visit ---------------------------------------------------------------
    def selected_visit_id(self) -> int | None:
        idx = self.table.currentIndex()
        value = idx.data(VISIT_ID_ROLE) if idx.isValid() else None
        return int(value) if value is not None else None

    def _chosen(self) -> TodayVisitRow | None:
        """The visit the person chose, found by its id (never by a row number a reload
        may have shifted)."""
        visit_id = self.selected_visit_id()
        row = self.model.row_of_visit(visit_id) if visit_id is not None else None
        return self.model.row_at(row) if row is not None else None

    def _update_buttons(self) -> None:
        r = self._chosen()
        allow(self.check_in_button, Permission.SCHEDULE_VISITS,
              r is not None and r.status is VisitStatus.BOOKED,
              "Check the selected visit in (Ctrl+I)")
        allow(self.session_button, Permission.COMPLETE_SESSION, r is not None,
              "Enter the session's minutes per code (Ctrl+R)")
        self.patient_button.setEnabled(r is not None)
        if r is not None and r.status is VisitStatus.COMPLETED:
            self.session_button.setText("Edit session…")
        else:
            self.session_button.setText("Record session…")

    def check_in(self) -> None:
        r = self._chosen()
        if r is None:
            return
        if r.status is not VisitStatus.BOOKED:
            self._say(f"{r.patient_name} is already {r.status.label.lower()}.")
            return
        if self.check_in_flow is not None:
            self.check_in_flow.run(r.visit_id)
            return
        self._runner.submit(self._visits.check_in, r.visit_id, self._now(),
                            on_done=self._checked_in, on_error=self._failed)

    def _show_outcome(self, chip: StatusChipView | None, text: str) -> None:
        self.outcome.set_chip(None if chip is None else replace(chip, text=text))
        self.message.setText("" if chip is not None else text)

    def _checked_in(self, view: VisitView) -> None:
        if self._checkin is None:
            row = self.model.row_of_visit(view.id)
            name = self.model.row_at(row).patient_name if row is not None else "The patient"
            self._say(f"✓ {name} checked in.")
        self.sig_checked_in.emit(view)
        self.refresh()

    def record_session(self) -> None:
        visit_id = self.selected_visit_id()
        if visit_id is None:
            return
        self._runner.submit(self._billing.context, visit_id, on_done=self._open_form,
                            on_error=self._failed, key="today-session")

    def _open_form(self, context: SessionContext) -> None:
        from ptdesk.ui.session.session_form import SessionForm  # the therapist's form: on use

        saved = SessionForm.ask(self._billing, self._visits, self._runner, context, self)
        if saved is not None:
            # The row stays chosen: its visit summary is one key away (issue 10 item 6).
            self._say(f"✓ Session of {context.patient_name} recorded; the visit is completed. "
                      "Ctrl+P prints its visit summary.")
            self.refresh()

    def open_patient(self) -> None:
        r = self._chosen()
        if r is None:
            return
        patient_id = r.patient_id
        self.sig_patient_requested.emit(patient_id)
        if self._open_patient is not None:
            self._open_patient(patient_id)

    def _say(self, text: str) -> None:
        self.message.setProperty("role", "hint")
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, DomainError):
            raise exc
        self.message.setStyleSheet("color: #9f1d20;")
        self.message.setText(exc.message)
        self.refresh()


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _first_waiting(view: TodayView) -> int:
    """Select the first visit still to check in (else the first)."""
    return next((i for i, r in enumerate(view.rows) if r.status is VisitStatus.BOOKED), 0)


