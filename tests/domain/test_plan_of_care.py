"""Plan of care due dates from pt-rules F1-F5 (CMS Pub 100-02 Ch. 15), table-driven."""

from datetime import date

import pytest

from ptdesk.domain.plan_of_care import (
    PlanOfCare,
    cert_due,
    plan_of_care_status,
    recert_due,
    treatment_days_since_report,
)
from ptdesk.domain.status import ReasonCode, Status


@pytest.mark.parametrize(("first", "plan_end", "due"), [
    # F2/F5: min(plan end, first visit + 90 days)
    (date(2026, 1, 5), date(2026, 6, 30), date(2026, 4, 5)),  # 90 days is sooner
    (date(2026, 1, 5), date(2026, 2, 28), date(2026, 2, 28)),  # the plan's end is sooner
    (date(2026, 1, 5), date(2026, 4, 5), date(2026, 4, 5)),  # both the same day
    (date(2025, 12, 1), date(2026, 12, 1), date(2026, 3, 1)),  # across the year end
])
def test_recert_due(first: date, plan_end: date, due: date) -> None:
    assert recert_due(first, plan_end) == due


def test_cert_due_30_days_after_the_first_visit() -> None:  # F1/F5
    assert cert_due(date(2026, 1, 5)) == date(2026, 2, 4)


@pytest.mark.parametrize(("days", "last", "n"), [
    ([date(2026, 1, d) for d in (5, 7, 9)], None, 3),  # F3: the first day counts
    ([date(2026, 1, d) for d in (5, 5, 7)], None, 2),  # treatment DAYS, not visits
    ([date(2026, 1, d) for d in (5, 7, 9, 12)], date(2026, 1, 7), 2),  # after the report
    ([date(2025, 12, 30), date(2026, 1, 5)], None, 1),  # before the episode: not counted
])
def test_treatment_days(days: list[date], last: date | None, n: int) -> None:
    assert treatment_days_since_report(days, date(2026, 1, 5), last) == n


def plan(**kw: object) -> PlanOfCare:
    base: dict[str, object] = dict(plan_id=1, coverage_id=10, first_visit=date(2026, 1, 5),
                                   plan_date=date(2026, 1, 5), plan_end=date(2026, 6, 30),
                                   certifier="Dr Reyes", sent_on=date(2026, 1, 6),
                                   signed_on=date(2026, 1, 12))
    base.update(kw)
    return PlanOfCare(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "p", "n", "today", "status", "code", "words"), [
    ("F5 progress: 7 days, nothing due", plan(), 7, date(2026, 2, 1), Status.GREEN,
     ReasonCode.POC_OK, ""),
    ("F5 warn at 8", plan(), 8, date(2026, 2, 1), Status.YELLOW, ReasonCode.POC_PROGRESS_DUE,
     "progress report due in 2 visits"),
    ("F3 due at 10", plan(), 10, date(2026, 2, 1), Status.RED, ReasonCode.POC_PROGRESS_DUE,
     "progress report due now"),
    ("F2 recert: on the due day still certified", plan(), 0, date(2026, 4, 5), Status.RED,
     ReasonCode.POC_RECERT_DUE, "recert due today"),
    ("F2 recert: the day after, overdue", plan(), 0, date(2026, 4, 6), Status.RED,
     ReasonCode.POC_RECERT_OVERDUE, "recertification overdue"),
    ("recert in 20 days: Yellow", plan(), 0, date(2026, 3, 16), Status.YELLOW,
     ReasonCode.POC_RECERT_DUE, "recert due Apr 5"),
    ("F1 not sent yet", plan(sent_on=None, signed_on=None), 0, date(2026, 1, 10),
     Status.YELLOW, ReasonCode.POC_CERT_UNSIGNED, "Send the plan of care to Dr Reyes"),
    ("F1 unsigned after 30 days", plan(signed_on=None), 0, date(2026, 2, 5), Status.RED,
     ReasonCode.POC_CERT_UNSIGNED, "certification is late"),
    ("F1 verbal order unsigned after 14 days",
     plan(signed_on=None, verbal_order_on=date(2026, 1, 5)), 0, date(2026, 1, 20), Status.RED,
     ReasonCode.POC_VERBAL_UNSIGNED, "document the delay"),
])
def test_status(name: str, p: PlanOfCare, n: int, today: date, status: Status,
                code: ReasonCode, words: str) -> None:
    st = plan_of_care_status(p, n, today)
    assert st.status is status, name
    r = st.reasons()[0]
    assert r.code is code, [x.code for x in st.reasons()]
    text = " ".join(f"{x.phrase} {x.sentence} {x.next_step}" for x in st.reasons())
    assert words in text, text


def test_overdue_is_the_only_stop() -> None:
    assert plan_of_care_status(plan(), 0, date(2026, 4, 6)).recert_overdue
    assert not plan_of_care_status(plan(), 12, date(2026, 4, 5)).recert_overdue
