"""The check-in decision (issue 10 item 1): every stop and go reason, table-driven; the chip
behind every stop is Red or None (one evaluation)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, AuthState
from ptdesk.domain.checkin import CheckInDecision, Outcome, Rule, decide_check_in
from ptdesk.domain.kx_status import KxInput
from ptdesk.domain.patient_status import CoverageRule, patient_panel
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.plan_of_care import PlanOfCare, plan_of_care_status
from ptdesk.domain.status import Status
from ptdesk.domain.visit_allocation import VisitLine, VisitRecord
from ptdesk.domain.visit_limits import VisitLimit

TODAY = date(2026, 3, 10)
D = timedelta
S = VisitStatus


def rec(start: date, end: date, n: int, *, aid: int = 1, state: AuthState = AuthState.ACTIVE,
        codes: frozenset[str] = frozenset()) -> AuthorizationRecord:
    return AuthorizationRecord(aid, 10, AuthorizationTerms(start, end, n, codes, number=f"A{aid}"),
                               state=state, payer_name="Aetna")


def used(n: int, first: date = date(2026, 1, 5)) -> list[VisitRecord]:
    return [VisitRecord(100 + i, first + D(days=i), S.COMPLETED, 10) for i in range(n)]


@dataclass
class Case:
    name: str
    outcome: Outcome
    rule: str
    records: Sequence[AuthorizationRecord] = ()
    visits: Sequence[VisitRecord] = ()
    requires_auth: bool = True
    pending: bool = False
    limit: VisitLimit | None = None
    plan: PlanOfCare | None = None
    treatment_days: int = 0
    codes: tuple[str, ...] = ()
    self_pay: bool = False
    kx: KxInput | None = None
    words: tuple[str, ...] = field(default_factory=tuple)


JAN1, DEC31 = date(2026, 1, 1), date(2026, 12, 31)
CASES = [
    Case("expired yesterday", Outcome.STOP, Rule.STOP_AUTH_EXPIRED,
         [rec(JAN1, TODAY - D(days=1), 12)], used(3), words=("expired yesterday",)),
    Case("ends today: still covered, with what to do", Outcome.WARN, "warn.auth_days_low",
         [rec(JAN1, TODAY, 12)], used(3), words=("ends today",)),
    Case("exhausted", Outcome.STOP, Rule.STOP_AUTH_EXHAUSTED,
         [rec(JAN1, DEC31, 8)], used(8), words=("today would be visit 9 of 8",)),
    Case("12 of 12 used, then a 13th", Outcome.STOP, Rule.STOP_AUTH_EXHAUSTED,
         [rec(JAN1, DEC31, 12)], used(12), words=("visit 13 of 12",)),
    Case("11 of 12 used: the 12th goes, renew now", Outcome.WARN, "warn.auth_visits_low",
         [rec(JAN1, DEC31, 12)], used(11), words=("1 visit left",)),
    Case("2 visits left: send the extension today", Outcome.WARN, "warn.auth_visits_low",
         [rec(JAN1, DEC31, 12)], used(10), words=("send the extension request today",)),
    Case("not yet started", Outcome.STOP, Rule.STOP_AUTH_NOT_STARTED,
         [rec(TODAY + D(days=3), DEC31, 12)], words=("starts Mar 13",)),
    Case("pending request only", Outcome.STOP, Rule.STOP_AUTH_PENDING,
         [rec(TODAY, DEC31, 12, state=AuthState.PENDING)], words=("request pending only",)),
    Case("request sent, nothing on file", Outcome.STOP, Rule.STOP_AUTH_PENDING, pending=True),
    Case("missing", Outcome.STOP, Rule.STOP_AUTH_MISSING, words=("no authorization",)),
    Case("code not covered", Outcome.STOP, Rule.STOP_CODES_NOT_COVERED,
         [rec(JAN1, DEC31, 12, codes=frozenset({"97110", "97140"}))], used(2),
         codes=("97110", "97112"), words=("97112 not authorized",)),
    Case("codes covered", Outcome.GO, Rule.GO_COVERED,
         [rec(JAN1, DEC31, 20, codes=frozenset({"97110", "97140"}))], used(2),
         codes=("97110",)),
    Case("plan-year limit reached", Outcome.STOP, Rule.STOP_LIMIT_REACHED, [], used(20),
         requires_auth=False, limit=VisitLimit(10, 20, payer_name="BCBS"),
         words=("Plan-year limit (BCBS)",)),
    Case("plan-year limit reached with visits elsewhere", Outcome.STOP, Rule.STOP_LIMIT_REACHED,
         [], used(15), requires_auth=False,
         limit=VisitLimit(10, 20, used_elsewhere=5, used_elsewhere_as_of=JAN1)),
    Case("limit nearly reached: warn", Outcome.WARN, "warn.limit_low", [], used(18),
         requires_auth=False, limit=VisitLimit(10, 20)),
    Case("recert overdue", Outcome.STOP, Rule.STOP_RECERT_OVERDUE, requires_auth=False,
         plan=PlanOfCare(1, 10, date(2025, 12, 1), date(2025, 12, 1), date(2026, 3, 31),
                         "Dr Reyes", signed_on=date(2025, 12, 5)),
         words=("physician", "Dr Reyes")),
    Case("recert due in 3 days: warn", Outcome.WARN, "warn.poc_recert_due", requires_auth=False,
         plan=PlanOfCare(1, 10, date(2025, 12, 13), date(2025, 12, 13), date(2026, 6, 1),
                         "Dr Reyes", signed_on=date(2025, 12, 20))),
    Case("progress report due in 2 visits", Outcome.WARN, "warn.poc_progress_due",
         requires_auth=False, treatment_days=8,
         plan=PlanOfCare(1, 10, date(2026, 2, 1), date(2026, 2, 1), date(2026, 4, 15),
                         "Dr Reyes", signed_on=date(2026, 2, 3)),
         words=("progress report due in 2 visits",)),
    Case("self-pay", Outcome.GO, Rule.GO_SELF_PAY, requires_auth=False, self_pay=True),
    Case("payer without prior authorization", Outcome.GO, Rule.GO_NO_AUTH_REQUIRED,
         requires_auth=False),
    Case("covered, Green", Outcome.GO, Rule.GO_COVERED, [rec(JAN1, DEC31, 30)], used(3)),
    Case("KX required: go, add KX", Outcome.WARN, "warn.kx_required", requires_auth=False,
         kx=KxInput(2026, Decimal("2480"), Decimal("2600"))),
    Case("expired, a newer one in force: covered", Outcome.GO, Rule.GO_COVERED,
         [rec(JAN1, date(2026, 2, 28), 12), rec(date(2026, 3, 1), DEC31, 30, aid=2)], used(3)),
]


def decide(c: Case) -> CheckInDecision:
    cov = [] if c.self_pay else [CoverageRule(10, "Aetna", c.requires_auth)]
    panel = patient_panel(TODAY, c.records, c.visits, cov,
                          [c.limit] if c.limit else [], c.kx,
                          pending_request_coverages=frozenset({10}) if c.pending else frozenset())
    plans = [plan_of_care_status(c.plan, c.treatment_days, TODAY)] if c.plan else []
    return decide_check_in(TODAY, authorizations=panel.authorizations, limits=panel.limits,
                           kx=panel.kx, coverages=panel.coverages, plans=plans, codes=c.codes,
                           self_pay=c.self_pay)


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_decision(c: Case) -> None:
    d = decide(c)
    assert d.outcome is c.outcome, d.line
    assert d.headline.rule == c.rule, d.rules
    text = " ".join(f"{f.subject} {f.phrase} {f.sentence} {f.next_step}" for f in d.findings)
    for w in c.words:
        assert w in text, text
    # One evaluation: a stop always sits on a Red or None chip, a go on Green/untracked.
    if d.outcome is Outcome.STOP:
        assert d.chip_status in (Status.RED, Status.NONE)
    if d.outcome is Outcome.GO:
        assert d.chip_status in (Status.GREEN, Status.NOT_TRACKED)
    assert d.line.startswith(d.outcome.label)


def test_warn_line_says_what_to_do_next() -> None:
    d = decide(CASES[5])
    assert d.line == ("Go, with a next step · Auth A1 (Aetna) 2 visits left: "
                      "Renew now: send the extension request today.")


def test_stop_line() -> None:
    d = decide(CASES[0])
    assert d.line.startswith("Stop · Auth A1 (Aetna) expired yesterday: Get a new authorization")
    assert d.stop_rules == (Rule.STOP_AUTH_EXPIRED,)


def test_booked_visit_with_uncovered_code_turns_the_chip_red_too() -> None:
    a = rec(JAN1, DEC31, 12, codes=frozenset({"97110"}))
    today_visit = VisitRecord(1, TODAY, S.BOOKED, 10, (VisitLine("97112"),))
    panel = patient_panel(TODAY, [a], [today_visit], [CoverageRule(10, "Aetna", True)])
    d = decide_check_in(TODAY, authorizations=panel.authorizations,
                        coverages=panel.coverages, codes=today_visit.codes)
    assert d.outcome is Outcome.STOP
    assert d.headline.rule == Rule.STOP_CODES_NOT_COVERED
    assert d.chip_status is Status.RED
