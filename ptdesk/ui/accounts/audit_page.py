"""The Audit page (office manager only): who did what, filtered, and exported as CSV."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Protocol, cast

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.audit_log import AuditFilter, AuditRow
from ptdesk.ui.accounts.audit_model import ACTION_WORDS, AuditTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.permission_guard import guard

_ANY = "(any)"


class AuditApi(Protocol):
    def entries(self, f: AuditFilter, limit: int = ...) -> tuple[AuditRow, ...]: ...
    def choices(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]: ...
    def export_csv(self, f: AuditFilter) -> str: ...


class AuditPage(QWidget):
    def __init__(self, api: AuditApi, runner: TaskRunner, *, today: Callable[[], date],
                 now: Callable[[], datetime]) -> None:
        super().__init__()
        self._api, self._runner, self._today, self._now = api, runner, today, now
        lay = QVBoxLayout(self)
        title = QLabel("Audit trail")
        title.setStyleSheet("font-size: 18px; font-weight: 600;")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        lay.addLayout(head)
        bar = QHBoxLayout()
        self.user = self._combo("User")
        self.action = self._combo("Action")
        self.table = self._combo("Table")
        self.patient = QLineEdit()
        self.patient.setPlaceholderText("#")
        self.patient.setAccessibleName("Patient number")
        self.patient.setFixedWidth(70)
        self.since = self._day("From", today() - timedelta(days=30))
        self.until = self._day("To", today())
        for label, w in (("User", self.user), ("Action", self.action), ("Table", self.table),
                         ("Patient", self.patient), ("From", self.since), ("To", self.until)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        self.apply_button = QPushButton("&Show")
        self.export_button = QPushButton("&Export CSV…")
        guard(self.export_button, Permission.EXPORT_DATA,
              "Save the entries shown as a CSV file (the export is recorded too)")
        bar.addWidget(self.apply_button)
        bar.addStretch(1)
        head.addWidget(self.export_button)  # on the title row: the filter row fits 1280 px
        lay.addLayout(bar)
        self.model = AuditTableModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Audit entries")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((195, 120, 115, 165, 50, 75, 190)):
            self.view.setColumnWidth(col, width)
        lay.addWidget(self.view, 1)
        self.status = QLabel("")
        self.status.setStyleSheet(f"color: {MUTED};")
        lay.addWidget(self.status)
        self.apply_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.refresh()

    def _combo(self, name: str) -> QComboBox:
        c = QComboBox()
        c.setAccessibleName(name)
        c.addItem(_ANY, None)
        c.setMinimumWidth(110)
        return c

    def _day(self, name: str, day: date) -> QDateEdit:
        d = QDateEdit(QDate(day.year, day.month, day.day))
        d.setCalendarPopup(True)
        d.setDisplayFormat("MMM d, yyyy")
        d.setAccessibleName(name)
        return d

    def current_filter(self) -> AuditFilter:
        tz = self._now().tzinfo
        since: date = self.since.date().toPython()  # type: ignore[assignment]
        until: date = self.until.date().toPython()  # type: ignore[assignment]
        text = self.patient.text().strip()
        return AuditFilter(
            actor=self.user.currentData(), action=self.action.currentData(),
            table_name=self.table.currentData(),
            patient_id=int(text) if text.isdigit() else None,
            since=datetime.combine(since, time(), tz),
            until=datetime.combine(until + timedelta(days=1), time(), tz))

    def refresh(self) -> None:
        self._runner.submit(lambda f: (self._api.choices(), self._api.entries(f)),
                            self.current_filter(), on_done=self._show, on_error=self._failed,
                            key="audit")

    def _fill(self, combo: QComboBox, values: tuple[str, ...],
              words: dict[str, str] | None = None) -> None:
        keep = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_ANY, None)
        for v in values:
            combo.addItem((words or {}).get(v, v), v)
        i = combo.findData(keep)
        combo.setCurrentIndex(max(i, 0))
        combo.blockSignals(False)

    def _show(self, result: object) -> None:
        choices, rows = cast("tuple[tuple[tuple[str, ...], ...], tuple[AuditRow, ...]]", result)
        actors, actions, tables = choices
        self._fill(self.user, actors)
        self._fill(self.action, actions, ACTION_WORDS)
        self._fill(self.table, tables)
        self.model.set_rows(rows)
        self.status.setText(f"{len(rows)} entries, newest first")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(exc.message if isinstance(exc, DomainError) else
                            "Could not read the audit trail: see the log")

    def choose_csv_path(self) -> str:
        """Where to save (tests replace this)."""
        path, _f = QFileDialog.getSaveFileName(self, "Export the audit trail",
                                               f"audit-{self._today():%Y%m%d}.csv",
                                               "CSV files (*.csv)")
        return path

    def export(self) -> None:
        path = self.choose_csv_path()
        if not path:
            return
        try:
            text = self._api.export_csv(self.current_filter())
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except (OSError, DomainError) as exc:
            self.status.setText(f"Could not export: {getattr(exc, 'message', None) or exc}")
            return
        self.status.setText(f"Exported to {path}")
        self.refresh()
