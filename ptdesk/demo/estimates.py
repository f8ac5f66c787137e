"""The demo clinic's estimate side (issue 11): clinic details, a few per-payer allowed amounts,
self-pay prices, a Good Faith Estimate given to one self-pay patient and a cost estimate to one
insured patient. Other self-pay patients with booked visits show on the board as GFEs due.

Every figure here is demo data: the payer amounts are the CMS default times a made-up factor,
the self-pay prices are invented for the synthetic clinic (no real clinic's prices).
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.demo import data as dd
from ptdesk.domain.money import round_cents
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.services.billing.fee_schedule_dtos import ScheduleScope
from ptdesk.services.billing.fee_schedules import SELF_PAY, FeeScheduleService, national_fees
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.estimates.desk import EstimateDesk
from ptdesk.services.estimates.dtos import EstimateToStore, EstimateTotalsDraft
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage, Payer, Visit

DEMO_DETAILS = ClinicDetailsDraft(
    name="Lakeside Physical Therapy (demo)", address_line1="100 Demo Street",
    address_line2="Suite 2", city="Madison", state="WI", postal_code="53703",
    phone=dd.fictional_phone(608, 0), npi=dd.luhn_npi("999000001"), tin="990000001",
    locality_factor=Decimal("1.0000"))
# invented demo prices per unit (a clinic sets its own)
DEMO_SELF_PAY = {"97110": "45.00", "97112": "48.00", "97116": "45.00", "97140": "45.00",
                 "97530": "50.00", "97035": "20.00", "97161": "120.00", "97162": "140.00",
                 "97163": "160.00", "97164": "90.00"}
DEMO_PAYER_CODES = ("97110", "97112", "97140", "97530", "97161", "97162", "97163")
DEMO_PAYER_FACTORS = (Decimal("1.15"), Decimal("1.08"))  # two commercial payers' contracts


def _first_booked(s: Session, kind: PayerKind, today: date, skip: int = 0) -> int | None:
    rows = s.execute(
        select(Visit.patient_id).join(Coverage, Coverage.id == Visit.coverage_id)
        .join(Payer, Payer.id == Coverage.payer_id)
        .where(Payer.kind == kind, Visit.status == VisitStatus.BOOKED, Visit.visit_date > today)
        .group_by(Visit.patient_id).order_by(Visit.patient_id)).scalars().all()
    return rows[skip] if len(rows) > skip else None


def add_estimate_demo(factory: sessionmaker[Session], *, today: date,
                      now: datetime | None = None) -> None:
    # given a week ago (a time already past whatever the clock says today)
    now = now or datetime.combine(today - timedelta(days=7), time(15, 0), tzinfo=UTC)
    ClinicDetailsService(factory).save(DEMO_DETAILS)
    fees = FeeScheduleService(factory)
    year = today.year if today.year in national_fees() else max(national_fees())
    fees.save(SELF_PAY, year, [(c, Decimal(p)) for c, p in DEMO_SELF_PAY.items()])
    with session_scope(factory) as s:
        payers = s.execute(select(Payer.id, Payer.name).where(
            Payer.kind == PayerKind.COMMERCIAL).order_by(Payer.id).limit(2)).all()
        gfe_patient = _first_booked(s, PayerKind.SELF_PAY, today)
        insured_patient = _first_booked(s, PayerKind.COMMERCIAL, today)
    national = national_fees()[year]
    for (pid, name), factor in zip(payers, DEMO_PAYER_FACTORS, strict=False):
        rows = [(c, round_cents(national[c].amount * factor)) for c in DEMO_PAYER_CODES]
        fees.save(ScheduleScope("allowed", pid, name, True), year, rows)
    desk = EstimateDesk(factory)
    for patient_id, by in ((gfe_patient, "Front desk (demo)"), (insured_patient, "Billing (demo)")):
        if patient_id is None:
            continue
        prefill = desk.prefill(patient_id, today, now)
        data = dict(prefill.scenario, prepared_by=by, diagnoses=["M54.50"])
        result = desk.compute(data)
        e = result.estimate
        t = e.totals
        desk.save(EstimateToStore(
            patient_id, by, "gfe" if e.request.payer_type.pays_own_way else "estimate",
            "es" if patient_id == gfe_patient else "en", data,
            EstimateTotalsDraft(t.allowed, t.insurance_pays, t.patient_pays), len(e.visits),
            e.request.plan.first_visit), now)
