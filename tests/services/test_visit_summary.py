"""The visit summary (superbill) filled from the database (issue 10 item 6), on both backends:
clinic, patient, the coverage billed, provider, diagnoses with their words, each line priced
from the fee schedule in force, the total, the overrides, corrections and VOID; printing is in
the audit trail."""

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.domain.overrides import OverrideDraft, OverrideKind, OverrideReason
from ptdesk.domain.payers import ProviderRole
from ptdesk.services.billing.fee_schedule_dtos import ScheduleScope
from ptdesk.services.billing.fee_schedules import FeeScheduleService
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.history import Correction, SessionOverride
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.summary import NothingToSummarise, VisitSummaryService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, Provider, VisitOverride
from tests.services.auth_fixtures import make_clinic

DAY = date(2026, 3, 20)


def _clinic(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    """(patient id, visit id, payer id): Acme Health, 97110 x3 GP + 97140, two diagnoses."""
    c = make_clinic(factory)
    ClinicDetailsService(factory).save(ClinicDetailsDraft(
        name="Riverside Physical Therapy", address_line1="120 Main St", city="Springfield",
        state="IL", postal_code="62701", phone="(217) 555-0100", npi="1234567893",
        tin="123456789"))
    with session_scope(factory) as s:
        pr = Provider(first_name="Marcus", last_name="Lindqvist", credentials="PT, DPT",
                      npi="1093817465", role=ProviderRole.PT)
        s.add(pr)
        s.flush()
        provider_id = pr.id
    svc = VisitService(factory)
    v = svc.book(VisitDraft(c.patient_id, DAY, c.coverage_id, provider_id=provider_id))
    svc.complete(v.id, [ServiceLineDraft("97110", 3, 38, 0, "GP"),
                        ServiceLineDraft("97140", 1, 10, 0, "GP 59")],
                 diagnoses=["M54.50", "m25.561"])
    return c.patient_id, v.id, c.payer_id


def test_summary_is_filled_from_what_is_stored(session_factory: sessionmaker[Session]) -> None:
    _pid, vid, payer_id = _clinic(session_factory)
    # Acme keeps its own price for 97110 only: 97140 falls back to the default schedule.
    FeeScheduleService(session_factory).save(
        ScheduleScope("allowed", payer_id, "Acme Health", True), 2026,
        [("97110", Decimal("30.00"))])
    d = VisitSummaryService(session_factory).summary(vid)
    assert d.clinic.name == "Riverside Physical Therapy"
    assert d.clinic.address_lines == ("120 Main St", "Springfield, IL 62701")
    assert (d.clinic.npi, d.clinic.tin) == ("1234567893", "12-3456789")
    assert (d.patient_name, d.patient_dob, d.chart_number) == ("Rivera, Ana", date(1980, 5, 1),
                                                                "C1")
    assert (d.payer_name, d.member_id) == ("Acme Health", "A1")
    assert (d.provider_name, d.provider_credential, d.provider_npi) == (
        "Marcus Lindqvist", "PT, DPT", "1093817465")
    assert d.day == DAY
    assert d.diagnoses == (("M5450", "Low back pain, unspecified"),
                           ("M25561", "Pain in right knee"))
    first, second = d.lines
    assert (first.code, first.description, first.minutes, first.units, first.modifiers,
            first.charge) == ("97110", "Therapeutic exercise", 38, 3, "GP", Decimal("90.00"))
    assert (second.code, second.modifiers, second.units) == ("97140", "GP 59", 1)
    assert second.charge is not None
    assert second.charge > 0  # the default schedule (CMS 2026 x locality)
    assert d.total == Decimal("90.00") + second.charge
    assert "Acme Health's fee schedule (2026)" in d.fee_note
    assert "CMS 2026 national" in d.fee_note
    assert d.overrides == ()
    assert d.status_note == ""
    assert not d.voided


def test_overrides_corrections_and_void_are_on_it(session_factory: sessionmaker[Session]) -> None:
    _pid, vid, _payer = _clinic(session_factory)
    svc = VisitService(session_factory)
    now = local_now()
    svc.complete(vid, [ServiceLineDraft("97110", 5, 75, 0, "GP")], diagnoses=["M54.50"],
                 override=SessionOverride(OverrideDraft(OverrideReason.OTHER, "payer contract",
                                                        "JD"), now, ("MUE_EXCEEDED",),
                                          "97110: 5 units is above the daily limit of 4"),
                 correction=Correction("JD", "Documented 75 minutes", now))
    with session_scope(session_factory) as s:
        s.add(VisitOverride(visit_id=vid, kind=OverrideKind.CHECK_IN,
                            reason=OverrideReason.EVALUATION_ONLY, by="AB", at=now,
                            rules="stop.auth_missing", words="No authorization covers today"))
    summaries = VisitSummaryService(session_factory)
    d = summaries.summary(vid)
    assert [ln.units for ln in d.lines] == [5]
    checkin, session = d.overrides
    assert checkin.startswith("Checked in over a stop: Evaluation only, by AB on ")
    assert "No authorization covers today" in checkin
    assert session.startswith("Completed over the billing check's errors: Other: payer "
                              "contract, by JD on ")
    assert "above the daily limit of 4" in session
    assert d.status_note.startswith("Corrected once: this is the current version")
    assert "by JD: Documented 75 minutes" in d.status_note
    svc.void(vid, "Wrong patient")
    void = summaries.summary(vid)
    assert void.voided
    assert void.status_note.startswith("VOID: this visit was voided (Wrong patient).")


def test_a_visit_without_services_is_refused(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    v = VisitService(session_factory).book(VisitDraft(c.patient_id, DAY, c.coverage_id))
    with pytest.raises(NothingToSummarise, match="no services recorded"):
        VisitSummaryService(session_factory).document(v.id)


def test_document_is_invariant_says_everything_and_printing_is_audited(
        session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    pid, vid, _payer = _clinic(session_factory)
    summaries = VisitSummaryService(session_factory)
    doc = summaries.document(vid, invariant=True)
    assert doc.pdf == summaries.document(vid, invariant=True).pdf
    assert doc.file_name == "superbill-C1-20260320.pdf"
    out = tmp_path / doc.file_name
    out.write_bytes(doc.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    for part in ("Riverside Physical Therapy", "1234567893", "12-3456789", "Rivera, Ana",
                 "Acme Health", "Marcus Lindqvist, PT, DPT", "1093817465", "03/20/2026",
                 "M54.50", "Low back pain, unspecified", "M25.561", "97110", "GP 59",
                 "Therapeutic exercise", "Manual therapy", "Total"):
        assert part in text, part
    assert "VOID" not in text
    summaries.printed(doc)
    with session_scope(session_factory) as s:
        e = s.scalars(select(AuditEntry).where(AuditEntry.action == "print")).one()
        assert (e.table_name, e.row_id, e.patient_id) == ("visits", str(vid), pid)
        assert "visit summary" in (e.after or "")


def test_self_pay_visit_is_priced_at_the_self_pay_prices(
        session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    FeeScheduleService(session_factory).save(
        ScheduleScope("self_pay", None, "Self-pay prices", True), 2026,
        [("97110", Decimal("45.00"))])
    svc = VisitService(session_factory)
    v = svc.book(VisitDraft(c.patient_id, DAY, None))
    svc.complete(v.id, [ServiceLineDraft("97110", 2, 30), ServiceLineDraft("97010", 1, 10)])
    d = VisitSummaryService(session_factory).summary(v.id)
    assert (d.payer_name, d.member_id) == ("Self-pay", "not applicable (self-pay)")
    assert (d.provider_name, d.provider_npi) == ("", "")
    assert [ln.charge for ln in d.lines] == [Decimal("90.00"), None]  # 97010: bundled, no fee
    assert d.total == Decimal("90.00")
    assert d.fee_note.startswith("Charges: the clinic's self-pay prices (2026) where it lists")
    assert d.diagnoses == ()
