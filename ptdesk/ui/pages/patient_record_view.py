"""One opened patient: who it is (header), their coverages, their visits.

The view only shows a `PatientRecord` and says what the person asked for through signals; the
patients page owns the dialogs and the database round trips.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.patient_rules import SEXES
from ptdesk.services.patient_dtos import CoverageInfo, PatientRecord
from ptdesk.ui.models.record_models import CoverageTableModel, VisitTableModel
from ptdesk.ui.theme import BORDER, ROW_HEIGHT, SURFACE
from ptdesk.ui.widgets.date_field import format_date


def coverage_summary(c: CoverageInfo | None, rank: str) -> str:
    if c is None:
        return f"{rank}: none in force"
    parts = [f"{rank}: {c.payer_name}", f"member {c.member_id}"]
    if c.draft.copay is not None:
        parts.append(f"copay ${c.draft.copay:,.2f}")
    if c.draft.coinsurance_pct is not None:
        parts.append(f"coinsurance {c.draft.coinsurance_pct.normalize():f}%")
    if c.end_date is not None:
        parts.append(f"ends {format_date(c.end_date)}")
    return " · ".join(parts)


def _table(model: CoverageTableModel | VisitTableModel, name: str, stretch: int) -> QTableView:
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
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    view.setStyleSheet("QTableView::item { padding-left: 8px; padding-right: 8px; }")
    return view


class PatientRecordView(QWidget):
    sig_back_requested = Signal()
    sig_edit_requested = Signal()
    sig_add_coverage_requested = Signal()
    sig_edit_coverage_requested = Signal(object)  # CoverageInfo
    sig_end_coverage_requested = Signal(object)  # CoverageInfo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: PatientRecord | None = None
        self._build_ui()
        self._connect()

    def _build_ui(self) -> None:
        self.back_button = QPushButton("← Back to results")
        self.back_button.setToolTip("Back to the search results (Esc)")
        self.edit_button = QPushButton("&Edit patient")
        self.edit_button.setProperty("primary", True)
        self.edit_button.setToolTip("Edit name, date of birth, phones, address (Ctrl+E)")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.edit_button)

        self.name_label = QLabel()
        self.name_label.setProperty("role", "title")
        self.name_label.setObjectName("patientName")
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
        head.addWidget(self.name_label, 0, 0)
        head.addWidget(self.identity_label, 1, 0)
        head.addWidget(self.contact_label, 2, 0)
        head.addWidget(self.primary_label, 1, 1)
        head.addWidget(self.secondary_label, 2, 1)
        head.setColumnStretch(0, 1)
        head.setColumnStretch(1, 1)

        self.coverages = CoverageTableModel(self)
        self.coverage_view = _table(self.coverages, "Coverages", CoverageTableModel.COL_PAYER)
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(header)
        layout.addLayout(cov_bar)
        layout.addWidget(self.coverage_view)
        layout.addLayout(visits, 1)
        self.setTabOrder(self.back_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.add_coverage_button)
        self.setTabOrder(self.add_coverage_button, self.coverage_view)
        self.setTabOrder(self.coverage_view, self.edit_coverage_button)
        self.setTabOrder(self.edit_coverage_button, self.end_coverage_button)
        self.setTabOrder(self.end_coverage_button, self.upcoming_view)
        self.setTabOrder(self.upcoming_view, self.past_view)

    def _connect(self) -> None:
        self.back_button.clicked.connect(self.sig_back_requested)
        self.edit_button.clicked.connect(self.sig_edit_requested)
        self.add_coverage_button.clicked.connect(self.sig_add_coverage_requested)
        self.edit_coverage_button.clicked.connect(self._edit_coverage)
        self.end_coverage_button.clicked.connect(self._end_coverage)
        self.coverage_view.activated.connect(self._edit_coverage)
        self.coverage_view.selectionModel().selectionChanged.connect(self._update_buttons)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
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
        self.record = record
        p = record.patient
        self.name_label.setText(p.display_name + ("" if p.active else "  (inactive)"))
        self.name_label.setAccessibleName(f"Patient {p.display_name}")
        sex = SEXES.get(p.sex, "")
        identity = [
            f"Born {format_date(p.date_of_birth)} · {record.age} years",
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
        self.coverages.set_rows(record.coverages)
        self.upcoming.set_rows(record.upcoming_visits)
        self.past.set_rows(record.past_visits)
        self.upcoming_title.setText(f"Upcoming visits ({len(record.upcoming_visits)})")
        self.past_title.setText("Past visits" + (" (most recent)" if record.past_visits else ""))
        if record.coverages:
            self.coverage_view.selectRow(0)
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
