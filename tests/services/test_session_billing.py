"""The session form's service on both backends: the visit's context (payer, method, year-to-date
KX amount, authorization and visit number) and the preview (units, ties, CQ split, findings)."""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationCodeDraft, AuthorizationDraft
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.services.visits.session_billing import SessionBillingService, preview_lines
from ptdesk.services.visits.session_dtos import SessionContext, SessionRow
from ptdesk.storage.rule_tables import load_bundled_ruleset
from tests.services.auth_fixtures import TODAY, make_clinic

RULES = load_bundled_ruleset()


def medicare_context(ytd: Decimal | None = None, day: date = TODAY) -> SessionContext:
    return SessionContext(1, 1, "Okafor, Ben", day, VisitStatus.BOOKED, "Medicare Part B",
                          PayerKind.MEDICARE, UnitMethod.CMS, ytd_allowed_before=ytd)


def test_preview_units_explanation_and_ama_comparison() -> None:
    p = preview_lines(RULES, medicare_context(), [SessionRow("97110", 23), SessionRow("97112", 14)])
    assert [(ln.code, ln.units, ln.modifiers) for ln in p.lines] == [
        ("97110", 1, ("GP",)), ("97112", 1, ("GP",))]
    assert p.total_timed_minutes == 37
    assert p.total_units == 2
    assert p.explanation.startswith("37 timed minutes = 2 units")
    assert p.other_method_label == "AMA per-code"
    assert p.other_method_units == 3
    assert p.other_differs
    assert p.lines[0].description  # from the catalogue


def test_preview_tie_and_preference() -> None:
    rows = [SessionRow("97110", 20), SessionRow("97140", 20)]
    p = preview_lines(RULES, medicare_context(), rows)
    assert set(p.ties) == {"97110", "97140"}
    assert p.total_timed_units == 3
    winner = p.tie_winners[0]
    other = next(c for c in p.ties if c != winner)
    q = preview_lines(RULES, medicare_context(), rows, (other,))
    assert q.tie_winners == (other,)
    assert {ln.code: ln.units for ln in q.lines}[other] == 2


def test_preview_cq_split_into_two_lines_with_rows() -> None:
    rows = [None, SessionRow(" 97110 ", 36, 23)]  # the first row not filled in yet
    p = preview_lines(RULES, medicare_context(), rows)
    assert [(ln.code, ln.units, ln.modifiers, ln.part, ln.row) for ln in p.lines] == [
        ("97110", 1, ("GP",), 0, 1), ("97110", 1, ("GP", "CQ"), 1, 1)]
    assert "85%" in p.lines[1].note
    assert dict(p.cq_reasons)["97110"]


def test_preview_kx_and_findings_carry_source_and_version() -> None:
    p = preview_lines(RULES, medicare_context(Decimal("2950")),
                      [SessionRow("97110", 30), SessionRow("97999", 10)])
    assert "KX" in p.lines[0].modifiers
    rules = {f.rule for f in p.findings}
    assert {"UNKNOWN_CODE", "KX_REVIEW_THRESHOLD"} <= rules
    unknown = next(f for f in p.findings if f.rule == "UNKNOWN_CODE")
    assert unknown.row == 1
    assert unknown.source
    assert unknown.table_version
    assert p.lines[1].units is None


def test_context_of_a_medicare_visit_with_ytd(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    visits = VisitService(session_factory)
    earlier = visits.book(VisitDraft(c.medicare_patient_id, date(2026, 2, 2),
                                     c.medicare_coverage_id))
    visits.complete(earlier.id, [ServiceLineDraft("97110", 2, 30, 0, "GP", Decimal("61.10"))])
    last_year = visits.book(VisitDraft(c.medicare_patient_id, date(2025, 12, 1),
                                       c.medicare_coverage_id))
    visits.complete(last_year.id, [ServiceLineDraft("97110", 1, 15, 0, "GP", Decimal("30.00"))])
    v = visits.book(VisitDraft(c.medicare_patient_id, TODAY, c.medicare_coverage_id,
                               scheduled_time=time(9, 30)))
    later = visits.book(VisitDraft(c.medicare_patient_id, date(2026, 4, 1),
                                   c.medicare_coverage_id))
    visits.complete(later.id, [ServiceLineDraft("97110", 1, 15, 0, "GP", Decimal("30.55"))])
    svc = SessionBillingService(session_factory)
    ctx = svc.context(v.id)
    assert ctx.payer_kind is PayerKind.MEDICARE
    assert ctx.unit_method is UnitMethod.CMS
    assert ctx.patient_name == "Okafor, Ben"
    assert ctx.payer_name == "Medicare Part B"
    assert ctx.ytd_allowed_before == Decimal("61.10")
    assert ctx.rows == ()
    assert ctx.authorization is None
    assert svc.context(earlier.id).rows == (SessionRow("97110", 30, 0),)
    assert any(o.code == "97110" and o.timed for o in svc.codes())


def test_context_authorization_and_visit_number(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    AuthorizationService(session_factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 4, 30), 2, number="A-9",
        codes=(AuthorizationCodeDraft("97110"),), carried_in=1))
    visits = VisitService(session_factory)
    first = visits.book(VisitDraft(c.patient_id, date(2026, 3, 2), c.coverage_id))
    visits.check_in(first.id, datetime(2026, 3, 2, 9, 0).astimezone())
    v = visits.book(VisitDraft(c.patient_id, TODAY, c.coverage_id))
    svc = SessionBillingService(session_factory)
    ctx = svc.context(v.id)
    assert ctx.unit_method is UnitMethod.AMA
    assert ctx.payer_kind is PayerKind.COMMERCIAL
    assert ctx.authorization is not None
    assert ctx.authorization.number == "A-9"
    assert ctx.authorization.counts is AuthUnit.VISITS
    assert ctx.visit_number == 3  # 1 before ptdesk + 1 checked in + this one
    p = svc.preview(ctx, [SessionRow("97110", 20), SessionRow("97140", 10)])
    rules = {f.rule for f in p.findings}
    assert {"AUTH_VISITS_EXCEEDED", "AUTH_CODE_NOT_COVERED"} <= rules


def test_self_pay_visit(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    v = VisitService(session_factory).book(VisitDraft(c.patient_id, TODAY, None))
    ctx = SessionBillingService(session_factory).context(v.id)
    assert ctx.payer_kind is PayerKind.SELF_PAY
    assert ctx.payer_name == "Self-pay"
    assert ctx.ytd_allowed_before is None
