"""One opened patient: who it is (header), the authorization panel, coverages, visits.

The view shows a `PatientRecord` and says what the person asked for through signals; the
patients page owns the patient and coverage dialogs. Given the authorization services, the view
embeds the authorization panel (which loads and saves through the runner itself) and the visit
actions (book, check in, cancel, no-show, void); after each change it emits
`sig_record_changed`, the page reloads the record, and the panel reloads with it.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
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

from ptdesk.domain.patient_rules import SEXES
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import Status
from ptdesk.domain.words import plural
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.patients.dtos import (
    CoverageInfo,
    PatientRecord,
    ProviderOption,
    ReferenceApi,
    VisitInfo,
)
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.ui.authorizations.authorization_panel import AuthorizationPanel
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.estimates.record_estimates import EstimateDeskApi, RecordEstimates
from ptdesk.ui.patients.record_models import CoverageTableModel, VisitTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import BORDER, ROW_HEIGHT, SURFACE
from ptdesk.ui.visits.checkin_flow import CheckInFlow
from ptdesk.ui.visits.visit_dialogs import BookVisitDialog, VoidVisitDialog
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.status_chip import StatusChip
from ptdesk.ui.widgets.table_export import install_csv_export

# The authorization panel's card needs this much for its row of buttons (Why N used?, Edit,
# End…, Request extension…); below it the splitter stops, and the window scrolls no words away.
PANEL_MIN_WIDTH = 500


def coverage_summary(c: CoverageInfo | None, rank: str) -> str:
    if c is None:
        return f"{rank}: none in force"
    parts = [f"{rank}: {c.payer_name}"]
    if c.member_id:  # self-pay has none: "member" with nothing after reads as missing data
        parts.append(f"member {c.member_id}")
    if c.draft.copay is not None:
        parts.append(f"copay ${c.draft.copay:,.2f}")
    if c.draft.coinsurance_pct is not None:
        parts.append(f"coinsurance {c.draft.coinsurance_pct.normalize():f}%")
    if c.end_date is not None:
        parts.append(f"ends {format_date(c.end_date)}")
    return " · ".join(parts)


def _table(
    model: CoverageTableModel | VisitTableModel, name: str, elide: int | None = None
) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    # Every column as wide as its words (a stretched column was squeezed to "Pro…" at
    # 1280x800, and a stretched last one is cut the same way when space runs out): a narrow
    # window scrolls sideways instead of cutting words.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(False)
    if elide is not None:  # this one gives way (whole in its tooltip): the rest stays whole
        view.horizontalHeader().setSectionResizeMode(elide, QHeaderView.ResizeMode.Stretch)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    view.setWordWrap(False)
    view.setStyleSheet("QTableView::item { padding-left: 8px; padding-right: 8px; }")
    install_csv_export(view, name)
    return view


class PatientRecordView(QWidget):
    sig_back_requested = Signal()
    sig_edit_requested = Signal()
    sig_add_coverage_requested = Signal()
    sig_edit_coverage_requested = Signal(object)  # CoverageInfo
    sig_end_coverage_requested = Signal(object)  # CoverageInfo
    sig_record_changed = Signal()  # a visit or authorization changed: reload the record

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

        self.name_label = QLabel()
        # The large font is set on the label itself, not through a style-sheet property: the
        # layout then sizes the label for the text it really shows (no chip over the name).
        title_font = self.name_label.font()
        title_font.setPointSizeF(15)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.name_label.setFont(title_font)
        self.name_label.setObjectName("patientName")
        self.name_label.setContentsMargins(0, 0, 14, 0)  # room between the name and its chip
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_label = QLabel()
        self.identity_label.setObjectName("patientIdentity")
        self.contact_label = QLabel()
        self.contact_label.setProperty("role", "hint")
        self.contact_label.setWordWrap(True)
        self.primary_label = QLabel()
        self.primary_label.setObjectName("primaryCoverage")
        self.secondary_label = QLabel()
        self.secondary_label.setObjectName("secondaryCoverage")
        header = QFrame()
        header.setObjectName("patientHeader")
        header.setStyleSheet(
            f"#patientHeader {{ background: {SURFACE}; border: 1px solid {BORDER};"
            " border-radius: 4px; }"
        )
        head = QGridLayout(header)
        head.setContentsMargins(14, 10, 14, 10)
        head.setHorizontalSpacing(32)
        self.status_chip = StatusChip(icon=22, bold=True)
        self.status_chip.setObjectName("patientStatus")
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.status_chip)
        name_row.addStretch(1)
        head.addLayout(name_row, 0, 0, 1, 2)
        head.addWidget(self.identity_label, 1, 0)
        head.addWidget(self.contact_label, 2, 0)
        head.addWidget(self.primary_label, 1, 1)
        head.addWidget(self.secondary_label, 2, 1)
        head.setColumnStretch(0, 1)
        head.setColumnStretch(1, 1)

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
        self.book_button.setToolTip("Book a visit (Ctrl+B)")
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
        layout.addWidget(header)
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
        p = record.patient
        self.name_label.setText(p.display_name + ("" if p.active else "  (inactive)"))
        self.name_label.setAccessibleName(f"Patient {p.display_name}")
        sex = SEXES.get(p.sex, "")
        identity = [
            f"Born {format_date(p.date_of_birth)} · {plural(record.age, 'year')}",
            f"Chart {p.chart_number}",
        ]
        if sex and p.sex != "U":
            identity.append(sex)
        self.identity_label.setText(" · ".join(identity))
        contact = []
        if p.phone_mobile:
            contact.append(f"Mobile {p.phone_mobile}")
        if p.phone_home:
            contact.append(f"Home {p.phone_home}")
        if p.email:
            contact.append(p.email)
        address = ", ".join(
            x
            for x in (p.address_line1, p.address_line2, p.city, f"{p.state} {p.postal_code}")
            if x.strip()
        )
        if address:
            contact.append(address)
        self.contact_label.setText(" · ".join(contact) or "No phone or address on file")
        self.primary_label.setText(coverage_summary(record.in_force(1), "Primary"))
        self.secondary_label.setText(coverage_summary(record.in_force(2), "Secondary"))
        if record.in_force(1) is None and record.in_force(2) is None:
            self.primary_label.setText("No coverage in force today (self-pay)")
            self.secondary_label.setText("")
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
        self.check_in_button.setEnabled(booked)
        self.cancel_visit_button.setEnabled(booked)
        self.no_show_button.setEnabled(booked)
        self.void_button.setEnabled(visit is not None and visit.status in (
            VisitStatus.BOOKED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED))
        self.history_button.setEnabled(visit is not None)

    # ---- visits -------------------------------------------------------------------------
    _picked: QTableView | None = None

    def _pick(self, view: QTableView) -> None:
        self._picked = view
        other = self.past_view if view is self.upcoming_view else self.upcoming_view
        other.clearSelection()
        self._update_buttons()

    def selected_visit(self) -> VisitInfo | None:
        order = [self.upcoming_view, self.past_view]
        if self._picked is self.past_view:
            order.reverse()
        for view in order:
            rows = view.selectionModel().selectedRows()
            if rows:
                model = self.upcoming if view is self.upcoming_view else self.past
                info: VisitInfo = model._rows[rows[0].row()]
                return info
        return None

    def select_visit(self, visit_id: int) -> bool:
        for view, model in ((self.upcoming_view, self.upcoming), (self.past_view, self.past)):
            for row, v in enumerate(model._rows):
                if v.id == visit_id:
                    self._pick(view)
                    view.selectRow(row)
                    return True
        return False

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def _visit_done(self, result: object) -> None:
        if result is not None:
            self.sig_record_changed.emit()

    def _visit_action(self, action: str) -> None:
        visit = self.selected_visit()
        if action == "check_in" and (visit is None or visit.status is not VisitStatus.BOOKED):
            visit = self._todays_booked()  # Ctrl+I on the patient: today's visit
        if self._auth is None or self._runner is None or visit is None:
            return
        if visit.status is not VisitStatus.BOOKED:
            return
        api = self._auth.visits
        if action == "check_in" and self.check_in_flow is not None:
            self.check_in_flow.run(visit.id)
        elif action == "check_in":
            self._runner.submit(api.check_in, visit.id, self._now(), on_done=self._visit_done,
                                on_error=self._failed)
        elif action == "cancel":
            self._runner.submit(api.cancel, visit.id, on_done=self._visit_done,
                                on_error=self._failed)
        else:
            self._runner.submit(api.no_show, visit.id, on_done=self._visit_done,
                                on_error=self._failed)

    def _todays_booked(self) -> VisitInfo | None:
        if self.record is None:
            return None
        today = self._today()
        return next((v for v in self.record.upcoming_visits
                     if v.visit_date == today and v.status is VisitStatus.BOOKED), None)

    def _show_outcome(self, chip: StatusChipView | None, text: str) -> None:
        self.outcome.set_chip(None if chip is None else replace(chip, text=text))
        if chip is None:
            self.outcome.set_chip(StatusChipView(Status.NOT_TRACKED, "", text))

    def void_visit(self) -> None:
        visit = self.selected_visit()
        if self._auth is None or self._runner is None or visit is None:
            return
        self._visit_done(VoidVisitDialog.ask(self, self._auth.visits, self._runner, visit))

    def visit_history(self) -> None:
        visit = self.selected_visit()
        if self._auth is None or self._runner is None or visit is None:
            return
        from ptdesk.ui.session.visit_history_dialog import VisitHistoryDialog

        self._runner.submit(self._auth.visits.history, visit.id,
                            on_done=lambda h: self._show_dialog(VisitHistoryDialog(h, self)),
                            on_error=self._failed)

    @staticmethod
    def _show_dialog(dialog: QDialog) -> None:
        dialog.exec()

    def book_visit(self) -> None:
        if self._auth is None or self._runner is None or self.record is None:
            return
        if self._reference is None:
            self._book(())
            return
        reference = self._reference
        self._runner.submit(lambda: reference.providers(), on_done=self._book,
                            on_error=self._failed)

    def _book(self, providers: tuple[ProviderOption, ...]) -> None:
        if self._auth is None or self._runner is None or self.record is None:
            return
        if self._auth.booking is not None:  # issue 10 #2: a series, dates outside shown
            from ptdesk.ui.visits.series_dialog import BookSeriesDialog

            self._visit_done(BookSeriesDialog.ask_series(
                self, self._auth.booking, self._auth.visits, self._runner, self._today(),
                self.record.patient.id, self.record.coverages, providers))
            return
        self._visit_done(BookVisitDialog.ask(self, self._auth.visits, self._runner,
                                             self._today(), self.record.patient.id,
                                             self.record.coverages, providers))

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
