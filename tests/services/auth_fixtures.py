"""A tiny clinic for the issue-5 service tests: one payer that needs authorizations, one
Medicare payer, a patient with a coverage at each."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage, Patient, Payer

TODAY = date(2026, 3, 16)


@dataclass(frozen=True)
class Clinic:
    patient_id: int
    coverage_id: int  # Aetna-like, requires prior authorization
    payer_id: int
    medicare_patient_id: int
    medicare_coverage_id: int


def make_clinic(factory: sessionmaker[Session], *, limit: int | None = None) -> Clinic:
    with session_scope(factory) as s:
        payer = Payer(name="Acme Health", kind=PayerKind.COMMERCIAL, unit_method=UnitMethod.AMA,
                      requires_prior_auth=True)
        mcare = Payer(name="Medicare Part B", kind=PayerKind.MEDICARE,
                      unit_method=UnitMethod.CMS, requires_prior_auth=False)
        s.add_all([payer, mcare])
        s.flush()
        p = Patient(chart_number="C1", last_name="Rivera", first_name="Ana",
                    date_of_birth=date(1980, 5, 1))
        m = Patient(chart_number="C2", last_name="Okafor", first_name="Ben",
                    date_of_birth=date(1950, 2, 3))
        s.add_all([p, m])
        s.flush()
        cov = Coverage(patient_id=p.id, payer_id=payer.id, priority=1, member_id="A1",
                       effective_date=date(2025, 1, 1), visit_limit_per_year=limit)
        mcov = Coverage(patient_id=m.id, payer_id=mcare.id, priority=1, member_id="M1",
                        effective_date=date(2025, 1, 1))
        s.add_all([cov, mcov])
        s.flush()
        return Clinic(p.id, cov.id, payer.id, m.id, mcov.id)
