"""Renewal requests: CMS-0057-F due dates, overdue, portal reminder, when to send, approvals."""

from datetime import date, datetime, timedelta

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, UsageCounts, authorization_status
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.renewal import (
    QHP_TURNAROUND,
    ChangeKind,
    RenewalRequest,
    RequestStatus,
    SendWhen,
    Urgency,
    approval_change,
    request_timeline,
    send_advice,
)

SENT = datetime(2026, 3, 2, 10, 0)


def req(status: RequestStatus = RequestStatus.PENDING, urgency: Urgency = Urgency.STANDARD,
        **kw: object) -> RenewalRequest:
    return RenewalRequest(1, 10, 5, status, urgency=urgency, sent_at=SENT, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("urgency", "turnaround", "due"),
    [
        pytest.param(Urgency.STANDARD, None, datetime(2026, 3, 9, 10, 0), id="standard-7-days"),
        pytest.param(Urgency.EXPEDITED, None, datetime(2026, 3, 5, 10, 0),
                     id="expedited-72-hours"),
        pytest.param(Urgency.STANDARD, QHP_TURNAROUND, datetime(2026, 3, 17, 10, 0),
                     id="qhp-15-days"),
    ],
)
def test_decision_due(urgency: Urgency, turnaround: object, due: datetime) -> None:
    kw = {} if turnaround is None else {"turnaround": turnaround}
    t = request_timeline(req(urgency=urgency), SENT, **kw)  # type: ignore[arg-type]
    assert t.due_at == due


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        pytest.param(datetime(2026, 3, 9, 10, 0), False, id="exactly-due-not-overdue"),
        pytest.param(datetime(2026, 3, 9, 10, 1), True, id="a-minute-later-overdue"),
    ],
)
def test_overdue(now: datetime, overdue: bool) -> None:
    t = request_timeline(req(), now)
    assert t.overdue is overdue
    assert ("overdue" in t.sentence) is overdue


def test_decided_request_is_never_overdue() -> None:
    t = request_timeline(req(RequestStatus.DENIED), SENT + timedelta(days=30))
    assert not t.overdue
    assert not t.check_portal_now


@pytest.mark.parametrize(
    ("hours", "remind"),
    [pytest.param(47, False, id="47h-no"), pytest.param(48, True, id="48h-check-portal")],
)
def test_portal_reminder(hours: int, remind: bool) -> None:
    t = request_timeline(req(), SENT + timedelta(hours=hours))
    assert t.check_portal_at == SENT + timedelta(hours=48)
    assert t.check_portal_now is remind


def test_appeal_is_followed_up_from_the_appeal() -> None:
    appealed = SENT + timedelta(days=10)
    t = request_timeline(req(RequestStatus.APPEALED, appealed_at=appealed), appealed)
    assert t.due_at == appealed + timedelta(days=7)


def test_invalid_requests_are_refused() -> None:
    with pytest.raises(ValidationErrors):
        RenewalRequest(1, 10, None, RequestStatus.PENDING)
    with pytest.raises(ValidationErrors):
        req(start_requested=date(2026, 4, 1), end_requested=date(2026, 3, 1))


TODAY = date(2026, 3, 2)


def status(authorized: int, used: int, days_left: int, booked: int = 0):  # type: ignore[no-untyped-def]
    terms = AuthorizationTerms(date(2026, 1, 1), TODAY + timedelta(days=days_left), authorized)
    return authorization_status(AuthorizationRecord(5, 10, terms),
                                UsageCounts(used, booked), TODAY)


@pytest.mark.parametrize(
    ("authorized", "used", "days_left", "booked", "when"),
    [
        pytest.param(20, 12, 60, 0, SendWhen.NOT_YET, id="8-left-not-yet"),
        pytest.param(20, 13, 60, 0, SendWhen.SEND_NOW, id="7-left-send"),
        pytest.param(20, 15, 60, 0, SendWhen.SEND_NOW, id="5-left-send"),
        pytest.param(20, 16, 60, 0, SendWhen.LATE, id="4-left-late"),
        pytest.param(20, 0, 22, 0, SendWhen.NOT_YET, id="22-days-not-yet"),
        pytest.param(20, 0, 21, 0, SendWhen.SEND_NOW, id="3-weeks-send"),
        pytest.param(20, 0, 6, 0, SendWhen.LATE, id="under-turnaround-late"),
        pytest.param(20, 10, 60, 11, SendWhen.SEND_NOW, id="booked-beyond-send"),
    ],
)
def test_when_to_send(authorized: int, used: int, days_left: int, booked: int,
                      when: SendWhen) -> None:
    advice = send_advice(status(authorized, used, days_left, booked), open_request=False)
    assert advice.when is when


def test_not_yet_says_the_date() -> None:
    advice = send_advice(status(20, 0, 60), open_request=False)
    assert advice.send_on == TODAY + timedelta(days=39)


def test_open_request_means_already_sent() -> None:
    assert send_advice(status(20, 18, 5), open_request=True).when is SendWhen.ALREADY_SENT


CURRENT = AuthorizationTerms(date(2026, 1, 1), date(2026, 3, 31), 12, number="A-1")


def test_approval_extends_the_same_authorization() -> None:
    r = req(RequestStatus.APPROVED, visits_approved=8, start_approved=date(2026, 4, 1),
            end_approved=date(2026, 5, 31))
    change = approval_change(r, CURRENT, 5)
    assert change is not None
    assert change.kind is ChangeKind.EXTEND
    assert (change.terms.end, change.terms.authorized, change.terms.start) == (
        date(2026, 5, 31), 20, date(2026, 1, 1))
    assert CURRENT.authorized == 12  # nothing mutated


def test_partial_approval_with_new_number_adds_an_authorization() -> None:
    r = req(RequestStatus.PARTLY_APPROVED, visits_requested=12, visits_approved=6,
            start_approved=date(2026, 4, 1), end_approved=date(2026, 4, 30),
            number_approved="B-2")
    change = approval_change(r, CURRENT, 5)
    assert change is not None
    assert change.kind is ChangeKind.ADD
    assert (change.terms.number, change.terms.authorized) == ("B-2", 6)
    assert "partly approved: 6 of 12" in change.sentence


def test_approval_after_a_gap_adds() -> None:
    r = req(RequestStatus.APPROVED, visits_approved=8, start_approved=date(2026, 4, 10),
            end_approved=date(2026, 5, 31))
    change = approval_change(r, CURRENT, 5)
    assert change is not None
    assert change.kind is ChangeKind.ADD


def test_denial_changes_nothing() -> None:
    assert approval_change(req(RequestStatus.DENIED, denial_reason="not necessary"),
                           CURRENT, 5) is None
