"""Demo patients in every check-in state (issue 10), added to the demo clinic once.

Each has a visit booked today, so the Today page shows every outcome: a stop for each reason,
a warning, a go, a visit checked in over a stop earlier this week, and plans of care near and
past their recertification and due a progress report. Written through the services (search
keys, allocation and counters follow). All synthetic; a surname prefix ("Demo") would look
fake on screen, so the names are ordinary and the chart numbers start with "CK".
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.authorization import AuthState
from ptdesk.domain.overrides import OverrideDraft, OverrideReason
from ptdesk.domain.patient_rules import CoverageDraft, PatientDraft
from ptdesk.domain.payers import PayerKind, ProviderRole
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import (
    AuthorizationCodeDraft,
    AuthorizationDraft,
    RenewalRequestDraft,
)
from ptdesk.services.authorizations.plan_of_care import PlanOfCareService
from ptdesk.services.authorizations.plan_of_care_dtos import PlanOfCareDraft
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.checkin import CheckInService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Payer, Provider, ServiceLine

D = timedelta


@dataclass(frozen=True)
class _Who:
    chart: str
    last: str
    first: str
    dob: date
    payer_kind: PayerKind
    requires_auth: bool
    at: time


# One patient per state, booked today in this order (the Today page reads top to bottom).
PEOPLE = (
    _Who("CK0001", "Albright", "Nora", date(1971, 4, 2), PayerKind.COMMERCIAL, True, time(8, 0)),
    _Who("CK0002", "Baptiste", "Henri", date(1966, 9, 14), PayerKind.COMMERCIAL, True,
         time(8, 30)),
    _Who("CK0003", "Castellanos", "Lucía", date(1988, 1, 23), PayerKind.WORKERS_COMP, True,
         time(9, 0)),
    _Who("CK0004", "Dunmore", "Grace", date(1979, 6, 5), PayerKind.MEDICAID, True, time(9, 30)),
    _Who("CK0005", "Ekwueme", "Chidi", date(1993, 11, 30), PayerKind.COMMERCIAL, True,
         time(10, 0)),
    _Who("CK0006", "Fairbanks", "Owen", date(1958, 3, 17), PayerKind.COMMERCIAL, True,
         time(10, 30)),
    _Who("CK0007", "Galloway", "Ruth", date(1975, 8, 9), PayerKind.COMMERCIAL, False,
         time(11, 0)),
    _Who("CK0008", "Halvorsen", "Per", date(1946, 12, 1), PayerKind.MEDICARE, False,
         time(11, 30)),
    _Who("CK0009", "Ibarra", "Sofía", date(1984, 5, 21), PayerKind.COMMERCIAL, True, time(13, 0)),
    _Who("CK0010", "Jablonski", "Marek", date(1949, 2, 11), PayerKind.MEDICARE, False,
         time(13, 30)),
    _Who("CK0011", "Kowalczyk", "Irene", date(1951, 7, 4), PayerKind.MEDICARE, False,
         time(14, 0)),
    _Who("CK0012", "Lindqvist", "Elsa", date(1990, 10, 12), PayerKind.COMMERCIAL, True,
         time(14, 30)),
    _Who("CK0013", "Moreau", "Camille", date(1982, 4, 28), PayerKind.SELF_PAY, False,
         time(15, 0)),
    _Who("CK0014", "Nakamura", "Ken", date(1970, 1, 8), PayerKind.COMMERCIAL, False,
         time(15, 30)),
    _Who("CK0015", "O'Sullivan", "Aoife", date(1987, 9, 3), PayerKind.COMMERCIAL, True,
         time(16, 0)),
)
DOCTOR = "Dr Maria Reyes, MD"
_LINE = ServiceLineDraft("97110", 2, 30, 0, "GP")  # 30 timed minutes: 2 units either way


def _payer(s: Session, kind: PayerKind, requires_auth: bool) -> int:
    pid = s.execute(select(Payer.id).where(Payer.kind == kind,
                                           Payer.requires_prior_auth == requires_auth)
                    .order_by(Payer.id).limit(1)).scalar_one_or_none()
    if pid is None:  # any payer of the kind
        pid = s.execute(select(Payer.id).where(Payer.kind == kind).order_by(Payer.id)
                        .limit(1)).scalar_one()
    return int(pid)


def add_check_in_showcase(factory: sessionmaker[Session], *, today: date,
                          now: Callable[[], datetime]) -> int:
    """Add the showcase patients once (skipped when chart CK0001 exists); returns how many."""
    with session_scope(factory) as s:
        if s.execute(select(Patient.id).where(Patient.chart_number == "CK0001")).first():
            return 0
        payers = {(w.payer_kind, w.requires_auth): _payer(s, w.payer_kind, w.requires_auth)
                  for w in PEOPLE}
        pt = s.execute(select(Provider.id).where(Provider.role == ProviderRole.PT)
                       .order_by(Provider.id).limit(1)).scalar_one_or_none()
    patients, auths = PatientService(factory), AuthorizationService(factory)
    visits, plans = VisitService(factory), PlanOfCareService(factory)
    made: dict[str, tuple[int, int]] = {}
    for w in PEOPLE:
        p = patients.create_patient(PatientDraft(w.last, w.first, w.dob, chart_number=w.chart,
                                                 phone_mobile="(555) 555-0142"), today)
        # The limit patient's plan year began 80 days ago, so all 20 visits fall inside it.
        year_start = today - D(days=80)
        cov = patients.add_coverage(p.id, CoverageDraft(
            payers[(w.payer_kind, w.requires_auth)], f"MB{w.chart}", today - D(days=400),
            visit_limit_per_year=20 if w.chart == "CK0007" else None,
            plan_year_start_month=year_start.month if w.chart == "CK0007" else 1,
            plan_year_start_day=min(year_start.day, 28) if w.chart == "CK0007" else 1), today)
        made[w.chart] = (p.id, cov.id)

    def history(chart: str, n: int, first: date, every: int = 3) -> None:
        pid, cid = made[chart]
        for i in range(n):
            v = visits.book(VisitDraft(pid, first + D(days=i * every), cid, time(10, 0), pt))
            visits.complete(v.id, [_LINE])

    def auth(chart: str, start: date, end: date, n: int, **kw: object) -> None:
        auths.add(AuthorizationDraft(made[chart][1], start, end, n,
                                     number=f"A-{chart[2:]}", **kw))  # type: ignore[arg-type]

    def plan(chart: str, first: date, end: date, last_report: date | None = None) -> None:
        pid, cid = made[chart]
        plans.save(None, PlanOfCareDraft(pid, cid, first, first, end, DOCTOR, first + D(days=1),
                                         first + D(days=6),
                                         last_progress_report_on=last_report), today)

    t = today
    # Stops.
    auth("CK0001", t - D(days=60), t - D(days=1), 12)  # expired yesterday
    history("CK0001", 6, t - D(days=55), 7)
    auth("CK0002", t - D(days=45), t + D(days=45), 12)  # 12 of 12 used
    history("CK0002", 12, t - D(days=40))
    auth("CK0003", t + D(days=3), t + D(days=60), 12)  # not yet started
    auth("CK0004", t, t + D(days=60), 12, state=AuthState.PENDING)  # pending only
    RenewalService(factory).create(RenewalRequestDraft(
        made["CK0004"][1], visits_requested=12, start_requested=t, end_requested=t + D(days=60),
        sent_at=now() - D(days=2)), now())
    # CK0005: no authorization at all.
    auth("CK0006", t - D(days=20), t + D(days=70), 20,  # today's planned code not authorized
         codes=(AuthorizationCodeDraft("97110"), AuthorizationCodeDraft("97140")))
    history("CK0007", 20, t - D(days=70))  # plan-year limit 20 reached
    plan("CK0008", t - D(days=100), t + D(days=30))  # recert overdue (90 days passed)
    history("CK0008", 8, t - D(days=20), 2)
    # Warnings.
    auth("CK0009", t - D(days=30), t + D(days=60), 12)  # 2 visits left
    history("CK0009", 10, t - D(days=30))
    plan("CK0010", t - D(days=40), t + D(days=60))  # progress report due in 2 visits
    history("CK0010", 8, t - D(days=30), 3)
    plan("CK0011", t - D(days=85), t + D(days=30), t - D(days=10))  # recert due in 5 days
    history("CK0011", 3, t - D(days=9), 3)
    # Go.
    auth("CK0012", t - D(days=10), t + D(days=80), 24)
    history("CK0012", 2, t - D(days=8))
    # CK0013 self-pay, CK0014 a payer without prior authorization: nothing to add.
    # CK0015: checked in over a stop earlier this week (at risk, counted on the board).
    auth("CK0015", t - D(days=70), t - D(days=10), 10)
    history("CK0015", 5, t - D(days=60), 7)
    monday = t - D(days=t.weekday())
    pid, cid = made["CK0015"]
    earlier = visits.book(VisitDraft(pid, monday, cid, time(9, 0), pt)).id
    CheckInService(factory).check_in(
        earlier, datetime.combine(monday, time(8, 55)).astimezone(),
        OverrideDraft(OverrideReason.AT_RISK, "", "JD"))
    if monday < t:
        visits.complete(earlier, [_LINE])
    # Today's visits (CK0015's second visit this week stops again: expired).
    for w in PEOPLE:
        if w.chart == "CK0015" and monday == t:
            continue
        pid, cid = made[w.chart]
        v = visits.book(VisitDraft(pid, t, cid, w.at, pt))
        if w.chart == "CK0006":  # the planned code: balance (97112) is not authorized
            with session_scope(factory) as s:
                s.add(ServiceLine(visit_id=v.id, line_no=1, code="97112", units=2, minutes=30,
                                  modifiers="GP"))
            auths.reallocate_patient(pid)
    return len(PEOPLE)
