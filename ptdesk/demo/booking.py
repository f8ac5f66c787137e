"""Demo bookings for the next weeks (issue 10 #2), added to the demo clinic once.

Several providers get series booked at set times, so the week view shows a real week, and one
patient's series runs past the authorization: its last visits are booked anyway and marked,
so the warning shows on Today, the record and the panel. Written through the services (the
booking service itself), so allocation, marks and the change counter follow. All synthetic;
chart numbers start with "BK".
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.booking import SeriesPlan
from ptdesk.domain.patient_rules import CoverageDraft, PatientDraft
from ptdesk.domain.payers import PayerKind
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.booking import BookingService, SeriesRequest
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Payer, Provider

D = timedelta
MON, TUE, WED, THU, FRI = range(5)


@dataclass(frozen=True)
class _Series:
    chart: str
    last: str
    first: str
    dob: date
    provider: int  # index into the clinic's providers (by id)
    weekdays: tuple[int, ...]
    at: time
    weeks: int
    auth_visits: int | None  # None: a payer without prior authorization


# The first one runs past its authorization (12 visits, 4 already used, 2 a week for 6 weeks).
SERIES = (
    _Series("BK0001", "Quintero", "Rosa", date(1968, 2, 19), 0, (MON, THU), time(9, 0), 6, 12),
    _Series("BK0002", "Abernathy", "Cole", date(1990, 7, 8), 0, (MON, WED, FRI), time(10, 30),
            3, 24),
    _Series("BK0003", "Nguyen", "Thao", date(1955, 3, 3), 1, (TUE, THU), time(8, 0), 4, 20),
    _Series("BK0004", "Petrov", "Ivan", date(1979, 11, 27), 1, (MON, WED), time(13, 0), 4, None),
    _Series("BK0005", "Washington", "Lena", date(1984, 5, 14), 2, (TUE, FRI), time(9, 30),
            4, 16),
    _Series("BK0006", "Haddad", "Samir", date(1962, 8, 30), 2, (MON, THU), time(15, 0), 3, None),
    _Series("BK0007", "Fitzgerald", "Maeve", date(1997, 1, 5), 3, (WED, FRI), time(11, 0), 4,
            12),
    _Series("BK0008", "Oyelaran", "Tunde", date(1973, 9, 12), 4, (MON, WED, FRI), time(14, 0),
            3, None),
)
_LINE = ServiceLineDraft("97110", 2, 30, 0, "GP")


def add_booking_showcase(factory: sessionmaker[Session], *, today: date) -> int:
    """Add the series once (skipped when chart BK0001 exists); returns the visits booked."""
    with session_scope(factory) as s:
        if s.execute(select(Patient.id).where(Patient.chart_number == "BK0001")).first():
            return 0
        auth_payer = s.execute(select(Payer.id).where(Payer.kind == PayerKind.COMMERCIAL,
                                                      Payer.requires_prior_auth.is_(True))
                               .order_by(Payer.id).limit(1)).scalar_one_or_none()
        free_payer = s.execute(select(Payer.id).where(Payer.requires_prior_auth.is_(False),
                                                      Payer.kind != PayerKind.SELF_PAY)
                               .order_by(Payer.id).limit(1)).scalar_one_or_none()
        providers = list(s.execute(select(Provider.id).where(Provider.active.is_(True))
                                   .order_by(Provider.id)).scalars())
    if auth_payer is None or free_payer is None or not providers:
        return 0
    patients, auths = PatientService(factory), AuthorizationService(factory)
    visits, booking = VisitService(factory), BookingService(factory)
    monday = today + D(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    booked = 0
    for x in SERIES:
        p = patients.create_patient(PatientDraft(x.last, x.first, x.dob, chart_number=x.chart,
                                                 phone_mobile="(555) 555-0178"), today)
        payer = auth_payer if x.auth_visits is not None else free_payer
        cov = patients.add_coverage(p.id, CoverageDraft(payer, f"MB{x.chart}",
                                                        today - D(days=300)), today)
        prov = providers[x.provider % len(providers)]
        if x.auth_visits is not None:
            # Started two weeks ago; the first patient's ends before the series does.
            end = today + D(days=33 if x.chart == "BK0001" else 90)
            auths.add(AuthorizationDraft(cov.id, today - D(days=14), end, x.auth_visits,
                                         number=f"A-{x.chart[2:]}"))
        if x.chart == "BK0001":
            # Four visits already done under the authorization, on its Mondays and Thursdays.
            done_days = [today - D(days=i) for i in range(1, 15)
                         if (today - D(days=i)).weekday() in x.weekdays][:4]
            for day in sorted(done_days):
                v = visits.book(VisitDraft(p.id, day, cov.id, x.at, prov))
                visits.complete(v.id, [_LINE])
        done = booking.book(SeriesRequest(p.id, cov.id, prov, SeriesPlan(
            monday, x.weekdays, x.at, weeks=x.weeks)), anyway=True)
        booked += len(done.visit_ids)
    return booked
