"""A visit's history (issue 10 item 5): each earlier version with who corrected it, when and
why, and what the correction changed; the visit as it is now on top; a voided visit says so."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.dates import clock
from ptdesk.domain.diagnoses import dotted
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.visit_history import VisitContent, reeval_label
from ptdesk.services.accounts.access import record_ui_event
from ptdesk.services.visits.history import VisitHistoryView
from ptdesk.ui.widgets.date_field import format_date


def _content(c: VisitContent) -> str:
    lines = "<br>".join(escape(ln.words()) for ln in c.lines) or "no lines"
    dx = " ".join(dotted(d) for d in c.diagnoses) or "none"
    re = f"<br>Re-evaluation because: {escape(reeval_label(c.reeval_reason))}" \
        if c.reeval_reason else ""
    return f"{lines}<br><span style='color:#555'>Diagnoses: {escape(dx)}</span>{re}"


def heading(h: VisitHistoryView) -> str:
    """Whose visit and when ("Visit history · Albright, Nora · chart CK0001 · 11/30/2026")."""
    parts = ["Visit history", h.patient_name, f"chart {h.chart_number}" if h.chart_number
             else "", format_date(h.visit_date) if h.visit_date else ""]
    return " · ".join(p for p in parts if p)


def history_html(h: VisitHistoryView) -> str:
    parts = []
    if h.status is VisitStatus.VOIDED:
        parts.append(f"<p><b style='color:#9f1d20'>Voided</b>: {escape(h.void_reason)}. "
                     "It counts nowhere; it is kept for the record.</p>")
    n = len(h.versions)
    parts.append(f"<h3>Now (version {n + 1})</h3><p>{_content(h.current)}</p>")
    for v in reversed(h.versions):
        changes = "".join(f"<li>{escape(c)}</li>" for c in v.changes) or "<li>no change</li>"
        parts.append(
            f"<h3>Version {v.number}</h3>"
            f"<p><b>Corrected {v.at:%m/%d/%Y} {clock(v.at.time())} by {escape(v.by)}</b>: "
            f"{escape(v.why)}</p>"
            f"<p>Changed:</p><ul>{changes}</ul><p>Before: {_content(v.content)}</p>")
    if not h.versions:
        parts.append("<p style='color:#555'>Never corrected.</p>")
    return "".join(parts)


class VisitHistoryDialog(QDialog):
    """The history on screen, and on paper for an appeal or a payer's records request
    (Print…, Ctrl+P: the system preview; printing is recorded in the trail)."""

    def __init__(self, history: VisitHistoryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.setWindowTitle(heading(history))
        self.view = QTextBrowser()
        self.view.setObjectName("visitHistory")
        self.view.setHtml(history_html(history))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print this history (Ctrl+P)")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_preview)
        key = QShortcut(QKeySequence.StandardKey.Print, self)
        key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        key.activated.connect(self.print_preview)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.resize(640, 520)

    def document(self) -> QTextDocument:
        """The page: the heading, then the history as on screen."""
        doc = QTextDocument()
        doc.setHtml(f"<html><body style='font-family:sans-serif;font-size:10pt'>"
                    f"<h2 style='margin:0'>{escape(heading(self.history))}</h2>"
                    f"{history_html(self.history)}</body></html>")
        return doc

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        from ptdesk.ui.pdf_printing import letter_printer

        dialog = QPrintPreviewDialog(letter_printer(), self)
        dialog.setWindowTitle(f"Print: {self.windowTitle()}")
        dialog.paintRequested.connect(lambda printer: self.document().print_(printer))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            # The trail names the document and the patient's id, not the name (PHI).
            record_ui_event("print", patient_id=self.history.patient_id or None,
                            what=f"visit history {self.history.visit_id}")
