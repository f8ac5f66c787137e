"""The practice board on paper: the visible (filtered, sorted) work list as a document, status
in words, previewed before printing or written to a PDF; both are recorded in the audit trail."""

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from ptdesk.domain.dates import clock
from ptdesk.domain.words import plural
from ptdesk.services.accounts.access import exporting, record_ui_event
from ptdesk.services.board.dtos import BoardView
from ptdesk.ui.board.board_filter import BoardFilter
from ptdesk.ui.board.board_models import BoardTableModel
from ptdesk.ui.widgets.date_field import format_date


class BoardPrinting(QWidget):
    """Printing for `BoardPage` (which holds the view, its model and the proxy)."""

    view: BoardView | None
    model: BoardTableModel
    proxy: BoardFilter

    def to_html(self) -> str:
        return board_html(self.view, [self.proxy.index(r, 0).row() for r in
                                      range(self.proxy.rowCount())], self)

    def document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setHtml(self.to_html())
        return doc

    def print_to_pdf(self, path: str) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        # Needs the export permission (refused before writing); recorded once written.
        with exporting("board PDF"):
            self.document().print_(printer)

    def print_preview(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.paintRequested.connect(lambda pr: self.document().print_(pr))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            record_ui_event("print", what="board")  # the audit trail (issue 12)


def board_html(view: BoardView | None, _rows: list[int], page: BoardPrinting) -> str:
    """The visible (filtered, sorted) work list as a printable document, status in words."""
    if view is None:
        return "<p>The board has not loaded yet.</p>"
    c = view.counts
    head = (f"<h2 style='margin:0'>ptdesk · Practice board</h2>"
            f"<p style='color:#5b6475;margin:0'>{format_date(view.today)} "
            f"{clock(view.generated_at.time())} · {c.red} Red · {c.none} no authorization · "
            f"{c.yellow} Yellow · {c.ending_soon} ending in 14 days · "
            f"{plural(c.requests_overdue, 'request')} overdue · "
            f"{plural(view.at_risk_week, 'visit')} treated at risk this week</p><hr>")
    cols = page.model.COLUMNS
    rows = []
    for r in range(page.proxy.rowCount()):
        cells = []
        for col in range(len(cols)):
            text = page.proxy.index(r, col).data(Qt.ItemDataRole.DisplayRole) or ""
            weight = "font-weight:600;" if col == BoardTableModel.COL_STATUS else ""
            cells.append(f"<td style='padding:3px 8px;{weight}'>{escape(str(text))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    header = "".join(f"<th align='left' style='padding:3px 8px'>{escape(c.header)}</th>"
                     for c in cols)
    return (f"<html><body style='font-family:sans-serif;font-size:9pt'>{head}"
            f"<table cellspacing='0' width='100%'><tr style='background:#f5f7fa'>{header}</tr>"
            + "".join(rows) + "</table></body></html>")
