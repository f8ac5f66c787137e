"""One opened patient: who it is (header), the authorization panel, coverages, visits.

The view shows a `PatientRecord` and says what the person asked for through signals; the
patients page owns the patient and coverage dialogs. Given the authorization services, the view
embeds the authorization panel (which loads and saves through the runner itself) and the visit
actions (book, check in, cancel, no-show, void); after each change it emits
`sig_record_changed`, the page reloads the record, and the panel reloads with it.
"""

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.services.patients.dtos import (
    CoverageInfo,
    PatientRecord,
    ReferenceApi,
)
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.ui.authorizations.authorization_panel import AuthorizationPanel
from ptdesk.ui.estimates.record_estimates import EstimateDeskApi, RecordEstimates
from ptdesk.ui.patients.record_header import PatientHeader
from ptdesk.ui.patients.record_header import coverage_summary as coverage_summary
from ptdesk.ui.patients.record_models import CoverageTableModel, VisitTableModel
from ptdesk.ui.patients.record_visits import RecordVisits
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.visits.checkin_flow import CheckInFlow
from ptdesk.ui.widgets.list_table import list_table
from ptdesk.ui.widgets.permission_guard import allow, guard
from ptdesk.ui.widgets.status_chip import StatusChip

# The authorization panel's card needs this much for its row of buttons (Why N used?, Edit,
# End…, Request extension…); below it the splitter stops, and the window scrolls no words away.
PANEL_MIN_WIDTH = 500


def _table(
    model: CoverageTableModel | VisitTableModel, name: str, elide: int | None = None
) -> QTableView:
    # Every column as wide as its words (a stretched column was squeezed to "Pro…" at
    # 1280x800, and a stretched last one is cut the same way when space runs out): a narrow
    # window scrolls sideways instead of cutting words.
    view = list_table(model, name, stretch_last=False, padded=True)
    if elide is not None:  # this one gives way (whole in its tooltip): the rest stays whole
        view.horizontalHeader().setSectionResizeMode(elide, QHeaderView.ResizeMode.Stretch)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return view


class PatientRecordView(RecordVisits):
    sig_back_requested = Signal()
    sig_edit_requested = Signal()
    sig_add_coverage_requested = Signal()
    sig_edit_coverage_requested = Signal(object)  # CoverageInfo
    sig_end_coverage_requested = Signal(object)  # CoverageInfo

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        auth: AuthorizationApis | None = None,
        runner: TaskRunner | None = None,
        today: Callable[[], date] | None = None,
        now: Callable[[], datetime] | None = None,
        reference: ReferenceApi | None = None,
        estimates: EstimateDeskApi | None = None,
    ) -> None:
        super().__init__(parent)
        self.record: PatientRecord | None = None
        self._auth = auth
        self._runner = runner
        self._today = today or date.today
        self._now = now or datetime.now
        self._reference = reference
        self.panel: AuthorizationPanel | None = None
        if auth is not None and runner is not None:
            self.panel = AuthorizationPanel(auth, runner, today=self._today, now=self._now)
        self.estimates: RecordEstimates | None = None  # issue 11: estimates given, "Estimate…"
        if estimates is not None and runner is not None:
            self.estimates = RecordEstimates(estimates, runner, record=self, today=self._today,
                                             now=self._now)
        self._build_ui()
        self._connect()
        # Check-in decides here too (issue 10): the same flow as the Today page.
        self.check_in_flow: CheckInFlow | None = None
        if auth is not None and runner is not None and auth.checkin is not None:
            self.check_in_flow = CheckInFlow(
                auth.checkin, runner, self, today=self._today, now=self._now,
                show=self._show_outcome,
                on_checked_in=lambda _r: self.sig_record_changed.emit())

    def _build_ui(self) -> None:
        self.back_button = QPushButton("← Back to results")
        self.back_button.setToolTip("Back to the search results (Esc)")
        self.edit_button = QPushButton("&Edit patient")
        self.edit_button.setProperty("primary", True)
        self.edit_button.setToolTip("Edit name, date of birth, phones, address (Ctrl+E)")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        if self.estimates is not None:
            top.addWidget(self.estimates.button)
        top.addWidget(self.edit_button)

        self.header = PatientHeader()
        # the header's parts, as the record's own (the pages and tests read them here)
        self.name_label = self.header.name_label
        self.identity_label = self.header.identity_label
        self.contact_label = self.header.contact_label
        self.primary_label = self.header.primary_label
        self.secondary_label = self.header.secondary_label
        self.status_chip = self.header.status_chip

        self.coverages = CoverageTableModel(self)
        self.coverage_view = _table(self.coverages, "Coverages")
        self.coverage_view.setMaximumHeight(ROW_HEIGHT * 5 + 8)
        self.add_coverage_button = QPushButton("&Add coverage")
        self.edit_coverage_button = QPushButton("Edit co&verage")
        self.end_coverage_button = QPushButton("E&nd coverage")
        cov_bar = QHBoxLayout()
        cov_title = QLabel("Coverages")
        cov_title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        cov_bar.addWidget(cov_title)
        cov_bar.addStretch(1)
        for b in (self.add_coverage_button, self.edit_coverage_button, self.end_coverage_button):
            cov_bar.addWidget(b)

        self.upcoming = VisitTableModel(self)
        self.past = VisitTableModel(self)
        self.upcoming_view = _table(self.upcoming, "Upcoming visits", VisitTableModel.COL_PROVIDER)
        self.past_view = _table(self.past, "Past visits", VisitTableModel.COL_PROVIDER)
        self.upcoming_title = QLabel("Upcoming visits")
        self.past_title = QLabel("Past visits")
        visits = QGridLayout()
        visits.setHorizontalSpacing(16)
        for col, (title, view) in enumerate(
            ((self.upcoming_title, self.upcoming_view), (self.past_title, self.past_view))
        ):
            title.setStyleSheet("font-weight: 600; font-size: 11pt;")
            title.setBuddy(view)
            visits.addWidget(title, 0, col)
            visits.addWidget(view, 1, col)
        self.book_button = QPushButton("&Book visit…")
        guard(self.book_button, Permission.SCHEDULE_VISITS, "Book a visit (Ctrl+B)")
        self.check_in_button = QPushButton("Check &in")
        self.check_in_button.setToolTip("Check in the selected booked visit (Ctrl+I)")
        self.cancel_visit_button = QPushButton("Cance&l visit")
        self.no_show_button = QPushButton("No-s&how")
        self.void_button = QPushButton("&Void…")
        self.void_button.setToolTip("A visit recorded in error: it stops counting")
        self.history_button = QPushButton("Histor&y…")
        self.history_button.setToolTip("The visit's versions: who corrected it, when and why")
        visit_bar = QHBoxLayout()
        for b in (self.book_button, self.check_in_button, self.cancel_visit_button,
                  self.no_show_button, self.void_button, self.history_button):
            visit_bar.addWidget(b)
            b.setVisible(self.panel is not None)
        visit_bar.addStretch(1)
        self.outcome = StatusChip(icon=18)  # the check-in decision in one line
        self.outcome.setObjectName("checkInOutcome")
        self.outcome.setMinimumWidth(1)  # long words are elided (the tooltip has them all)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.header)
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        if self.panel is None:
            rlay.addLayout(cov_bar)
            rlay.addWidget(self.coverage_view)
        rlay.addLayout(visits, 1)
        rlay.addLayout(visit_bar)
        if self.estimates is not None and self.panel is None:
            rlay.addWidget(self.estimates)
        rlay.addWidget(self.outcome)
        if self.panel is None:
            layout.addWidget(right, 1)
        else:
            visits.removeWidget(self.past_title)
            visits.removeWidget(self.past_view)
            visits.addWidget(self.past_title, 2, 0)
            visits.addWidget(self.past_view, 3, 0)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.panel)
            scroll.setAccessibleName("Authorizations and limits")
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # The splitter sizes the scroll area, not the panel inside it: the floor goes on
            # the scroll area, or the panel's text is cut at its right edge.
            scroll.setMinimumWidth(PANEL_MIN_WIDTH + scroll.verticalScrollBar().sizeHint().width())
            self.panel_scroll = scroll
            # The coverages get the whole width (seven columns: squeezed beside the panel at
            # 1280x800 they lost the payer's name); the panel and the visits share the rest.
            layout.addLayout(cov_bar)
            layout.addWidget(self.coverage_view)
            split = QSplitter(Qt.Orientation.Horizontal)
            left: QWidget = scroll
            if self.estimates is not None:  # under the panel: the visits keep their height
                left = QWidget()
                llay = QVBoxLayout(left)
                llay.setContentsMargins(0, 0, 0, 0)
                llay.addWidget(scroll, 1)
                llay.addWidget(self.estimates)
            split.addWidget(left)
            split.addWidget(right)
            split.setStretchFactor(0, 1)
            split.setStretchFactor(1, 1)
            split.setChildrenCollapsible(False)
            self.split = split
            layout.addWidget(split, 1)
        self.setTabOrder(self.back_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.add_coverage_button)
        self.setTabOrder(self.add_coverage_button, self.coverage_view)
        self.setTabOrder(self.coverage_view, self.edit_coverage_button)
        self.setTabOrder(self.edit_coverage_button, self.end_coverage_button)
        self.setTabOrder(self.end_coverage_button, self.upcoming_view)
        self.setTabOrder(self.upcoming_view, self.past_view)
        self.setTabOrder(self.past_view, self.book_button)

    def _fit_coverage_rows(self, n: int) -> None:
        """As tall as its rows (1 to 4 shown; more scroll), so the panel keeps the height."""
        view = self.coverage_view
        bar = view.horizontalScrollBar().sizeHint().height()
        view.setFixedHeight(view.horizontalHeader().sizeHint().height()
                            + ROW_HEIGHT * max(1, min(n, 4)) + 2 * view.frameWidth() + bar)

    def _connect(self) -> None:
        self.back_button.clicked.connect(self.sig_back_requested)
        self.edit_button.clicked.connect(self.sig_edit_requested)
        self.add_coverage_button.clicked.connect(self.sig_add_coverage_requested)
        self.edit_coverage_button.clicked.connect(self._edit_coverage)
        self.end_coverage_button.clicked.connect(self._end_coverage)
        self.coverage_view.activated.connect(self._edit_coverage)
        self.coverage_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.book_button.clicked.connect(self.book_visit)
        self.check_in_button.clicked.connect(lambda: self._visit_action("check_in"))
        self.cancel_visit_button.clicked.connect(lambda: self._visit_action("cancel"))
        self.no_show_button.clicked.connect(lambda: self._visit_action("no_show"))
        self.void_button.clicked.connect(self.void_visit)
        self.history_button.clicked.connect(self.visit_history)
        for view in (self.upcoming_view, self.past_view):
            view.selectionModel().selectionChanged.connect(self._update_buttons)
            view.clicked.connect(lambda _i, v=view: self._pick(v))
        if self.panel is not None:
            self.panel.sig_changed.connect(self.sig_record_changed)
            self.panel.sig_loaded.connect(lambda view: self.status_chip.set_chip(
                view.status.chip))
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        if self.panel is not None:
            for seq, act in (("Ctrl+B", self.book_visit),
                             ("Ctrl+I", lambda: self._visit_action("check_in"))):
                sc = QShortcut(QKeySequence(seq), self)
                sc.setContext(context)
                sc.activated.connect(act)
        for keys, handler in (
            (QKeySequence(Qt.Key.Key_Escape), self.sig_back_requested.emit),
            (QKeySequence("Alt+Left"), self.sig_back_requested.emit),
            (QKeySequence("Ctrl+E"), self.sig_edit_requested.emit),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(handler)

    # ---- showing ------------------------------------------------------------------------
    def show_record(self, record: PatientRecord) -> None:
        same_patient = self.record is not None and self.record.patient.id == record.patient.id
        self.record = record
        self.header.show_record(record)
        p = record.patient
        previous = self.selected_visit()
        same = same_patient and previous is not None
        self.coverages.set_rows(record.coverages)
        self._fit_coverage_rows(len(record.coverages))
        self.upcoming.set_rows(record.upcoming_visits)
        self.past.set_rows(record.past_visits)
        if same and previous is not None:
            self.select_visit(previous.id)  # keep the visit selected across a reload
        self.upcoming_title.setText(f"Upcoming visits ({len(record.upcoming_visits)})")
        self.past_title.setText("Past visits" + (" (most recent)" if record.past_visits else ""))
        if record.coverages:
            self.coverage_view.selectRow(0)
        if self.panel is not None:
            if self.status_chip.chip is not None and self.panel.patient_id != p.id:
                self.status_chip.set_chip(None)
            self.panel.load(p.id, record.coverages)
        if self.estimates is not None:
            self.estimates.set_patient(p.id)
        self._update_buttons()

    def selected_coverage(self) -> CoverageInfo | None:
        rows = self.coverage_view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.coverages.coverage_at(rows[0].row())

    def _update_buttons(self) -> None:
        has = self.selected_coverage() is not None
        self.edit_coverage_button.setEnabled(has)
        self.end_coverage_button.setEnabled(has)
        visit = self.selected_visit()
        booked = visit is not None and visit.status is VisitStatus.BOOKED
        for b, tip in ((self.check_in_button, "Check in the selected booked visit (Ctrl+I)"),
                       (self.cancel_visit_button, "Cancel the selected booked visit"),
                       (self.no_show_button, "The patient did not come")):
            allow(b, Permission.SCHEDULE_VISITS, booked, tip)
        allow(self.void_button, Permission.VOID_VISIT, visit is not None and visit.status in (
            VisitStatus.BOOKED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED),
            "A visit recorded in error: it stops counting")
        self.history_button.setEnabled(visit is not None)

    def _edit_coverage(self) -> None:
        coverage = self.selected_coverage()
        if coverage is not None:
            self.sig_edit_coverage_requested.emit(coverage)

    def _end_coverage(self) -> None:
        coverage = self.selected_coverage()
        if coverage is not None:
            self.sig_end_coverage_requested.emit(coverage)

    def focus_default(self) -> None:
        self.edit_button.setFocus()
