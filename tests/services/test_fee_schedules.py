"""Fee schedules (default from CMS x locality, payer and self-pay lists, CSV import), clinic
details, stored estimates and the GFE due list: both backends."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.billing.fee_schedules import DEFAULT, SELF_PAY, FeeScheduleService
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.estimates.dtos import EstimateToStore, EstimateTotalsDraft
from ptdesk.services.estimates.gfe_due import GfeDueService
from ptdesk.services.estimates.given import PatientEstimateService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import FeeScheduleEntry, ServiceLine, Visit
from tests.services.auth_fixtures import make_clinic

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
DETAILS = ClinicDetailsDraft(name="Lakeside PT", address_line1="1 Main St", city="Madison",
                             state="wi", postal_code="53703", phone="(608) 555-0100",
                             npi="1234567893", tin="12-3456789",
                             locality_factor=Decimal("1.0500"),
                             closed_dates=(date(2026, 3, 17),))


def test_clinic_details_round_trip_and_checks(session_factory: sessionmaker[Session]) -> None:
    svc = ClinicDetailsService(session_factory)
    assert svc.get() == ClinicDetailsDraft()
    saved = svc.save(DETAILS)
    assert (saved.tin, saved.state, saved.locality_factor) == ("123456789", "WI",
                                                                Decimal("1.0500"))
    assert svc.get() == saved
    with pytest.raises(ValidationErrors) as e:
        svc.save(ClinicDetailsDraft(name="X", npi="1234567890", tin="12345", state="Wis",
                                    postal_code="5370"))
    assert set(e.value.errors) == {"npi", "tin", "state", "postal_code"}
    assert svc.get() == saved  # nothing written


def test_default_schedule_is_cms_times_locality(session_factory: sessionmaker[Session]) -> None:
    svc = FeeScheduleService(session_factory)
    rows = {r.code: r for r in svc.schedule(DEFAULT, 2026).rows}
    assert rows["97110"].amount == Decimal("29.06")  # 0.87 x 33.4009 (pt-rules I2)
    assert rows["97161"].amount == Decimal("97.86")
    assert "bundled" in rows["97010"].note
    ClinicDetailsService(session_factory).save(DETAILS)
    rows = {r.code: r for r in svc.schedule(DEFAULT, 2026).rows}
    assert rows["97110"].amount == Decimal("30.51")  # 0.87 x 33.4009 x 1.05 = 30.5118
    assert "1.0500" in svc.schedule(DEFAULT, 2026).source
    with pytest.raises(DomainError):
        svc.save(DEFAULT, 2026, [("97110", Decimal("1"))])


def test_payer_and_self_pay_lists(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    svc = FeeScheduleService(session_factory)
    scopes = svc.scopes()
    assert scopes[:2] == (DEFAULT, SELF_PAY)
    acme = next(x for x in scopes if x.payer_id == c.payer_id)
    view = svc.save(acme, 2025, [("97110", Decimal("31.00")), ("97140", Decimal("28.5"))])
    assert [(r.code, r.amount) for r in view.rows] == [("97110", Decimal("31.00")),
                                                       ("97140", Decimal("28.50"))]
    # 2026 has no list of its own: the 2025 one applies; saving 2026 leaves 2025 alone
    def amounts(year: int) -> list[tuple[str, Decimal]]:
        return [(r.code, r.amount) for r in svc.schedule(acme, year).rows]

    assert amounts(2026) == amounts(2025)
    svc.save(acme, 2026, [("97110", Decimal("32.00"))])
    assert amounts(2025) == [("97110", Decimal("31.00")), ("97140", Decimal("28.50"))]
    assert amounts(2026) == [("97110", Decimal("32.00"))]
    with pytest.raises(ValidationErrors) as e:
        svc.save(SELF_PAY, 2026, [("97110", Decimal("45")), ("97110", Decimal("46")),
                                  ("99999", Decimal("1")), ("97140", Decimal("-1"))])
    assert len(e.value.errors) == 3
    assert svc.schedule(SELF_PAY, 2026).rows == ()


CSV = """code,amount
97110,45.00
97140,$40
99213,80.00
97530,-5
97112,abc
97110,46.00

97161,"1,150.00"
97116,12.345
"""


def test_csv_import_keeps_good_rows_and_lists_bad_ones(
        session_factory: sessionmaker[Session]) -> None:
    svc = FeeScheduleService(session_factory)
    svc.save(SELF_PAY, 2026, [("97010", Decimal("10.00"))])
    report = svc.import_csv(SELF_PAY, 2026, CSV, source="prices.csv")
    assert report.kept == 3
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [
        (4, "99213"), (5, "97530"), (6, "97112"), (7, "97110"), (10, "97116")]
    assert "unknown code" in report.problems[0].reason
    assert "negative" in report.problems[1].reason
    assert "twice" in report.problems[3].reason
    got = {r.code: r.amount for r in svc.schedule(SELF_PAY, 2026).rows}
    assert got == {"97010": Decimal("10.00"), "97110": Decimal("45.00"),
                   "97140": Decimal("40.00"), "97161": Decimal("1150.00")}
    with pytest.raises(DomainError):
        svc.import_csv(SELF_PAY, 2026, "cpt;price\n97110;1\n")


def test_csv_import_all_bad_writes_nothing(session_factory: sessionmaker[Session]) -> None:
    svc = FeeScheduleService(session_factory)
    report = svc.import_csv(SELF_PAY, 2026, "code,price\nXX,1\n")
    assert report.kept == 0
    assert len(report.problems) == 1
    with session_scope(session_factory) as s:
        assert s.scalars(select(FeeScheduleEntry)).all() == []


def _visit(factory: sessionmaker[Session], patient_id: int, day: date, booked_at: datetime,
           status: VisitStatus = VisitStatus.BOOKED, coverage_id: int | None = None,
           allowed: Decimal | None = None) -> None:
    with session_scope(factory) as s:
        v = Visit(patient_id=patient_id, visit_date=day, status=status,
                  coverage_id=coverage_id, created_at=booked_at)
        if allowed is not None:
            v.lines = [ServiceLine(line_no=1, code="97110", minutes=30, units=2,
                                   allowed_amount=allowed)]
        s.add(v)


def _store(factory: sessionmaker[Session], patient_id: int, kind: str,
           now: datetime = NOW) -> None:
    PatientEstimateService(factory).save(EstimateToStore(
        patient_id, "Front desk (Maria)", kind, "es", {"payer_type": "self_pay", "x": "ñ"},
        EstimateTotalsDraft(Decimal("540.00"), Decimal("0.00"), Decimal("540.00")), 12,
        date(2026, 3, 20)), now)


def test_stored_estimates_and_billed_so_far(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    _store(session_factory, c.patient_id, "estimate")
    _visit(session_factory, c.patient_id, date(2026, 3, 23), NOW, VisitStatus.COMPLETED,
           allowed=Decimal("58.12"))
    _visit(session_factory, c.patient_id, date(2026, 3, 10), NOW, VisitStatus.COMPLETED,
           allowed=Decimal("99.00"))  # before the estimate's first visit: not counted
    later = NOW + timedelta(days=1)
    _store(session_factory, c.patient_id, "gfe", later)
    svc = PatientEstimateService(session_factory)
    rows = svc.list_for(c.patient_id, NOW)
    assert [r.kind for r in rows] == ["gfe", "estimate"]
    first = rows[1]
    assert first.created_at == NOW
    assert first.created_at.tzinfo is not None
    assert (first.visits_done, first.billed_allowed) == (1, Decimal("58.12"))
    assert first.scenario == {"payer_type": "self_pay", "x": "ñ"}
    assert first.totals.patient_pays == Decimal("540.00")
    assert svc.get(first.id, NOW) == first
    with pytest.raises(DomainError):
        svc.save(EstimateToStore(c.patient_id, "", "quote", "en", {}, first.totals, 1,
                                 date(2026, 3, 20)), NOW)


def test_gfe_due_until_one_is_given(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    ClinicDetailsService(session_factory).save(DETAILS)  # closed Tue Mar 17
    today = date(2026, 3, 16)
    booked = datetime(2026, 3, 16, 14, 0, tzinfo=UTC)
    _visit(session_factory, c.patient_id, date(2026, 3, 19), booked)  # 2 business days
    svc = GfeDueService(session_factory)
    assert svc.due(today, NOW) == ()
    _visit(session_factory, c.patient_id, date(2026, 3, 24), booked)  # 5 ahead: 1 day
    _visit(session_factory, c.patient_id, date(2026, 3, 25), booked, coverage_id=c.coverage_id)
    _visit(session_factory, c.medicare_patient_id, date(2026, 4, 30), booked)  # 10+: 3 days
    rows = svc.due(today, NOW)
    assert [(r.chart_number, r.first_visit, r.due) for r in rows] == [
        ("C1", date(2026, 3, 24), date(2026, 3, 18)),  # Tuesday closed: Wednesday
        ("C2", date(2026, 4, 30), date(2026, 3, 20))]
    assert not rows[0].overdue
    assert svc.due(date(2026, 3, 19), NOW)[0].overdue
    _store(session_factory, c.patient_id, "estimate")  # a plain estimate is not a GFE
    assert len(svc.due(today, NOW)) == 2
    from ptdesk.services.board.practice_board import BoardService

    token = BoardService(session_factory).change_token()
    _store(session_factory, c.patient_id, "gfe")
    assert BoardService(session_factory).change_token() > token  # the boards refresh
    assert [r.chart_number for r in svc.due(today, NOW)] == ["C2"]
