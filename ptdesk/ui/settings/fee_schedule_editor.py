"""Settings section: the fee schedules the office manager keeps.

Pick a schedule (the computed default, the self-pay prices, or a payer's allowed amounts) and a
year; edit the amounts in the table (Insert adds a row, Delete removes one), save; or import a
CSV file (code,amount): good rows are kept, bad rows are listed with their line and reason.
"""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.services.billing.fee_schedule_dtos import FeeScheduleView, ImportReport, ScheduleScope
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.settings.fee_table_model import FeeTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.widgets.permission_guard import allow


class FeeSchedulesApi(Protocol):
    def years(self) -> tuple[int, ...]: ...

    def scopes(self) -> tuple[ScheduleScope, ...]: ...

    def schedule(self, scope: ScheduleScope, year: int) -> FeeScheduleView: ...

    def save(self, scope: ScheduleScope, year: int,
             rows: Sequence[tuple[str, Decimal]]) -> FeeScheduleView: ...

    def import_csv(self, scope: ScheduleScope, year: int, text: str,
                   source: str = "") -> ImportReport: ...


def read_csv_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return Path(path).read_text(encoding="cp1252")  # a spreadsheet saved on Windows


class FeeScheduleEditor(QWidget):
    def __init__(self, api: FeeSchedulesApi, runner: TaskRunner, *, this_year: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self._this_year = this_year
        self.scopes: tuple[ScheduleScope, ...] = ()
        self.view: FeeScheduleView | None = None
        self._build_ui()
        self._runner.submit(lambda: (api.scopes(), api.years()), on_done=self._loaded_scopes,
                            on_error=self._failed)

    def _build_ui(self) -> None:
        title = QLabel("Fee schedules")
        title.setProperty("role", "title")
        intro = QLabel("What each payer allows per unit, and the clinic's self-pay prices. A "
                       "code a payer's list leaves out is estimated at the default: CMS's "
                       "national non-facility amount times the clinic's locality factor.")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.scope_box = QComboBox()
        self.scope_box.setMinimumWidth(280)
        self.year_box = QComboBox()
        scope_label = QLabel("&Schedule")
        scope_label.setBuddy(self.scope_box)
        year_label = QLabel("&Year")
        year_label.setBuddy(self.year_box)
        self.add_button = QPushButton("&Add row")
        self.add_button.setToolTip("Add a code (Insert)")
        self.remove_button = QPushButton("&Remove row")
        self.remove_button.setToolTip("Remove the selected code (Delete)")
        self.import_button = QPushButton("&Import CSV…")
        self.import_button.setToolTip("A file with a header line: code,amount")
        self.save_button = QPushButton("Sa&ve")
        self.save_button.setProperty("primary", True)
        self.revert_button = QPushButton("Revert")
        bar = QHBoxLayout()
        for w in (scope_label, self.scope_box, year_label, self.year_box):
            bar.addWidget(w)
        bar.addStretch(1)
        for b in (self.add_button, self.remove_button, self.import_button, self.revert_button,
                  self.save_button):
            bar.addWidget(b)
        self.model = FeeTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Fee schedule")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FeeTableModel.COL_DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.source = QLabel()
        self.source.setProperty("role", "hint")
        self.source.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setAccessibleName("Rows not imported")
        self.problems.setMaximumHeight(120)
        self.problems.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.source)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        self.scope_box.currentIndexChanged.connect(lambda _i: self.load())
        self.year_box.currentIndexChanged.connect(lambda _i: self.load())
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.import_button.clicked.connect(self.import_file)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for seq, act in ((QKeySequence(Qt.Key.Key_Insert), self.add_row),
                         (QKeySequence(Qt.Key.Key_Delete), self.remove_row)):
            sc = QShortcut(seq, self.table)
            sc.setContext(context)
            sc.activated.connect(act)

    def _loaded_scopes(self, result: tuple[tuple[ScheduleScope, ...], tuple[int, ...]]) -> None:
        self.scopes, years = result
        for box in (self.scope_box, self.year_box):
            box.blockSignals(True)
            box.clear()
        for s in self.scopes:
            self.scope_box.addItem(s.label, s)
        for y in years:
            self.year_box.addItem(str(y), y)
        i = self.year_box.findData(self._this_year)
        self.year_box.setCurrentIndex(i if i >= 0 else self.year_box.count() - 1)
        self.scope_box.setCurrentIndex(1 if len(self.scopes) > 1 else 0)  # self-pay first
        for box in (self.scope_box, self.year_box):
            box.blockSignals(False)
        self.load()

    def current(self) -> tuple[ScheduleScope, int] | None:
        scope, year = self.scope_box.currentData(), self.year_box.currentData()
        return None if scope is None or year is None else (scope, year)

    def select_scope(self, label: str) -> None:
        self.scope_box.setCurrentIndex(self.scope_box.findText(label))

    def load(self) -> None:
        cur = self.current()
        if cur is None:
            return
        scope, year = cur
        default = self.scopes[0]
        self._runner.submit(lambda: (self._api.schedule(scope, year),
                                     self._api.schedule(default, year)),
                            on_done=self._show, on_error=self._failed, key="fee-schedule")

    def _show(self, result: tuple[FeeScheduleView, FeeScheduleView]) -> None:
        view, default = result
        self.view = view
        self.model.known_codes = {r.code: (r.description, r.amount) for r in default.rows}
        self.model.set_rows(view.rows, editable=view.scope.editable)
        for w in (self.add_button, self.remove_button, self.import_button, self.save_button,
                  self.revert_button):
            allow(w, Permission.EDIT_FEE_SCHEDULES, view.scope.editable)
        self.table.setColumnHidden(FeeTableModel.COL_DEFAULT, view.scope.kind == "default")
        self.table.setColumnHidden(FeeTableModel.COL_DIFF, view.scope.kind == "default")
        self.source.setText(("Source: " + view.source) if view.source else
                            "No list saved yet: add rows or import a CSV file.")
        if not view.scope.editable:
            self.status.setText("Computed from the CMS files: change the locality factor in "
                                "Clinic details.")

    def add_row(self) -> None:
        if not self.model.editable:
            return
        row = self.model.add_row()
        index = self.model.index(row, FeeTableModel.COL_CODE)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_row(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and self.model.editable:
            self.model.remove_row(rows[0].row())

    def save(self) -> None:
        cur = self.current()
        if cur is None or not self.model.editable:
            return
        problems = self.model.problems()
        if problems:
            self._show_problems("Not saved: fix the rows in red.", problems)
            return
        scope, year = cur
        self._runner.submit(self._api.save, scope, year, self.model.values(),
                            on_done=self._saved, on_error=self._failed)

    def _saved(self, view: FeeScheduleView) -> None:
        self._show_problems(f"Saved {len(view.rows)} amounts for {view.year}.", [])
        self.load()

    def choose_file(self) -> str:
        """The CSV to import (tests replace this)."""
        path, _filter = QFileDialog.getOpenFileName(self, "Import a fee schedule", "",
                                                    "CSV files (*.csv);;All files (*)")
        return path

    def import_file(self) -> None:
        cur = self.current()
        path = self.choose_file() if cur is not None and self.model.editable else ""
        if not path or cur is None:
            return
        scope, year = cur
        name = Path(path).name
        self._runner.submit(lambda: self._api.import_csv(scope, year, read_csv_text(path),
                                                         f"imported from {name}"),
                            on_done=self._imported, on_error=self._failed)

    def _imported(self, report: ImportReport) -> None:
        skipped = len(report.problems)
        words = f"Imported {report.kept} row{'s' * (report.kept != 1)}"
        words += (f"; {skipped} row{'s' * (skipped != 1)} not imported:" if skipped else ".")
        if not report.kept:
            words += " Nothing was changed."
        self._show_problems(words, [f"Line {p.line}: {p.reason}" for p in report.problems])
        self.load()

    def _show_problems(self, words: str, problems: list[str]) -> None:
        self.status.setText(words)
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self._show_problems("Not saved:", list(exc.errors.values()))
        elif isinstance(exc, DomainError):
            self._show_problems(exc.message, [])
        elif isinstance(exc, OSError):
            self._show_problems(f"Could not read the file: {exc.strerror or exc}", [])
        else:
            report_unexpected(type(exc), exc, exc.__traceback__, self)
