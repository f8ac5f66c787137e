"""A patient's status is the worst of everything, with every reason listed; the per-visit
panel and the count path agree."""

from datetime import date
from decimal import Decimal

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, AuthState, authorization_status
from ptdesk.domain.kx_status import KxInput
from ptdesk.domain.patient_status import CoverageRule, patient_panel
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import ReasonCode, Status
from ptdesk.domain.visit_allocation import VisitRecord
from ptdesk.domain.visit_limits import VisitLimit

TODAY = date(2025, 12, 1)
S = VisitStatus


def rec(aid: int, start: date, end: date, n: int, state: AuthState = AuthState.ACTIVE,
        cov: int = 10) -> AuthorizationRecord:
    return AuthorizationRecord(aid, cov, AuthorizationTerms(start, end, n, number=f"N{aid}"),
                               state=state, payer_name="Aetna")


def test_issue_example_panel_and_same_result_from_counts() -> None:
    a = rec(1, date(2025, 11, 1), date(2026, 1, 31), 8)
    visits = [VisitRecord(i, date(2025, 11, i), S.COMPLETED, 10) for i in range(1, 6)]
    visits += [VisitRecord(10 + i, d, S.BOOKED, 10) for i, d in enumerate(
        [date(2025, 12, 3), date(2025, 12, 5), date(2025, 12, 10), date(2025, 12, 14)])]
    visits.append(VisitRecord(30, date(2025, 11, 20), S.CANCELLED, 10))
    panel = patient_panel(TODAY, [a], visits, [CoverageRule(10, "Aetna", True)])
    st = panel.authorizations[0]
    assert (st.used, st.booked, st.remaining, st.booked_over) == (5, 4, 3, 1)
    assert st.first_booked_over == date(2025, 12, 14)
    over = next(r for r in st.reasons() if r.code is ReasonCode.BOOKED_BEYOND_AUTH)
    assert "the last booked visit (Dec 14) is not covered" in over.sentence
    # The board path (counts from SQL) gives the same status.
    counts = panel.allocation.counts()[a.key]
    assert authorization_status(a, counts, TODAY).status is st.status
    assert panel.explain(a.key).not_counted[0].reason.value == "cancelled"  # type: ignore[union-attr]


def test_worst_of_everything_with_every_reason() -> None:
    a = rec(1, date(2025, 11, 1), date(2026, 3, 31), 20)
    visits = [VisitRecord(i, date(2025, 11, i), S.COMPLETED, 10) for i in range(1, 4)]
    panel = patient_panel(
        TODAY, [a], visits,
        [CoverageRule(10, "Aetna", True)],
        [VisitLimit(10, 5, used_elsewhere=1, payer_name="Aetna")],
        KxInput(2025, Decimal("2410"), own_amount=Decimal("2500")),
    )
    assert panel.authorizations[0].status is Status.GREEN
    assert panel.limits[0].status is Status.RED  # 3 + 1 elsewhere of 5: 1 left
    assert panel.status.status is Status.RED
    codes = [r.code for r in panel.status.reasons]
    assert codes[0] is ReasonCode.LIMIT_LOW
    assert {ReasonCode.KX_REQUIRED, ReasonCode.AUTH_OK} <= set(codes)
    assert panel.status.chip == "Red · 1 visit left this plan year"


def test_no_authorization_in_force_is_none_and_mentions_pending() -> None:
    old = rec(1, date(2025, 9, 1), date(2025, 10, 31), 10)
    pending = rec(2, date(2025, 11, 1), date(2025, 12, 31), 10, AuthState.PENDING)
    visits = [VisitRecord(1, date(2025, 12, 20), S.BOOKED, 10)]
    panel = patient_panel(TODAY, [old, pending], visits, [CoverageRule(10, "Aetna", True)])
    # The expired one, with nothing in force after it, is Red; NONE is listed too.
    assert panel.status.status is Status.RED
    codes = [r.code for r in panel.status.reasons]
    assert ReasonCode.AUTH_EXPIRED in codes
    assert ReasonCode.NO_AUTH_IN_FORCE in codes
    assert ReasonCode.BOOKED_UNCOVERED in codes
    none = next(r for r in panel.status.reasons if r.code is ReasonCode.NO_AUTH_IN_FORCE)
    assert "A request is with the payer" in none.sentence


def test_none_without_any_authorization() -> None:
    panel = patient_panel(TODAY, [], [], [CoverageRule(10, "Aetna", True)])
    assert panel.status.status is Status.NONE
    # UI.md: "None · no authorization", said once.
    assert panel.status.chip == "None · no authorization"
    assert Status.NONE.label == "None"


def test_expired_authorization_replaced_by_a_new_one_is_ignored() -> None:
    old = rec(1, date(2025, 9, 1), date(2025, 10, 31), 10)
    new = rec(2, date(2025, 11, 1), date(2026, 3, 31), 30)
    panel = patient_panel(TODAY, [old, new], [], [CoverageRule(10, "Aetna", True)])
    assert panel.status.status is Status.GREEN


def test_payer_without_authorization_requirement_is_not_tracked() -> None:
    visits = [VisitRecord(1, date(2025, 12, 20), S.BOOKED, 10)]
    panel = patient_panel(TODAY, [], visits, [CoverageRule(10, "Cigna", False)])
    assert panel.status.status is Status.NOT_TRACKED
    assert panel.status.reasons == ()


# Issue 8 item 4: Medicare primary (coverage 1), Medicaid secondary (coverage 2). A headline
# from the secondary names it; the primary's is not prefixed.
def _two_coverages(
    case: str,
) -> tuple[list[AuthorizationRecord], list[CoverageRule], list[VisitLimit]]:
    medicaid_auth = AuthorizationRecord(
        7, 2, AuthorizationTerms(date(2025, 9, 1), date(2025, 11, 30), 12, number="MC7"),
        payer_name="Medicaid", coverage_role="secondary",
    )
    medicare = CoverageRule(1, "Medicare", False)
    medicaid = CoverageRule(2, "Medicaid", True, coverage_role="secondary")
    if case == "secondary expired":
        return [medicaid_auth], [medicare, medicaid], []
    if case == "secondary none":
        return [], [medicare, medicaid], []
    if case == "tertiary limit":
        lim = VisitLimit(3, 4, used_elsewhere=4, payer_name="BCBS", coverage_role="tertiary")
        return [], [medicare, CoverageRule(3, "BCBS", False, coverage_role="tertiary")], [lim]
    if case == "primary expired":
        primary = AuthorizationRecord(
            8, 1, AuthorizationTerms(date(2025, 9, 1), date(2025, 11, 30), 12, number="A8"),
            payer_name="Aetna",
        )
        return [primary], [CoverageRule(1, "Aetna", True)], []
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "chip"),
    [
        ("secondary expired", "Red · secondary Medicaid: expired Nov 30"),
        ("secondary none", "None · secondary Medicaid: no authorization"),
        ("tertiary limit", "Red · tertiary BCBS: plan-year limit reached"),
        ("primary expired", "Red · expired Nov 30"),
    ],
)
def test_a_headline_from_a_coverage_that_is_not_primary_names_it(case: str, chip: str) -> None:
    records, rules, limits = _two_coverages(case)
    panel = patient_panel(TODAY, records, [], rules, limits)
    assert panel.status.chip == chip
