"""The estimate pre-filled from ptdesk (coverage benefits, derived visits used, authorization
left and end, payer fees, self-pay prices, clinic details), computed by the engine; the
next-year fee fallback. Both backends."""

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.billing.fee_schedule_dtos import ScheduleScope
from ptdesk.services.billing.fee_schedules import SELF_PAY, FeeScheduleService
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.estimates.desk import (
    EstimateDesk,
    fallback_note,
    render_pdf,
    with_next_year_fallback,
)
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage
from tests.services.auth_fixtures import TODAY, make_clinic
from tests.services.test_fee_schedules import DETAILS

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


def _setup(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    c = make_clinic(factory, limit=20)
    with session_scope(factory) as s:
        cov = s.get(Coverage, c.coverage_id)
        assert cov is not None
        cov.deductible, cov.deductible_met = Decimal("1500.00"), Decimal("200.00")
        cov.coinsurance_pct, cov.oop_max = Decimal("20"), Decimal("4000.00")
        cov.benefits_verified_on = date(2026, 3, 10)
        cov.group_id = "G-77"
    AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 4, 30), 8, number="AU-9"))
    visits = VisitService(factory)
    for day in (date(2026, 3, 2), date(2026, 3, 5)):
        v = visits.book(VisitDraft(c.patient_id, day, c.coverage_id))
        visits.complete(v.id, [ServiceLineDraft("97110", 3, 45), ServiceLineDraft("97530", 1,
                                                                                  15)])
    visits.book(VisitDraft(c.patient_id, date(2026, 3, 19), c.coverage_id))
    ClinicDetailsService(factory).save(DETAILS)
    fees = FeeScheduleService(factory)
    fees.save(SELF_PAY, 2026, [("97110", Decimal("45.00"))])
    fees.save(ScheduleScope("allowed", c.payer_id, "Acme", True), 2026,
              [("97110", Decimal("31.00"))])
    return c.patient_id, c.payer_id, c.medicare_patient_id


def test_prefill_from_the_record(session_factory: sessionmaker[Session]) -> None:
    pid, _payer, _m = _setup(session_factory)
    desk = EstimateDesk(session_factory, PanelService(session_factory))
    p = desk.prefill(pid, TODAY, NOW, visits=6, per_week=3)
    d = p.scenario
    assert (p.patient_name, p.chart_number, p.payer_name) == ("Ana Rivera", "C1", "Acme Health")
    assert d["payer_type"] == "commercial"
    assert d["as_of"] == "2026-03-10"
    assert d["benefits"] == {
        "deductible": "1500.00", "deductible_met": "200.00", "coinsurance_percent": "20",
        "oop_max": "4000.00", "plan_year_start": "01-01", "verified_on": "2026-03-10",
        "visit_limit": 20, "visits_used": 2, "auth_visits_left": 6, "auth_end": "2026-04-30"}
    assert d["plan_of_care"] == {"first_visit": "2026-03-19", "visits_per_week": 3,
                                 "visits": 6,
                                 "per_visit": [{"code": "97110", "units": 3},
                                               {"code": "97530", "units": 1}]}
    assert d["fees"] == {"97110": "31.00"}
    assert d["self_pay_prices"] == {"97110": "45.00"}
    assert d["locality_factor"] == "1.0500"
    assert d["clinic"]["npi"] == "1234567893"
    assert d["clinic"]["tin"] == "12-3456789"
    assert d["clinic"]["address"] == ["1 Main St", "Madison, WI 53703"]
    assert any("2 of 20" in n for n in p.notes)
    result = desk.compute(d)
    e = result.estimate
    assert len(e.visits) == 6
    assert e.visits[0].lines[0].allowed == Decimal("93.00")  # 3 x the payer's 31.00
    assert e.totals.allowed == e.totals.insurance_pays + e.totals.patient_pays
    assert render_pdf(result, lang="es", today=TODAY).startswith(b"%PDF")


def test_prefill_without_coverage_or_patient(session_factory: sessionmaker[Session]) -> None:
    pid, _payer, medicare_pid = _setup(session_factory)
    desk = EstimateDesk(session_factory, PanelService(session_factory))
    with session_scope(session_factory) as s:
        for cov in s.query(Coverage).filter(Coverage.patient_id == pid):
            cov.end_date = date(2026, 3, 1)
    p = desk.prefill(pid, TODAY, NOW)
    assert p.scenario["payer_type"] == "uninsured"
    assert "benefits" not in p.scenario
    assert "evaluation" not in p.scenario["plan_of_care"]  # seen before: no new evaluation
    e = desk.compute(p.scenario).estimate
    assert e.visits[0].lines[0].allowed == Decimal("135.00")  # self-pay 45.00 x 3
    quick = desk.prefill(None, TODAY, NOW)
    assert quick.patient_id is None
    assert quick.scenario["payer_type"] == "self_pay"
    assert quick.scenario["plan_of_care"]["evaluation"] == "97162"
    assert quick.scenario["plan_of_care"]["first_visit"] == "2026-03-18"  # Mar 17 closed
    m = desk.prefill(medicare_pid, TODAY, NOW)
    assert m.scenario["payer_type"] == "medicare"
    assert len(desk.compute(m.scenario).estimate.visits) == 12


def test_a_course_into_a_year_without_a_cms_file(session_factory: sessionmaker[Session]) -> None:
    desk = EstimateDesk(session_factory)
    quick = desk.prefill(None, date(2026, 12, 1), NOW)
    data = copy.deepcopy(quick.scenario)
    data["payer_type"] = "commercial"
    data["benefits"] = {}
    data["plan_of_care"]["first_visit"] = "2026-12-14"
    filled = with_next_year_fallback(data)
    assert filled["fees"]["97110"] == "29.06"  # 2026's amount for the 2027 visits
    assert "97010" not in filled["fees"]  # bundled (status B): left to the engine
    result = desk.compute(data)
    assert result.estimate.visits[-1].date.year == 2027
    assert "2027" in (fallback_note(result, "en") or "")
    assert "aún no está cargado" in (fallback_note(result, "es") or "")
    data["plan_of_care"]["first_visit"] = "2026-03-02"
    assert with_next_year_fallback(data) is data


def test_a_payer_needing_an_authorization_with_none_in_force_marks_every_visit(
    session_factory: sessionmaker[Session],
) -> None:
    """Seen on the demo: an expired authorization gave "Covered in full" on every visit. With
    none in force or coming, each visit is covered only once authorized: marked, and priced
    at what the patient owes if it is refused."""
    c = make_clinic(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(  # ended before TODAY
        c.coverage_id, date(2025, 10, 1), date(2025, 12, 31), 12, number="OLD"))
    desk = EstimateDesk(session_factory, PanelService(session_factory))
    p = desk.prefill(c.patient_id, TODAY, NOW, visits=4, per_week=2)
    assert p.scenario["benefits"]["auth_visits_left"] == 0
    assert "auth_end" not in p.scenario["benefits"]
    assert any("requires one" in n for n in p.notes)
    result = desk.compute(p.scenario)
    assert all(v.needs_extension for v in result.estimate.visits)
