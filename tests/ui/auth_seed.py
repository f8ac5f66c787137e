"""A small clinic for the authorization screens' tests and screenshots: patients in each
colour (Green, Yellow, Red, None), a Medicare patient, requests pending, overdue and decided."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import PayerKind, ProviderRole, UnitMethod
from ptdesk.domain.renewal import RequestMethod, RequestStatus, Urgency
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import (
    AuthorizationCodeDraft,
    AuthorizationDraft,
    RenewalDecision,
    RenewalRequestDraft,
)
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.services.board.chips import StatusChips
from ptdesk.services.patients.dtos import CoverageDraft, PatientDraft
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Payer, Provider

TODAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 9, 30).astimezone()


@dataclass(frozen=True)
class Seeded:
    payers: dict[str, int]
    patients: dict[str, int]
    coverages: dict[str, int]
    provider_id: int


def apis(factory: sessionmaker[Session]) -> AuthorizationApis:
    return AuthorizationApis(PanelService(factory), AuthorizationService(factory),
                             RenewalService(factory), VisitService(factory),
                             chips=StatusChips(factory))


def base_clinic(factory: sessionmaker[Session]) -> Seeded:
    with session_scope(factory) as s:
        acme = Payer(name="Aetna Choice POS", kind=PayerKind.COMMERCIAL,
                     unit_method=UnitMethod.AMA, requires_prior_auth=True)
        bcbs = Payer(name="BCBS Texas", kind=PayerKind.COMMERCIAL, unit_method=UnitMethod.AMA,
                     requires_prior_auth=True)
        mcare = Payer(name="Medicare Part B", kind=PayerKind.MEDICARE,
                      unit_method=UnitMethod.CMS, requires_prior_auth=False)
        lee = Provider(first_name="Dana", last_name="Lee", credentials="PT", role=ProviderRole.PT)
        s.add_all([acme, bcbs, mcare, lee])
        s.flush()
        payers = {"aetna": acme.id, "bcbs": bcbs.id, "medicare": mcare.id}
        provider = lee.id
    return Seeded(payers, {}, {}, provider)


def add_patient(factory: sessionmaker[Session], seeded: Seeded, key: str, last: str,
                first: str, payer: str, *, limit: int | None = None) -> tuple[int, int]:
    svc = PatientService(factory)
    pid = svc.create_patient(PatientDraft(last_name=last, first_name=first,
                                          date_of_birth=date(1971, 4, 12),
                                          phone_mobile="(512) 555-0142"), TODAY).id
    cov = svc.add_coverage(pid, CoverageDraft(payer_id=seeded.payers[payer],
                                              member_id=f"W{pid:08d}",
                                              effective_date=date(2025, 1, 1),
                                              visit_limit_per_year=limit), TODAY).id
    seeded.patients[key] = pid
    seeded.coverages[key] = cov
    return pid, cov


def visits(factory: sessionmaker[Session], pid: int, cov: int, days: list[date], *,
           complete: bool = True, provider: int | None = None) -> list[int]:
    svc = VisitService(factory)
    ids = []
    for d in days:
        v = svc.book(VisitDraft(pid, d, cov, time(9, 30), provider))
        if complete:
            svc.complete(v.id, [ServiceLineDraft("97110", 2, 30),
                                ServiceLineDraft("97140", 1, 15)])
        ids.append(v.id)
    return ids


def weekly(start: date, n: int, step: int = 3) -> list[date]:
    return [start + timedelta(days=step * i) for i in range(n)]


def seed_colours(factory: sessionmaker[Session]) -> Seeded:
    """Green, Yellow, Red and None patients, plus requests of each kind (for the board)."""
    seeded = base_clinic(factory)
    auth = AuthorizationService(factory)
    ren = RenewalService(factory)
    # Green: 20 visits, 4 used, 2 booked, to June
    pid, cov = add_patient(factory, seeded, "green", "Rivera", "Ana", "aetna", limit=30)
    auth.add(AuthorizationDraft(cov, date(2026, 2, 23), date(2026, 6, 30), 20,
                                number="AU-48213", codes=(AuthorizationCodeDraft("97110"),
                                                          AuthorizationCodeDraft("97140"))))
    visits(factory, pid, cov, weekly(date(2026, 2, 24), 4), provider=seeded.provider_id)
    visits(factory, pid, cov, [date(2026, 3, 18), date(2026, 3, 20)], complete=False)
    # Yellow: 12 visits, 8 used -> 4 left; one booked
    pid, cov = add_patient(factory, seeded, "yellow", "Okafor", "Ben", "bcbs")
    auth.add(AuthorizationDraft(cov, date(2026, 2, 2), date(2026, 5, 29), 12,
                                number="BC-99120"))
    visits(factory, pid, cov, weekly(date(2026, 2, 3), 8))
    visits(factory, pid, cov, [date(2026, 3, 19)], complete=False)
    # Red: 10 visits, 8 used (one voided), 4 booked -> 2 over; a request sent, overdue
    pid, cov = add_patient(factory, seeded, "red", "Nguyen", "Linh", "aetna")
    saved = auth.add(AuthorizationDraft(cov, date(2026, 1, 19), date(2026, 3, 27), 10,
                                        number="AU-47001"))
    done = visits(factory, pid, cov, weekly(date(2026, 1, 20), 9, 6))
    VisitService(factory).void(done[-1], "Entered for the wrong patient")
    visits(factory, pid, cov, [date(2026, 3, 17), date(2026, 3, 19), date(2026, 3, 23),
                               date(2026, 3, 25)], complete=False)
    ren.create(RenewalRequestDraft(cov, saved.authorization_id, RequestMethod.FAX,
                                   Urgency.STANDARD, 8, date(2026, 3, 28), date(2026, 5, 8),
                                   (), "Progressing; goals: stairs, 30 min walk.",
                                   datetime(2026, 3, 6, 14, 0).astimezone()), NOW)
    # None: needs an authorization, none in force; a request not sent yet
    pid, cov = add_patient(factory, seeded, "none", "Smith", "Josephine", "bcbs")
    ren.create(RenewalRequestDraft(cov, None, RequestMethod.PORTAL, Urgency.STANDARD, 12,
                                   date(2026, 3, 16), date(2026, 5, 15), (), "Initial eval"),
               NOW)
    # Decided requests, for payer statistics
    for i, (status, reason) in enumerate([(RequestStatus.APPROVED, ""),
                                          (RequestStatus.DENIED, "Not medically necessary"),
                                          (RequestStatus.APPROVED, "")]):
        _p, c = add_patient(factory, seeded, f"done{i}", "Garcia", f"Case{i}", "aetna")
        a = auth.add(AuthorizationDraft(c, date(2026, 1, 5), date(2026, 4, 30), 24,
                                        number=f"AU-3{i}"))
        r = ren.create(RenewalRequestDraft(c, a.authorization_id, RequestMethod.PORTAL,
                                           Urgency.STANDARD, 8, None, None, (), "",
                                           datetime(2026, 2, 2 + 7 * i, 10, 0).astimezone()), NOW)
        ren.record_decision(r.request_id, RenewalDecision(
            status, date(2026, 2, 6 + 7 * i), 0 if reason else 8,
            None if reason else date(2026, 5, 1), None if reason else date(2026, 6, 30),
            "" if reason else f"AU-9{i}", reason), NOW)
    return seeded
