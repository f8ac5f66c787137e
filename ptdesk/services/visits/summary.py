"""The visit summary (superbill) of one visit, filled from what is stored (issue 10 item 6).

Read-only but for the audit trail: `document` builds the PDF (reports/visit_summary_pdf.py) and
`printed` records that it was printed or saved ("print" / "export", issue 12's trail).

What a biller expects, decided here once:
- Charges are the fee schedule in force on the date of service
  (services/billing/fee_schedules.py): the payer's own list when the clinic keeps one (the
  self-pay prices for a self-pay visit), else the default schedule (CMS national x the
  clinic's locality); the amount per unit x units. The document says which schedule priced it.
- A voided visit prints, marked VOID on every page with the reason: a biller who already sent
  its claim needs the paper of what is being voided (to send the void or replacement claim),
  and the mark keeps it from being billed again. A visit with no services recorded (booked,
  cancelled, a no-show, voided before completion) has nothing to summarise: refused.
- A corrected visit prints its current version and says how often it was corrected.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError
from ptdesk.domain.estimate_document import ClinicDetails
from ptdesk.domain.money import round_cents
from ptdesk.domain.overrides import OverrideDraft, OverrideKind
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.visit_summary import SummaryLine, VisitSummary
from ptdesk.services.accounts.access import record_event
from ptdesk.services.billing.fee_schedules import amounts, default_fees, known_codes
from ptdesk.services.clinic.details import load_details
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.estimates.desk import clinic_json
from ptdesk.services.visits.history import code_set_for, diagnoses_of
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Coverage,
    Patient,
    Payer,
    Provider,
    Visit,
    VisitOverride,
    VisitVersion,
)

_OVERRIDE_WORDS = {OverrideKind.CHECK_IN: "Checked in over a stop",
                   OverrideKind.SESSION: "Completed over the billing check's errors"}
MAX_FINDING_WORDS = 240


class NothingToSummarise(DomainError):
    """The visit has no services recorded: there is no superbill to print."""


@dataclass(frozen=True, slots=True)
class SummaryDocument:
    visit_id: int
    patient_id: int
    file_name: str  # "superbill-PT-00042-20261201.pdf": what "Save as PDF" proposes
    voided: bool
    pdf: bytes


def _date(d: date) -> str:
    return f"{d:%m/%d/%Y}"


def _clinic(details: ClinicDetailsDraft) -> ClinicDetails:
    c = clinic_json(details)
    return ClinicDetails(c.get("name"), tuple(c.get("address", ())), c.get("state"),
                         c.get("phone"), c.get("npi"), c.get("tin"))


def _fees(s: Session, v: Visit, locality: Decimal, payer_id: int | None, payer_name: str,
          self_pay: bool) -> tuple[dict[str, Decimal], str]:
    """The amount per unit of each code on the date of service, and the words saying whose."""
    year = v.visit_date.year
    cms_year, out = default_fees(year, locality)
    default_words = f"the default schedule (CMS {cms_year} national × locality {locality})"
    own = (amounts(s, "self_pay", None, year) if self_pay
           else amounts(s, "allowed", payer_id, year) if payer_id is not None else {})
    out.update(own)
    if own:
        whose = "the clinic's self-pay prices" if self_pay else f"{payer_name}'s fee schedule"
        return out, f"Charges: {whose} ({year}) where it lists the code, else {default_words}."
    return out, f"Charges: {default_words}."


def _overrides(s: Session, visit_id: int) -> tuple[str, ...]:
    rows = s.scalars(select(VisitOverride).where(VisitOverride.visit_id == visit_id)
                     .order_by(VisitOverride.kind, VisitOverride.id)).all()
    out = []
    for o in rows:
        text = (f"{_OVERRIDE_WORDS.get(o.kind, 'Overridden')}: "
                f"{OverrideDraft(o.reason, o.detail).words()}, by {o.by} on "
                f"{_date(o.at.astimezone().date())}")
        if o.words:
            said = " ".join(o.words.split())
            if len(said) > MAX_FINDING_WORDS:
                said = said[:MAX_FINDING_WORDS - 1].rstrip() + "…"
            text += f". What was overridden: {said}"
        out.append(text)
    return tuple(out)


def _status_note(s: Session, v: Visit) -> str:
    notes = []
    if v.status is VisitStatus.VOIDED:
        why = f" ({v.void_reason})" if v.void_reason else ""
        notes.append(f"VOID: this visit was voided{why}. Do not bill it; kept for the record.")
    versions = s.scalars(select(VisitVersion).where(VisitVersion.visit_id == v.id)
                         .order_by(VisitVersion.number.desc())).all()
    if versions:
        last = versions[0]
        times = "once" if len(versions) == 1 else f"{len(versions)} times"
        notes.append(f"Corrected {times}: this is the current version (last corrected on "
                     f"{_date(last.at.astimezone().date())} by {last.by}: {last.why}).")
    return " ".join(notes)


def fill_summary(s: Session, visit_id: int) -> VisitSummary:
    v = s.get(Visit, visit_id)
    if v is None:
        raise DomainError("This visit is no longer in the database.")
    if not v.lines:
        raise NothingToSummarise(
            f"This visit is {v.status.label.lower()} and has no services recorded: there is "
            "nothing to put on a visit summary. Record the session first.")
    p = s.get(Patient, v.patient_id)
    assert p is not None  # visits.patient_id is a foreign key
    payer_name, member_id, payer_id, self_pay = "Self-pay", "not applicable (self-pay)", None, True
    if v.coverage_id is not None:
        row = s.execute(select(Payer.id, Payer.name, Payer.kind, Coverage.member_id)
                        .join(Coverage, Coverage.payer_id == Payer.id)
                        .where(Coverage.id == v.coverage_id)).one_or_none()
        if row is not None:
            payer_id, payer_name, kind, member_id = row
            self_pay = kind is PayerKind.SELF_PAY
    provider = s.get(Provider, v.provider_id) if v.provider_id is not None else None
    details = load_details(s)
    fees, fee_note = _fees(s, v, details.locality_factor, payer_id, payer_name, self_pay)
    catalogue = known_codes()
    lines = tuple(
        SummaryLine(ln.code, catalogue[ln.code].description if ln.code in catalogue else "",
                    ln.minutes, ln.units, ln.modifiers,
                    round_cents(fees[ln.code] * ln.units)
                    if ln.code in fees else None)
        for ln in v.lines)
    codes = diagnoses_of(s, v.id)
    try:
        described = code_set_for(s, v.visit_date).codes
    except DomainError:
        described = {}
    middle = f" {p.middle_name}" if p.middle_name else ""
    clinic = _clinic(details)
    return VisitSummary(
        clinic=clinic, patient_name=f"{p.last_name}, {p.first_name}{middle}",
        patient_dob=p.date_of_birth, chart_number=p.chart_number, payer_name=payer_name,
        member_id=member_id,
        provider_name="" if provider is None else f"{provider.first_name} {provider.last_name}",
        provider_credential="" if provider is None else provider.credentials,
        provider_npi="" if provider is None else provider.npi or "", day=v.visit_date,
        diagnoses=tuple((c, described.get(c, "")) for c in codes), lines=lines,
        overrides=_overrides(s, v.id), status_note=_status_note(s, v),
        fee_note=fee_note, voided=v.status is VisitStatus.VOIDED)


class VisitSummaryService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def summary(self, visit_id: int) -> VisitSummary:
        with session_scope(self._factory) as s:
            return fill_summary(s, visit_id)

    def document(self, visit_id: int, *, invariant: bool = False) -> SummaryDocument:
        """The PDF; `NothingToSummarise` (a DomainError: its message is for the desk)."""
        from ptdesk.reports.visit_summary_pdf import build_visit_summary_pdf

        with session_scope(self._factory) as s:
            data = fill_summary(s, visit_id)
            patient_id = s.scalar(select(Visit.patient_id).where(Visit.id == visit_id)) or 0
        buf = io.BytesIO()
        build_visit_summary_pdf(data, buf, invariant=invariant)
        chart = (data.chart_number or "visit").replace("/", "-")
        void = "-void" if data.voided else ""
        return SummaryDocument(visit_id, patient_id,
                               f"superbill-{chart}-{data.day:%Y%m%d}{void}.pdf", data.voided,
                               buf.getvalue())

    def printed(self, doc: SummaryDocument, action: str = "print") -> None:
        """The audit trail's "print" (or "export" for a saved file) of the visit summary."""
        record_event(self._factory, action, table_name="visits", row_id=doc.visit_id,
                     patient_id=doc.patient_id,
                     details={"what": "visit summary" + (" (void)" if doc.voided else "")})
