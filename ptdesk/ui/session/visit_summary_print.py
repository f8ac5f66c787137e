"""Printing a visit's summary (superbill) from the visit (issue 10 item 6): the Today page's
row, the patient record's visit tables and the session form reach it the same way.

Right-click a visit (or the menu key) for "Print visit summary…" (Ctrl+P) and "Save visit
summary as PDF…". Printing opens the system print dialog's preview (ui/pdf_printing.py, as the
estimates do: its Print button offers the printers and "Save as PDF"); what was printed or
saved goes to the audit trail. A visit with nothing to summarise says why instead.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox, QWidget

from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the service is imported only when a summary is asked for (start-up time)
    from ptdesk.services.visits.summary import SummaryDocument

PRINT_KEYS = "Ctrl+P"
TITLE = "Visit summary"


class VisitSummaryApi(Protocol):
    def document(self, visit_id: int) -> "SummaryDocument": ...

    def printed(self, doc: "SummaryDocument", action: str = "print") -> None: ...


class VisitSummaryPrinter:
    """Builds the summary on the worker thread, then previews or saves it on the GUI thread."""

    def __init__(self, api: VisitSummaryApi, runner: TaskRunner, parent: QWidget) -> None:
        self._api = api
        self._runner = runner
        self._parent = parent
        self.last_error = ""  # what the desk was told last (tests read it)

    # ---- hooks tests replace (the dialogs would wait for a person) --------------------------
    def preview(self, doc: "SummaryDocument") -> bool:
        from ptdesk.ui.pdf_printing import print_with_preview

        return print_with_preview(self._parent, doc.pdf, "Print the visit summary")

    def choose_path(self, doc: "SummaryDocument") -> str:
        path, _f = QFileDialog.getSaveFileName(self._parent, "Save the visit summary as PDF",
                                               doc.file_name, "PDF files (*.pdf)")
        return path

    def tell(self, text: str) -> None:
        self.last_error = text
        QMessageBox.information(self._parent, TITLE, text)

    # ---- the two actions -------------------------------------------------------------------
    def print_visit(self, visit_id: int | None) -> None:
        self._start(visit_id, self._print)

    def save_visit(self, visit_id: int | None) -> None:
        try:  # refused before anything is written when the role may not export (as every PDF)
            require(Permission.EXPORT_DATA)
        except DomainError as exc:
            self.tell(exc.message)
            return
        self._start(visit_id, self._save)

    def _start(self, visit_id: int | None, then: Callable[[Any], None]) -> None:
        if visit_id is None:
            self.tell("Choose a visit first: its summary is printed from its row.")
            return
        self._runner.submit(self._api.document, visit_id, on_done=then, on_error=self._failed)

    def _print(self, doc: "SummaryDocument") -> None:
        if self.preview(doc):
            self._runner.submit(self._api.printed, doc, "print", on_done=lambda _r: None,
                                on_error=self._failed)

    def _save(self, doc: "SummaryDocument") -> None:
        path = self.choose_path(doc)
        if not path:
            return
        try:
            with open(path, "wb") as f:
                f.write(doc.pdf)
        except OSError as exc:
            self.tell(f"Could not save the visit summary: {exc.strerror or exc}")
            return
        self._runner.submit(self._api.printed, doc, "export", on_done=lambda _r: None,
                            on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DomainError):
            self.tell(exc.message)
            return
        report_unexpected(type(exc), exc, exc.__traceback__, self._parent)


def install_visit_summary(printer: VisitSummaryPrinter, keys_on: QWidget,
                          views: tuple[QAbstractItemView, ...],
                          chosen: Callable[[], int | None]) -> QShortcut:
    """The views' context menu gains the two actions; Ctrl+P anywhere in `keys_on` prints
    the chosen visit. The views keep their other actions (Export to CSV…)."""
    for view in views:
        act = QAction(f"Print visit summary (superbill)…\t{PRINT_KEYS}", view)
        act.setObjectName("printVisitSummary")
        act.triggered.connect(lambda: printer.print_visit(chosen()))
        save = QAction("Save visit summary as PDF…", view)
        save.setObjectName("saveVisitSummary")
        save.triggered.connect(lambda: printer.save_visit(chosen()))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        if view.actions():  # first in the menu: what a visit row is for
            view.insertActions(view.actions()[0], [act, save])
        else:
            view.addActions([act, save])
    shortcut = QShortcut(QKeySequence(PRINT_KEYS), keys_on)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: printer.print_visit(chosen()))
    return shortcut
