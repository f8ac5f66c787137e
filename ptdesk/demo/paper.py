"""A demo patient whose visits show every state of a visit's paper trail (issue 10 items 3, 5, 6),
added to the demo clinic once: a visit with diagnoses, a corrected visit (its history), a
voided visit, and today's visit completed over the billing check's errors (a session override,
shown on the Today row and on the visit summary).

Written through the services, as the session form writes them (the override's words are the
engine's own findings for those lines). Synthetic, like the rest of the demo.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.overrides import OverrideDraft, OverrideReason
from ptdesk.domain.patient_rules import CoverageDraft, PatientDraft
from ptdesk.domain.payers import PayerKind, ProviderRole
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.history import Correction, SessionOverride
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.session_billing import SessionBillingService
from ptdesk.services.visits.session_dtos import SessionRow
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Payer, Provider

CHART = "SB0001"
D = timedelta
BACK_AND_KNEE = ["M54.50", "M25.561"]  # low back pain; pain in right knee
GP = "GP"


def _medicare_and_pt(s: Session) -> tuple[int, int | None]:
    payer = s.execute(select(Payer.id).where(Payer.kind == PayerKind.MEDICARE)
                      .order_by(Payer.id).limit(1)).scalar_one()
    pt = s.execute(select(Provider.id).where(Provider.role == ProviderRole.PT)
                   .order_by(Provider.id).limit(1)).scalar_one_or_none()
    return int(payer), pt


def add_paper_trail_showcase(factory: sessionmaker[Session], *, today: date,
                             now: datetime) -> int:
    """Adds the patient once (skipped when chart SB0001 exists); returns the visits added."""
    with session_scope(factory) as s:
        if s.execute(select(Patient.id).where(Patient.chart_number == CHART)).first():
            return 0
        payer, pt = _medicare_and_pt(s)
    patients, visits = PatientService(factory), VisitService(factory)
    p = patients.create_patient(PatientDraft("Quintero", "Alba", date(1952, 3, 14),
                                             chart_number=CHART,
                                             phone_mobile="(555) 555-0177"), today)
    cov = patients.add_coverage(p.id, CoverageDraft(payer, "7QX4-TE5-MK21", today - D(days=400)),
                                today)

    def visit(day: date, at: time) -> int:
        return visits.book(VisitDraft(p.id, day, cov.id, at, pt)).id

    # 1. The evaluation, with its diagnoses.
    first = visit(today - D(days=21), time(9, 0))
    visits.complete(first, [ServiceLineDraft("97162", 1, 45, 0, GP),
                            ServiceLineDraft("97110", 1, 15, 0, GP)], diagnoses=BACK_AND_KNEE)
    # 2. Entered twice by mistake: the second copy is voided (kept, counted nowhere).
    twice = visit(today - D(days=14), time(9, 0))
    visits.complete(twice, [ServiceLineDraft("97110", 2, 30, 0, GP)], diagnoses=BACK_AND_KNEE)
    visits.void(twice, "Entered twice: the same visit is on the 9:30 slot")
    kept = visit(today - D(days=14), time(9, 30))
    visits.complete(kept, [ServiceLineDraft("97110", 2, 30, 0, GP)], diagnoses=BACK_AND_KNEE)
    # 3. Corrected after the biller read the note: 38 minutes of exercise were 30.
    corrected = visit(today - D(days=7), time(9, 0))
    visits.complete(corrected, [ServiceLineDraft("97110", 3, 38, 0, GP),
                                ServiceLineDraft("97140", 1, 10, 0, GP)],
                    diagnoses=BACK_AND_KNEE)
    visits.complete(corrected, [ServiceLineDraft("97110", 2, 30, 0, GP),
                                ServiceLineDraft("97140", 1, 10, 0, GP)],
                    diagnoses=BACK_AND_KNEE,
                    correction=Correction("MK", "The note documents 30 minutes of exercise, "
                                                "not 38", now - D(days=6)))
    # 4. Today, early: 105 minutes of exercise, above Medicare's daily limit for 97110 (MUE),
    # completed over that error with the payer's confirmation (a session override).
    long_one = visit(today, time(7, 30))
    billing = SessionBillingService(factory)
    context = billing.context(long_one)
    preview = billing.preview(context, [SessionRow("97110", 105, 0)])
    errors = tuple(f for f in preview.findings if f.is_error)
    override = None
    if errors:
        override = SessionOverride(
            OverrideDraft(OverrideReason.PHONE_CONFIRMED, "MCR-55821", "MK"), now,
            tuple(sorted({f.rule for f in errors})),
            " ".join(f"{f.code + ': ' if f.code else ''}{f.message}" for f in errors))
    visits.complete(long_one, list(preview.drafts()), diagnoses=["M54.50"], override=override)
    return 5
