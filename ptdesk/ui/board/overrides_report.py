"""The overrides report (issue 10): every check-in that went ahead over a stop, with the
visit's date, the patient and chart, the reason, who and when. A week at a time (Alt+Left /
Alt+Right), printable and savable as PDF or CSV."""

import csv
from collections.abc import Callable
from datetime import date, timedelta
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPageLayout, QShortcut, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.domain.overrides import OverrideKind
from ptdesk.domain.permissions import Permission
from ptdesk.domain.words import plural
from ptdesk.services.accounts.access import exporting, record_ui_event
from ptdesk.services.visits.checkin_dtos import CheckInApi, OverrideView
from ptdesk.ui.board.report_models import OverridesModel
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.permission_guard import guard


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class OverridesDialog(QDialog):
    def __init__(self, api: CheckInApi, runner: TaskRunner, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self.start = monday(today)
        self.rows: tuple[OverrideView, ...] = ()
        self.setWindowTitle("Overrides: visits checked in over a stop or completed over errors")
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.prev_button = QPushButton("◀ Previous week")
        self.next_button = QPushButton("Next week ▶")
        self.print_button = QPushButton("&Print…")
        self.pdf_button = QPushButton("Save as P&DF…")
        self.csv_button = QPushButton("Save as &CSV…")
        self.close_button = QPushButton("Close")
        guard(self.pdf_button, Permission.EXPORT_DATA, "Save this week's overrides as a PDF")
        guard(self.csv_button, Permission.EXPORT_DATA, "Save this week's overrides as CSV")
        self.model = OverridesModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Overrides")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)  # one line per visit; the tooltip has the whole stop
        for col, width in ((0, 110), (1, 170), (2, 70), (3, 260), (4, 60), (5, 130)):
            self.table.setColumnWidth(col, width)
        self.empty = QLabel("")
        self.empty.setProperty("role", "hint")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        bottom = QHBoxLayout()
        for b in (self.print_button, self.pdf_button, self.csv_button):
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addLayout(bottom)
        self.resize(1100, 520)
        self.prev_button.clicked.connect(lambda: self.shift_week(-7))
        self.next_button.clicked.connect(lambda: self.shift_week(7))
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.csv_button.clicked.connect(self._ask_csv)
        self.close_button.clicked.connect(self.accept)
        for keys, fn in (("Alt+Left", lambda: self.shift_week(-7)),
                         ("Alt+Right", lambda: self.shift_week(7)),
                         ("Ctrl+P", self.print_preview)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
        self.load()

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    def shift_week(self, days: int) -> None:
        self.start += timedelta(days=days)
        self.load()

    def load(self) -> None:
        self.title.setText(f"Overrides · week of {format_date(self.start)}")
        self._runner.submit(self._api.overrides, self.start, self.end, on_done=self.show_rows,
                            on_error=lambda e: report_unexpected(type(e), e, e.__traceback__,
                                                                 self), key="overrides")

    def show_rows(self, rows: tuple[OverrideView, ...]) -> None:
        self.rows = rows
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()  # the reason whole; the last column stretches
        self.empty.setText(_count_words(rows))

    # ---- printing and files ------------------------------------------------------------
    def to_html(self) -> str:
        cols = self.model.COLUMNS
        head = "".join(f"<th align='left' style='padding:3px 8px'>{escape(c.header)}</th>"
                       for c in cols)
        body = "".join("<tr>" + "".join(f"<td style='padding:3px 8px'>{escape(c.text(r))}</td>"
                                        for c in cols) + "</tr>" for r in self.rows)
        return (f"<html><body style='font-family:sans-serif;font-size:9pt'>"
                f"<h2 style='margin:0'>ptdesk · Overrides</h2><p style='color:#5b6475'>"
                f"Visits {format_date(self.start)} to {format_date(self.end)}: "
                f"{escape(_count_words(self.rows))}</p><table cellspacing='0' width='100%'>"
                f"<tr style='background:#f5f7fa'>{head}</tr>{body}</table></body></html>")

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def print_preview(self) -> None:
        dialog = QPrintPreviewDialog(self._printer(), self)
        dialog.paintRequested.connect(lambda pr: self._document().print_(pr))
        if dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted:
            record_ui_event("print", what=self._week())

    def _week(self) -> str:
        """The trail names the report and its week (the patients' names are in the report,
        not in the trail)."""
        return f"overrides report {self.start.isoformat()} to {self.end.isoformat()}"

    def _document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setHtml(self.to_html())
        return doc

    def save_pdf(self, path: str) -> None:
        """Needs the export permission (refused before writing); recorded once written."""
        with exporting(f"{self._week()} PDF"):
            printer = self._printer()
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(path)
            self._document().print_(printer)

    def save_csv(self, path: str) -> None:
        """ISO dates in files (UI.md); the same columns as the screen. Needs the export
        permission (refused before writing); recorded once written."""
        with exporting(f"{self._week()} CSV"), \
                open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["visit_date", "patient", "chart", "reason", "detail", "by", "at",
                        "rules", "kind"])
            for r in self.rows:
                w.writerow([r.day.isoformat(), r.patient_name, r.chart_number, r.reason.value,
                            r.detail, r.by, r.at.isoformat(timespec="seconds"),
                            " ".join(r.rules), r.kind.value])

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the overrides as PDF",
                                              f"overrides-{self.start.isoformat()}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self._saving(self.save_pdf, path)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the overrides as CSV",
                                              f"overrides-{self.start.isoformat()}.csv",
                                              "CSV (*.csv)")
        if path:
            self._saving(self.save_csv, path)

    def _saving(self, save: Callable[[str], None], path: str) -> None:
        try:
            save(path)
        except DomainError as exc:
            QMessageBox.information(self, "Overrides", exc.message)
        except OSError as exc:
            QMessageBox.warning(self, "Overrides", f"Could not write {path}: {exc.strerror}")

    @classmethod
    def ask(cls, parent: QWidget | None, api: CheckInApi, runner: TaskRunner,
            today: Callable[[], date]) -> None:
        cls(api, runner, today(), parent).exec()


def _count_words(rows: tuple[OverrideView, ...]) -> str:
    """"3 overrides this week: 2 check-ins over a stop, 1 session over errors." """
    if not rows:
        return "No visit was checked in over a stop or completed over errors this week."
    checkins = sum(1 for r in rows if r.kind is OverrideKind.CHECK_IN)
    parts = [f"{plural(n, what)} over {why}" for n, what, why in (
        (checkins, "check-in", "a stop"), (len(rows) - checkins, "session", "errors")) if n]
    return f"{plural(len(rows), 'override')} this week: {', '.join(parts)}."
