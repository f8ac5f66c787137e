"""The practice board: ordering, counts, lists and per-payer statistics."""

from datetime import date, datetime, timedelta

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, UsageCounts
from ptdesk.domain.board import (
    BoardAuth,
    BoardCoverage,
    BoardPatient,
    BoardRequest,
    build_board,
)
from ptdesk.domain.patient_status import CoverageRule
from ptdesk.domain.renewal import RenewalRequest, RequestStatus
from ptdesk.domain.status import Status

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 9, 0)


def auth(pid: int, days_left: int, authorized: int, used: int) -> BoardAuth:
    terms = AuthorizationTerms(date(2026, 1, 1), TODAY + timedelta(days=days_left), authorized)
    return BoardAuth(pid, AuthorizationRecord(pid, pid, terms), UsageCounts(used=used))


def request(rid: int, pid: int, status: RequestStatus, sent: datetime,
            decided: date | None = None, reason: str = "", payer: str = "Aetna") -> BoardRequest:
    return BoardRequest(pid, RenewalRequest(rid, pid, pid, status, sent_at=sent,
                                            decided_on=decided, denial_reason=reason,
                                            payer_name=payer))


def test_board_ordering_counts_and_lists() -> None:
    patients = [BoardPatient(1, "Adams"), BoardPatient(2, "Brown"), BoardPatient(3, "Chen"),
                BoardPatient(4, "Diaz"), BoardPatient(5, "Evans"), BoardPatient(6, "Ford")]
    auths = [auth(1, 60, 20, 5), auth(2, 5, 20, 5), auth(3, 40, 10, 6), auth(4, 12, 20, 0),
             auth(6, 3, 20, 19)]
    coverages = [
        BoardCoverage(pid, CoverageRule(pid, "Aetna", True), verified_on=date(2026, 1, 5))
        for pid in range(1, 7)
    ]
    coverages[0] = BoardCoverage(1, CoverageRule(1, "Aetna", True),
                                 verified_on=date(2025, 12, 20))
    board = build_board(TODAY, NOW, patients, auths, coverages)
    assert [(r.name, r.status) for r in board.rows] == [
        ("Ford", Status.RED), ("Brown", Status.RED), ("Evans", Status.NONE),
        ("Diaz", Status.YELLOW), ("Chen", Status.YELLOW), ("Adams", Status.GREEN),
    ]
    assert (board.red, board.yellow, board.counts[Status.NONE]) == (2, 2, 1)
    assert [e.name for e in board.ending_soon] == ["Ford", "Brown", "Diaz"]
    assert [v.name for v in board.reverify] == ["Adams"]
    assert board.rows[0].patient_status().chip == "Red · 1 visit left"


def test_awaiting_overdue_first_and_payer_stats() -> None:
    patients = [BoardPatient(1, "Adams"), BoardPatient(2, "Brown"), BoardPatient(3, "Chen")]
    reqs = [
        request(1, 1, RequestStatus.PENDING, datetime(2026, 2, 27, 9)),  # due Mar 6
        request(2, 2, RequestStatus.PENDING, datetime(2026, 2, 20, 9)),  # overdue
        request(3, 3, RequestStatus.APPROVED, datetime(2026, 2, 2, 9), date(2026, 2, 6)),
        request(4, 3, RequestStatus.DENIED, datetime(2026, 2, 3, 9), date(2026, 2, 13),
                "not medically necessary"),
        request(5, 3, RequestStatus.PARTLY_APPROVED, datetime(2026, 2, 10, 9),
                date(2026, 2, 12)),
        request(6, 3, RequestStatus.APPROVED, datetime(2026, 2, 10, 9), date(2026, 2, 11),
                payer="Cigna"),
    ]
    board = build_board(TODAY, NOW, patients, requests=reqs)
    assert [a.name for a in board.awaiting] == ["Brown", "Adams"]
    assert board.awaiting[0].timeline.overdue
    aetna, cigna = board.payers
    assert (aetna.payer_name, aetna.requests, aetna.decided) == ("Aetna", 5, 3)
    assert aetna.median_turnaround_days == 4.0  # 4, 10, 2 days
    assert aetna.approval_rate == 2 / 3
    assert aetna.denial_reasons == (("not medically necessary", 1),)
    assert aetna.by_week[0] == ((2026, 6), RequestStatus.APPROVED, 1)
    assert (cigna.approval_rate, cigna.median_turnaround_days) == (1.0, 1.0)


def test_board_on_20000_authorizations_builds_no_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed belongs to benchmarks/bench_board.py; here the design that makes it fast: the
    board applies the count-based rules to every authorization and builds no reason words
    (those are built on demand for the rows a screen shows)."""
    import ptdesk.domain.authorization as authz

    def no_words(self: object) -> tuple[object, ...]:
        raise AssertionError("build_board built reason words")

    monkeypatch.setattr(authz.AuthorizationStatus, "reasons", no_words)
    patients = [BoardPatient(i, f"P{i:05d}") for i in range(15000)]
    auths = [auth(i % 15000, (i * 7) % 90 - 5, 20, i % 21) for i in range(20000)]
    coverages = [BoardCoverage(i, CoverageRule(i, "Aetna", True), verified_on=date(2026, 1, 5))
                 for i in range(15000)]
    board = build_board(TODAY, NOW, patients, auths, coverages)
    assert len(board.rows) == 15000
    assert sum(board.counts.values()) == 15000
    sev = [r.status.severity for r in board.rows]
    assert sev == sorted(sev, reverse=True)
