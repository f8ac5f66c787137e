"""A visit's history (issue 10 item 5): each earlier version with who corrected it, when and
why, and what the correction changed; the visit as it is now on top; a voided visit says so."""

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ptdesk.domain.dates import clock
from ptdesk.domain.diagnoses import dotted
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.visit_history import VisitContent, reeval_label
from ptdesk.services.visits.history import VisitHistoryView


def _content(c: VisitContent) -> str:
    lines = "<br>".join(escape(ln.words()) for ln in c.lines) or "no lines"
    dx = " ".join(dotted(d) for d in c.diagnoses) or "none"
    re = f"<br>Re-evaluation because: {escape(reeval_label(c.reeval_reason))}" \
        if c.reeval_reason else ""
    return f"{lines}<br><span style='color:#555'>Diagnoses: {escape(dx)}</span>{re}"


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
    def __init__(self, history: VisitHistoryView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Visit history")
        self.view = QTextBrowser()
        self.view.setObjectName("visitHistory")
        self.view.setHtml(history_html(history))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addWidget(buttons)
        self.resize(640, 520)
