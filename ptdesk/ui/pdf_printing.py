"""Printing a PDF that reportlab built through Qt's printing (preview, printer, "Save as PDF"
of the print dialog): each page is rasterised with PDFium (pypdfium2) at the printer's
resolution and drawn on the page, so paper shows exactly the document that was saved.

Why not QtPdf: it is not in PySide6-Essentials before 6.12 and ptdesk pins < 6.12.
"""

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

MAX_DPI = 300  # enough for text on paper; a 1200-dpi printer would need 200 MB a page


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB, white background
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB888).copy()
            images.append(image)
            page.close()
        return images
    finally:
        doc.close()


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Draws every page of `pdf` on `printer`; returns the number of pages."""
    dpi = min(printer.resolution(), MAX_DPI)
    images = page_images(pdf, dpi)
    # Full page: (0, 0) is the paper's corner, so the PDF's own margins are kept, not added to
    # the printer's.
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for n, image in enumerate(images):
            if n:
                printer.newPage()
            target = printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
            target.moveTo(QPoint(0, 0))
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), scaled), image)
    finally:
        painter.end()  # never leave a painter active on a printer (STACK.md pitfall)
    return len(images)


def letter_printer() -> QPrinter:
    from PySide6.QtGui import QPageLayout, QPageSize

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


def print_with_preview(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """The system print dialog's preview of `pdf` on US Letter (its Print button offers the
    printers and "Save as PDF"/"Print to file"); True if it was printed."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QDialog

    printer = letter_printer()
    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(title)
    preview.paintRequested.connect(lambda p: paint_pdf(p, pdf))
    return preview.exec() == QDialog.DialogCode.Accepted
