"""The Import page: pick a kind and a CSV file, see how its columns were matched and change
that, check it (a dry run listing every refused row with its line number and reason), then
import the good rows with a progress bar. All file and database work runs on the task runner;
progress comes back through a queued signal."""

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.imports.columns import SPECS, ImportKind
from ptdesk.services.imports.dtos import ImportPreview, ImportReport
from ptdesk.services.imports.reader import ImportFileError, read_bytes
from ptdesk.ui.imports.import_models import ProblemsModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.rows_model import SORT_ROLE
from ptdesk.ui.widgets.table_export import install_csv_export

NOT_IN_FILE = "(not in the file)"
ORDER_HINT = ("Import in this order: payers, patients, coverages, authorizations, visits. "
              "Check first: nothing is saved until you press Import. Rows are matched on "
              "their key, so importing a file again updates them instead of adding copies.")


class ImportApi(Protocol):
    def run(self, kind: ImportKind, data: bytes, *, today: date,
            mapping: dict[str, str | None] | None = None, dry_run: bool = False,
            progress: Callable[[int], None] | None = None) -> ImportReport: ...


class _Progress(QObject):
    """Emitted from the worker thread; Qt queues it to the page's thread."""

    sig_changed = Signal(int)


def read_preview(kind: ImportKind, path: str) -> tuple[bytes, ImportPreview]:
    from ptdesk.services.imports.service import ImportService

    data = read_bytes(Path(path))
    return data, ImportService.read(kind, data)


class ImportPage(QWidget):
    sig_imported = Signal(object)  # ImportReport

    def __init__(self, imports: ImportApi, runner: TaskRunner, *,
                 today: Callable[[], date]) -> None:
        super().__init__()
        self._imports = imports
        self._runner = runner
        self._today = today
        self._data: bytes | None = None
        self._preview: ImportPreview | None = None
        self._combos: dict[str, QComboBox] = {}
        self._progress = _Progress(self)
        self._build_ui()
        self._connect()
        self._set_kind(0)

    # --- building --------------------------------------------------------------------------
    def _build_ui(self) -> None:
        title = QLabel("Import from another system")
        title.setProperty("role", "title")
        hint = QLabel(ORDER_HINT)
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.kind = QComboBox()
        self.kind.setAccessibleName("What the file holds")
        for k in ImportKind:
            self.kind.addItem(k.label, k.value)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("No file chosen")
        self.path.setAccessibleName("CSV file")
        self.choose = QPushButton("Choose &file…")
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind)
        top = QHBoxLayout()
        top.addWidget(kind_label)
        top.addWidget(self.kind)
        top.addSpacing(12)
        top.addWidget(self.path, 1)
        top.addWidget(self.choose)
        self.file_info = QLabel()
        self.file_info.setWordWrap(True)
        self.mapping_box = QGroupBox("Columns: ptdesk's column ← the file's column")
        self.mapping_form = QFormLayout()
        self.mapping_form.setHorizontalSpacing(12)
        inner = QWidget()
        inner.setLayout(self.mapping_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        legend = QLabel("* needed. Change a match with its list; columns left out stay empty.")
        legend.setWordWrap(True)
        legend.setProperty("role", "hint")
        box = QVBoxLayout(self.mapping_box)
        box.addWidget(legend)
        box.addWidget(scroll)
        self.mapping_box.setMinimumWidth(380)
        self.check_button = QPushButton("&Check (dry run)")
        self.import_button = QPushButton("&Import good rows")
        self.import_button.setProperty("primary", True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName("Import progress")
        self.bar.setVisible(False)
        self.summary = QLabel("Choose a file to see how its columns match.")
        self.summary.setWordWrap(True)
        self.problems = ProblemsModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.problems)
        proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("importProblems")
        self.table.setModel(proxy)
        self.table.setAccessibleName("Refused rows")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by line, as in the file
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        install_csv_export(self.table, "refused rows")
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.bar, 1)
        right = QVBoxLayout()
        right.addLayout(buttons)
        right.addWidget(self.summary)
        right.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addWidget(self.mapping_box, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(top)
        layout.addWidget(self.file_info)
        layout.addLayout(body, 1)

    def _connect(self) -> None:
        self.kind.currentIndexChanged.connect(self._set_kind)
        self.choose.clicked.connect(self._choose)
        self.check_button.clicked.connect(lambda: self.start(dry_run=True))
        self.import_button.clicked.connect(lambda: self.start(dry_run=False))
        self._progress.sig_changed.connect(self.bar.setValue)

    # --- choosing ----------------------------------------------------------------------------
    @property
    def current_kind(self) -> ImportKind:
        return ImportKind(self.kind.currentData())

    @classmethod
    def ask_file(cls, parent: QWidget) -> str | None:
        """The file dialog (tests replace it)."""
        path, _ = QFileDialog.getOpenFileName(parent, "Choose a CSV file", "",
                                              "CSV files (*.csv *.txt);;All files (*)")
        return path or None

    def _choose(self) -> None:
        path = type(self).ask_file(self)
        if path:
            self.load_file(path)

    def _set_kind(self, _index: int) -> None:
        if self.path.text():
            self.load_file(self.path.text())
        else:
            self._show_mapping(None)

    def load_file(self, path: str) -> None:
        self.path.setText(path)
        self._busy(True, "Reading the file…")
        self._runner.submit(read_preview, self.current_kind, path, on_done=self._read,
                            on_error=self._failed, key="import-read")

    def _read(self, result: tuple[bytes, ImportPreview]) -> None:
        self._data, self._preview = result
        self._show_mapping(self._preview)
        self._describe_file()
        self.problems.set_rows(())
        self._busy(False, self._mapping_words())

    def _show_mapping(self, preview: ImportPreview | None) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self._combos.clear()
        spec = SPECS[self.current_kind]
        found = {c.column: c.header for c in preview.columns} if preview else {}
        for col in spec.columns:
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for h in preview.headers if preview else ():
                if h:
                    combo.addItem(h, h)
            header = found.get(col)
            if header is not None:
                combo.setCurrentIndex(combo.findData(header))
            combo.setAccessibleName(f"File column for {col}")
            combo.currentIndexChanged.connect(self._mapping_changed)
            self._combos[col] = combo
            label = QLabel(f"{col}{' *' if col in spec.required else ''}")
            label.setBuddy(combo)
            self.mapping_form.addRow(label, combo)

    def mapping(self) -> dict[str, str | None]:
        return {col: combo.currentData() for col, combo in self._combos.items()}

    def missing(self) -> list[str]:
        spec = SPECS[self.current_kind]
        return [c for c, h in self.mapping().items() if c in spec.required and h is None]

    def _mapping_words(self) -> str:
        missing = self.missing()
        if missing:
            return (f"Choose the file's column for {', '.join(missing)} (needed) before "
                    "checking.")
        return "Columns matched. Check the file first: refused rows are listed here."

    def _describe_file(self) -> None:
        p = self._preview
        if p is None:
            self.file_info.setText("")
            return
        sep = {",": "comma", ";": "semicolon", "\t": "tab"}.get(p.delimiter, p.delimiter)
        used = {h for h in self.mapping().values() if h}
        ignored = [h for h in p.headers if h and h not in used]
        words = f" Columns not imported: {', '.join(ignored)}." if ignored else ""
        self.file_info.setText(f"{p.rows:,} rows · {p.encoding} · separated by {sep}.{words}")

    def _mapping_changed(self, _index: int) -> None:
        self.summary.setText(self._mapping_words())
        self._describe_file()
        self._enable()

    # --- running -----------------------------------------------------------------------------
    def start(self, *, dry_run: bool) -> None:
        if self._data is None or self.missing():
            self.summary.setText(self._mapping_words() if self._data else
                                 "Choose a file first.")
            return
        self._busy(True, "Checking every row…" if dry_run else "Importing…")
        self.bar.setValue(0)
        self.bar.setVisible(True)
        work = partial(self._imports.run, self.current_kind, self._data, today=self._today(),
                       mapping=self.mapping(), dry_run=dry_run,
                       progress=self._progress.sig_changed.emit)
        self._runner.submit(work, on_done=self._done, on_error=self._failed)

    def _done(self, report: ImportReport) -> None:
        self.bar.setValue(100)
        self.bar.setVisible(not report.dry_run)  # a full bar after a check reads as "saved"
        self.problems.set_rows(report.problems)
        self.table.resizeColumnToContents(0)
        verb = ("Checked: nothing was saved." if report.dry_run else "Imported.")
        would = "would be " if report.dry_run else ""
        refused = (f" {len(report.problems):,} rows refused (below, with the reason); the "
                   "others are fine." if report.problems else " No row refused.")
        notes = (f" {len(report.notes):,} imported with a note (e.g. a provider not in "
                 "Settings)." if report.notes else "")
        self._busy(False, f"{verb} {report.rows_read:,} rows: {report.created:,} {would}new, "
                          f"{report.updated:,} {would}updated, {report.unchanged:,} "
                          f"unchanged.{refused}{notes}")
        if not report.dry_run:
            self.sig_imported.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.bar.setVisible(False)
        if isinstance(exc, ImportFileError):
            self._busy(False, f"This file cannot be imported: {exc}. Nothing was saved.")
            return
        self._busy(False, "The import stopped; nothing was saved. Details are in the log.")
        from ptdesk.ui.error_dialog import report_unexpected

        report_unexpected(type(exc), exc, exc.__traceback__)

    def _busy(self, busy: bool, words: str) -> None:
        self._working = busy
        self.summary.setText(words)
        self._enable()

    def _enable(self) -> None:
        ready = not getattr(self, "_working", False) and self._data is not None
        self.check_button.setEnabled(ready and not self.missing())
        self.import_button.setEnabled(ready and not self.missing())
        self.choose.setEnabled(not getattr(self, "_working", False))
        self.kind.setEnabled(not getattr(self, "_working", False))
