"""The visit summary (superbill) PDF: byte-stable when invariant, every element in its text."""

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

from ptdesk.domain.estimate_document import ClinicDetails
from ptdesk.domain.visit_summary import SummaryLine, VisitSummary
from ptdesk.reports.visit_summary_pdf import build_visit_summary_pdf

DATA = VisitSummary(
    clinic=ClinicDetails("Riverside Physical Therapy", ("120 Main St", "Springfield, IL 62701"),
                         "IL", "(217) 555-0100", "1234567893", "12-3456789"),
    patient_name="García, María", patient_dob=date(1958, 4, 2), chart_number="PT-00042",
    payer_name="Medicare Part B", member_id="1EG4-TE5-MK73", provider_name="Marcus Lindqvist",
    provider_credential="PT, DPT", provider_npi="1093817465", day=date(2026, 12, 1),
    diagnoses=(("M54.50", "Low back pain, unspecified"), ("M25.561", "Pain in right knee")),
    lines=(SummaryLine("97110", "Therapeutic exercise", 38, 3, "GP", Decimal("87.36")),
           SummaryLine("97140", "Manual therapy", 10, 1, "GP 59", Decimal("27.48"))),
    overrides=("Completed over errors (MUE_EXCEEDED): Other: payer contract allows it, "
               "by JD",),
)


def _pdf() -> bytes:
    buf = io.BytesIO()
    build_visit_summary_pdf(DATA, buf, invariant=True)
    return buf.getvalue()


def test_invariant_pdf_is_byte_stable() -> None:
    assert _pdf() == _pdf()


def test_text_holds_every_element(tmp_path: Path) -> None:
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(_pdf())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for part in ("Riverside Physical Therapy", "120 Main St", "1234567893", "12-3456789",
                 "García, María", "Medicare Part B", "1EG4-TE5-MK73", "Marcus Lindqvist, PT, DPT",
                 "1093817465", "12/01/2026", "M54.50", "Low back pain", "M25.561", "97110",
                 "Therapeutic exercise", "38", "GP 59", "$87.36", "$27.48", "$114.84",
                 "payer contract allows it"):
        assert part in text, part
