"""The receptionist's first screen: one search box, the results, and the opened patient.

Typing searches at once (through the task runner, key "patient-search"); while a search runs,
only the latest text waits, so fast typing never builds a queue. Down/PageDown go from the box
into the table, Enter or double-click opens the patient, Esc clears the box (or, on an opened
patient, returns to the results with the search kept), Ctrl+N adds a patient.
"""

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.services.patients.dtos import (
    PatientRecord,
    PatientsApi,
    ReferenceApi,
)
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.ui.estimates.record_estimates import EstimateDeskApi, open_quick_estimate
from ptdesk.ui.patients.lookup_cells import LookupCells
from ptdesk.ui.patients.lookup_chips import LookupChips
from ptdesk.ui.patients.lookup_search import HINT, LookupSearch
from ptdesk.ui.patients.patient_table_model import (
    COL_CHART,
    COL_DOB,
    COL_NAME,
    COL_PAYER,
    COL_PHONE,
    COL_STATUS,
    COL_VISIT,
    PATIENT_ID_ROLE,
    PatientTableModel,
)
from ptdesk.ui.patients.record_view import PatientRecordView
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.visits.checkin_flow import CheckInFlow
from ptdesk.ui.widgets.status_delegate import keep_chips_whole
from ptdesk.ui.widgets.table_export import install_csv_export


class PatientsPage(LookupSearch):
    sig_patient_opened = Signal(int)

    def __init__(
        self,
        patients: PatientsApi,
        runner: TaskRunner,
        *,
        today: Callable[[], date],
        reference: ReferenceApi | None = None,
        auth: AuthorizationApis | None = None,
        now: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
        estimates: EstimateDeskApi | None = None,
    ) -> None:
        super().__init__(parent)
        self._estimates = estimates  # issue 11: the record's estimates and "Quick estimate"
        self._auth = auth
        self._now = now or datetime.now
        self._patients = patients
        self._runner = runner
        self._today = today
        self._reference = reference
        self._searching = False
        self._queued: str | None = None
        self._shown_text = ""
        self._fresh_chips = False  # the next answer reloads the status chips (after a save)
        self._build_ui()
        self._connect()
        self._show_hint()
        self._prepare_lookup()

    def quick_estimate(self) -> None:
        if self._estimates is not None:
            open_quick_estimate(self, self._estimates, self._runner, today=self._today,
                                now=self._now)

    # ---- building -----------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(HINT + "   (Ctrl+F)")
        self.search_box.setAccessibleName("Find a patient")
        self.search_box.setAccessibleDescription(HINT)
        self.search_box.setClearButtonEnabled(True)
        self.search_label = QLabel("&Find a patient")
        self.search_label.setBuddy(self.search_box)
        self.search_label.setProperty("role", "title")
        self.new_button = QPushButton("New patient")
        self.new_button.setToolTip("Add a new patient (Ctrl+N)")
        self.status_label = QLabel()
        self.status_label.setObjectName("searchStatus")
        self.status_label.setProperty("role", "hint")
        self.status_label.setAccessibleName("Search result")

        self.model = PatientTableModel(self, with_status=self._auth is not None)
        # The model sorts itself when a header is clicked (no proxy in front of it: issue 9
        # #3, a repaint per keystroke); `proxy` names what the table shows.
        self.proxy = self.model
        self.table = QTableView()
        self.table.setObjectName("patientTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Patients found")
        install_csv_export(self.table, "patients")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setSortingEnabled(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        # The cells painted from the model's cached texts, the room between columns included
        # (issue 9 #3: not a per-item style sheet, resolved for every cell of every repaint).
        self.cells = LookupCells(self.table, self.model)
        self.table.setItemDelegate(self.cells)
        self.table.verticalHeader().setVisible(False)
        # The scroll bar stays: one appearing with the first letter's rows re-lays out the
        # columns and repaints the table twice (~12 ms of that keystroke, issue 9 #3).
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # The payer column takes what is left: a name is never squeezed by it.
        header.setSectionResizeMode(COL_PAYER, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (COL_NAME, 205),
            (COL_DOB, 150),
            (COL_PHONE, 125),
            (COL_VISIT, 145),
            (COL_CHART, 85),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's name order
        if self._auth is not None:
            # As wide as the page's chips as far as the window allows (longer ones elided, words in
            # the tooltip); a fixed 200 cut "Green · $1,722.78 before KX" at 1280x800.
            keep_chips_whole(self.table, COL_STATUS, leave=120)
            header.moveSection(COL_STATUS, COL_NAME + 1)  # the status right after the name
        self.chips = (LookupChips(self.table, self.proxy, self.model, self._runner,
                                  self._auth.chips.statuses_for, self._today)
                      if self._auth is not None and self._auth.chips is not None else None)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.new_button)
        if self._estimates is not None:
            self.quick_estimate_button = QPushButton("&Quick estimate…")
            self.quick_estimate_button.setToolTip("What PT would cost someone who is not a "
                                                  "patient yet (Ctrl+K)")
            self.quick_estimate_button.clicked.connect(self.quick_estimate)
            top.addWidget(self.quick_estimate_button)
        search_panel = QWidget()
        layout = QVBoxLayout(search_panel)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.search_label)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)

        self.record_view = PatientRecordView(auth=self._auth, runner=self._runner,
                                             today=self._today, now=self._now,
                                             reference=self._reference,
                                             estimates=self._estimates)
        self.stack = QStackedWidget()
        self.search_panel = search_panel
        self.stack.addWidget(search_panel)
        self.stack.addWidget(self.record_view)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.setTabOrder(self.search_box, self.new_button)
        self.setTabOrder(self.new_button, self.table)

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._text_changed)
        self.search_box.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self._open_index)  # Enter: see eventFilter
        self.new_button.clicked.connect(self.new_patient)
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.new_patient)
        rv = self.record_view
        rv.sig_back_requested.connect(self.show_results)
        rv.sig_edit_requested.connect(self._edit_patient)
        rv.sig_add_coverage_requested.connect(lambda: self._with_payers(self._add_coverage))
        rv.sig_edit_coverage_requested.connect(
            lambda c: self._with_payers(lambda payers: self._edit_coverage(payers, c))
        )
        rv.sig_end_coverage_requested.connect(self._end_coverage)
        rv.sig_record_changed.connect(self._reopen)
        self._connect_check_in()

    def _connect_check_in(self) -> None:
        """Ctrl+I in the lookup checks in the selected patient's visit today (issue 10),
        through the same decision and override flow as Today and the record."""
        auth = self._auth
        self.check_in_flow: CheckInFlow | None = None
        if auth is None or auth.checkin is None:
            return
        self.check_in_flow = CheckInFlow(
            auth.checkin, self._runner, self, today=self._today, now=self._now,
            show=lambda _chip, text: self.status_label.setText(text),
            on_checked_in=lambda _r: self.refresh())
        shortcut = QShortcut(QKeySequence("Ctrl+I"), self.search_panel)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.check_in_selected)

    def check_in_selected(self) -> None:
        auth, flow = self._auth, self.check_in_flow
        value = self.table.currentIndex().data(PATIENT_ID_ROLE)
        if auth is None or auth.checkin is None or flow is None or value is None:
            return
        self._runner.submit(auth.checkin.visit_today, int(value), self._today(),
                            on_done=lambda vid: flow.run(vid) if vid is not None else
                            self.status_label.setText("No visit to check in today for this "
                                                      "patient: book one from the record."),
                            on_error=self._failed)

    # ---- searching ----------------------------------------------------------------------
    def focus_search(self) -> None:
        if self.stack.currentIndex() != 0:
            self.show_results()
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # ---- selecting and opening ----------------------------------------------------------
    def selected_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = index.data(PATIENT_ID_ROLE)
        return int(value) if value is not None else None

    def _select_patient(self, patient_id: int | None) -> None:
        found = self.model.row_of(patient_id) if patient_id is not None else None
        row = found or 0
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.proxy.index(row, COL_NAME))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search_box:
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.proxy.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self._select_patient(None)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
        elif watched is self.table:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_selected()
                return True
            at_top = self.table.currentIndex().row() <= 0
            if key == Qt.Key.Key_Escape or (key == Qt.Key.Key_Up and at_top):
                self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            if (
                event.text().isprintable()
                and event.text().strip()
                and not event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                # Typing in the table goes on in the search box.
                self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                self.search_box.insert(event.text())
                return True
        return super().eventFilter(watched, event)

    def open_selected(self) -> None:
        if not self.proxy.rowCount():
            return
        if not self.table.currentIndex().isValid():
            self._select_patient(None)
        self._open_index(self.table.currentIndex())

    def _open_index(self, index: QModelIndex) -> None:
        value = index.data(PATIENT_ID_ROLE) if index.isValid() else None
        if value is not None:
            self.open_patient(int(value))

    def open_patient(self, patient_id: int) -> None:
        self._runner.submit(
            self._patients.get,
            patient_id,
            self._today(),
            on_done=self._show_record,
            on_error=self._failed,
            key="patient-open",
        )

    def _show_record(self, record: PatientRecord) -> None:
        self.record_view.show_record(record)
        self.stack.setCurrentWidget(self.record_view)
        self.record_view.focus_default()
        self.sig_patient_opened.emit(record.patient.id)

    def show_results(self) -> None:
        """Back to the results, the search and the selection as they were."""
        self.stack.setCurrentIndex(0)
        if self.proxy.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_record(self) -> PatientRecord | None:
        return self.record_view.record if self.stack.currentIndex() == 1 else None

    def shutdown(self) -> None:
        """Nothing of its own to stop: the runner belongs to the window."""
