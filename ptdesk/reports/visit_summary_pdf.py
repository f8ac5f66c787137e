"""The visit summary (superbill): one page a patient or a payer can be handed, in the same
letterhead and type as the estimates (reports/styles.py)."""

from typing import BinaryIO

from reportlab.platypus import Flowable, Spacer

from ptdesk.domain.visit_summary import VisitSummary
from ptdesk.reports import styles as s

LABELS = {"phone": "Phone", "npi": "NPI", "tin": "TIN"}


def _money(v: object) -> str:
    return "" if v is None else f"${v:,.2f}"


def _date(d: object) -> str:
    return "" if d is None else f"{d:%m/%d/%Y}"


def build_visit_summary_pdf(data: VisitSummary, out: BinaryIO | str, *,
                            invariant: bool = False) -> None:
    title = "Visit summary (superbill)"
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
        story.append(s.para(data.status_note, s.BODY, bold=True))
    story.append(s.para("Diagnoses (ICD-10-CM)", s.H2))
    if data.diagnoses:
        story.append(s.data_table(
            ["#", "Code", "Description"],
            [[str(i) + (" (primary)" if i == 1 else ""), c, d]
             for i, (c, d) in enumerate(data.diagnoses, 1)],
            [s.WIDTH * 0.14, s.WIDTH * 0.12, s.WIDTH * 0.74], wrap=(2,)))
    else:
        story.append(s.para("None recorded.", s.SMALL))
    story.append(s.para("Services", s.H2))
    story.append(s.data_table(
        ["Code", "Description", "Minutes", "Units", "Modifiers", "Charge"],
        [[ln.code, ln.description, str(ln.minutes), str(ln.units), ln.modifiers,
          _money(ln.charge) or "no fee on file"] for ln in data.lines],
        [s.WIDTH * 0.09, s.WIDTH * 0.45, s.WIDTH * 0.1, s.WIDTH * 0.08, s.WIDTH * 0.13,
         s.WIDTH * 0.15],
        numeric=(2, 3, 5), wrap=(1,),
        total=["Total", "", "", str(sum(ln.units for ln in data.lines)), "",
               _money(data.total)]))
    if data.overrides:
        story.append(Spacer(1, 6))
        story.append(s.para("Decisions overridden", s.H2))
        story += s.bullets(list(data.overrides))
    story.append(Spacer(1, 10))
    story.append(s.para("Charges are the clinic's fee schedule amounts, not what the payer "
                        "will allow or the patient owes.", s.MUTED_SMALL))
    s.build_document(
        out, story, title=title, author=data.clinic.name or "ptdesk",
        footer_left=f"{data.clinic.name or ''}  ·  {title}".strip(" ·"),
        page_label=lambda n, total: f"Page {n} of {total}", invariant=invariant, lang="en")
