"""The visit summary (superbill): one page a patient or a payer can be handed, in the same
letterhead and type as the estimates (reports/styles.py)."""

from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from ptdesk.domain.diagnoses import dotted
from ptdesk.domain.visit_summary import VisitSummary
from ptdesk.reports import styles as s

LABELS = {"phone": "Phone", "npi": "NPI", "tin": "TIN"}
POINTERS = "ABCDEFGHIJKL"  # domain.diagnoses.MAX_DIAGNOSES = 12


def _money(v: object) -> str:
    return "" if v is None else f"${v:,.2f}"


def _date(d: object) -> str:
    return "" if d is None else f"{d:%m/%d/%Y}"


def build_visit_summary_pdf(data: VisitSummary, out: BinaryIO | str, *,
                            invariant: bool = False) -> None:
    title = "Visit summary (superbill)" + (" — VOID" if data.voided else "")
    story: list[Flowable] = s.letterhead(data.clinic, title,
                                         [f"Date of service: {_date(data.day)}"], LABELS)
    provider = ", ".join(x for x in (data.provider_name, data.provider_credential) if x)
    story.append(s.field_grid([
        ("Patient", data.patient_name), ("Date of birth", _date(data.patient_dob)),
        ("Chart", data.chart_number), ("Payer", data.payer_name),
        ("Member ID", s.or_blank(data.member_id)), ("Provider", s.or_blank(provider)),
        ("Provider NPI", s.or_blank(data.provider_npi)), ("Date of service", _date(data.day)),
    ]))
    if data.status_note:
        story.append(Spacer(1, 4))
        story.append(s.para(data.status_note, s.BODY, bold=True))
    story.append(s.para("Diagnoses (ICD-10-CM)", s.H2))
    if data.diagnoses:
        # Lettered as the claim form's box 21 (A-L), so a biller copies them across as they are.
        story.append(s.data_table(
            ["", "Code", "Description"],
            [[POINTERS[i] + (" (primary)" if i == 0 else ""), dotted(c), d]
             for i, (c, d) in enumerate(data.diagnoses)],
            [s.WIDTH * 0.14, s.WIDTH * 0.12, s.WIDTH * 0.74], wrap=(2,)))
    else:
        story.append(s.para("None recorded.", s.SMALL))
    story.append(s.para("Services", s.H2))
    # Code and modifiers side by side, as a claim line has them (CMS-1500 box 24D).
    story.append(s.data_table(
        ["Code", "Modifiers", "Description", "Minutes", "Units", "Charge"],
        [[ln.code, ln.modifiers, ln.description, str(ln.minutes), str(ln.units),
          _money(ln.charge) or "no fee on file"] for ln in data.lines],
        [s.WIDTH * 0.09, s.WIDTH * 0.12, s.WIDTH * 0.44, s.WIDTH * 0.1, s.WIDTH * 0.09,
         s.WIDTH * 0.16],
        numeric=(3, 4, 5), wrap=(2,),
        total=["Total", "", "", "", str(sum(ln.units for ln in data.lines)),
               _money(data.total)]))
    if data.overrides:
        story.append(Spacer(1, 6))
        story.append(s.para("Decisions overridden", s.H2))
        story += s.bullets(list(data.overrides))
    story.append(Spacer(1, 18))
    story.append(s.field_grid([("Provider's signature", s.BLANK), ("Date", s.BLANK)]))
    story.append(Spacer(1, 10))
    if data.fee_note:
        story.append(s.para(data.fee_note, s.MUTED_SMALL))
    story.append(s.para("Charges are what the clinic bills for each service, not what the "
                        "payer will allow or the patient owes.", s.MUTED_SMALL))
    s.build_document(
        out, story, title=title, author=data.clinic.name or "ptdesk",
        footer_left=f"{data.clinic.name or ''}  ·  {title}".strip(" ·"),
        page_label=lambda n, total: f"Page {n} of {total}", invariant=invariant, lang="en",
        page_mark=_void_mark if data.voided else None)


def _void_mark(canvas: Canvas) -> None:
    """VOID across the page, in grey outline letters: the text under it stays readable and a
    black-and-white copy keeps the mark."""
    width, height = s.PAGE
    canvas.translate(width / 2, height / 2)
    canvas.rotate(35)
    canvas.setStrokeColor(s.RULE)
    canvas.setLineWidth(2)
    canvas.setFont(s.BOLD, 150)
    text = canvas.beginText()
    text.setTextRenderMode(1)  # stroke only
    text.setTextOrigin(-canvas.stringWidth("VOID", s.BOLD, 150) / 2, -50)
    text.textOut("VOID")
    canvas.drawText(text)
