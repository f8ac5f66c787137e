"""One look for every ptdesk document: US Letter, the clinic letterhead, type sizes, tables,
the footer with page numbers. The estimate, the Good Faith Estimate and later the visit
summary all build from here, so a patient sees one clinic's paper, not three programs'.

Helvetica (a PDF base font, not embedded: small files, fast to build) covers every character
English and Spanish need (á é í ó ú ü ñ ¿ ¡ º), printed in black and greys so a
black-and-white printer loses nothing.
"""

from collections.abc import Callable, Sequence
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ptdesk.domain.estimate_document import ClinicDetails

PAGE = letter
MARGIN = 0.55 * inch
FRAME_PADDING = 6  # reportlab's Frame pads its content by 6 pt on each side
WIDTH = PAGE[0] - 2 * MARGIN - 2 * FRAME_PADDING  # what a flowable may fill
FONT, BOLD = "Helvetica", "Helvetica-Bold"
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#ececec")
BLANK = "_" * 22  # a line to fill in by hand when the clinic has not entered a detail

TITLE = ParagraphStyle("title", fontName=BOLD, fontSize=13.5, leading=16, textColor=INK,
                       alignment=TA_RIGHT)
SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=8.5, leading=10.5,
                          textColor=MUTED, alignment=TA_RIGHT)
CLINIC = ParagraphStyle("clinic", fontName=BOLD, fontSize=12, leading=14.5, textColor=INK)
H2 = ParagraphStyle("h2", fontName=BOLD, fontSize=10.5, leading=13, textColor=INK,
                    spaceBefore=6, spaceAfter=2)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, textColor=INK)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, textColor=INK)
MUTED_SMALL = ParagraphStyle("muted", parent=SMALL, textColor=MUTED)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=9.6, textColor=INK)
CELL_BOLD = ParagraphStyle("cellb", parent=CELL, fontName=BOLD)
CELL_RIGHT = ParagraphStyle("cellr", parent=CELL, alignment=TA_RIGHT)
CELL_RIGHT_BOLD = ParagraphStyle("cellrb", parent=CELL_RIGHT, fontName=BOLD)
BIG_FIGURE = ParagraphStyle("big", fontName=BOLD, fontSize=16, leading=19, textColor=INK)


def para(text: str, style: ParagraphStyle = BODY, *, bold: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped: a clinic named "Smith & Jones" prints as typed)."""
    body = escape(text)
    return Paragraph(f"<b>{body}</b>" if bold else body, style)


def or_blank(value: str | None) -> str:
    return value if value else BLANK


def letterhead(clinic: ClinicDetails, title: str, subtitle_lines: Sequence[str],
               labels: dict[str, str]) -> list[Flowable]:
    """Clinic name, address, phone, NPI and TIN on the left; the document's title and its
    date lines on the right; a rule under both. Missing details print as lines to fill in."""
    left: list[Flowable] = [para(or_blank(clinic.name), CLINIC)]
    left += [para(line, SMALL) for line in (clinic.address_lines or (BLANK, BLANK))]
    left.append(para(f"{labels['phone']}: {or_blank(clinic.phone)}", SMALL))
    left.append(para(f"{labels['npi']}: {or_blank(clinic.npi)}", SMALL))
    left.append(para(f"{labels['tin']}: {or_blank(clinic.tin)}", SMALL))
    right: list[Flowable] = [para(title, TITLE)]
    right += [para(line, SUBTITLE) for line in subtitle_lines]
    table = Table([[left, right]], colWidths=[WIDTH * 0.42, WIDTH * 0.58])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, INK),
    ]))
    return [table, Spacer(1, 6)]


def field_grid(pairs: Sequence[tuple[str, str]], columns: int = 2) -> Table:
    """Label: value pairs in `columns` columns (patient, payer, plan ...)."""
    cells = [[para(label, MUTED_SMALL), para(value, CELL_BOLD)] for label, value in pairs]
    rows = []
    for i in range(0, len(cells), columns):
        row: list[Any] = []
        for pair in cells[i:i + columns]:
            row += pair
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    label_w = WIDTH * 0.17
    value_w = WIDTH / columns - label_w
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def data_table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
               *, numeric: Sequence[int] = (), total: Sequence[Any] | None = None,
               total_label_span: int = 1, wrap: Sequence[int] = ()) -> Table:
    """A grid with a shaded header, light rules, right-aligned money columns and an optional
    bold totals row; the header repeats if the table runs onto a second page. Only the
    `wrap` columns (and the header) are paragraphs that wrap: plain cells draw several times
    faster, which keeps a document well under 100 ms."""
    def cell(value: Any, col: int, bold: bool = False) -> Any:
        if not isinstance(value, str) or (col not in wrap and not bold):
            return value
        if col in numeric:
            return para(value, CELL_RIGHT_BOLD if bold else CELL_RIGHT)
        return para(value, CELL_BOLD if bold else CELL)

    data = [[cell(h, i, True) for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(r)] for r in rows]
    if total is not None:
        data.append([cell(v, i, True) for i, v in enumerate(total)])
    table = Table(data, colWidths=list(widths), repeatRows=1)
    style = [
        ("FONT", (0, 1), (-1, -1), FONT, CELL.fontSize, CELL.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        *[("ALIGN", (c, 1), (c, -1), "RIGHT") for c in numeric],
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total is not None:
        style += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                  ("BACKGROUND", (0, -1), (-1, -1), SHADE)]
        if total_label_span > 1:  # "Total" across the narrow first columns
            style.append(("SPAN", (0, -1), (total_label_span - 1, -1)))
    table.setStyle(TableStyle(style))
    return table


def boxed(flowables: list[Flowable], width: float = WIDTH) -> Table:
    """A framed panel for what matters most (the total the patient pays)."""
    table = Table([[flowables]], colWidths=[width])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def bullets(texts: Sequence[str], style: ParagraphStyle = SMALL) -> list[Flowable]:
    bullet_style = ParagraphStyle("bullet", parent=style, leftIndent=9, bulletIndent=0,
                                  spaceAfter=1)
    return [Paragraph(escape(text), bullet_style, bulletText="•") for text in texts]


def numbered_canvas(footer_left: str, page_label: Callable[[int, int], str],
                    page_mark: Callable[[Canvas], None] | None = None) -> type[Canvas]:
    """A canvas class that writes "Page n of N" (known only once every page is laid out)
    and the document's name at the foot of each page; `page_mark` draws over every page
    (the VOID of a voided visit's summary)."""

    class _Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab names it so
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(MUTED)
                self.drawString(MARGIN + FRAME_PADDING, MARGIN * 0.55, footer_left)
                self.drawRightString(PAGE[0] - MARGIN - FRAME_PADDING, MARGIN * 0.55,
                                     page_label(self._pageNumber, total))
                if page_mark is not None:
                    self.saveState()
                    page_mark(self)
                    self.restoreState()
                super().showPage()
            super().save()

    return _Numbered


def build_document(out: BinaryIO | str, story: list[Flowable], *, title: str, author: str,
                   footer_left: str, page_label: Callable[[int, int], str],
                   invariant: bool, lang: str,
                   page_mark: Callable[[Canvas], None] | None = None) -> None:
    """Lay `story` out on US Letter pages. `invariant` gives byte-identical output for the same
    input (no creation date, fixed document id: reportlab's invariant mode)."""
    doc = SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN * 0.85,
        bottomMargin=MARGIN, title=title, author=author, subject=title, creator="ptdesk",
        invariant=1 if invariant else 0, lang=lang,
    )
    doc.build(story, canvasmaker=numbered_canvas(footer_left, page_label, page_mark))
