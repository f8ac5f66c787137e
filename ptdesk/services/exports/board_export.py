"""The practice board as of a day, as plain rows for `ptdesk board` (JSON or CSV).

As of day D: visits on or before D count as used when checked in or completed; later ones
(whatever their status now) as booked. For D = today that is what the stored usage already
says, and the board is read as the app reads it. For another day, the patients with visits
after D that already happened are re-allocated with those visits counted as booked, inside a
transaction that is rolled back: the same allocation and board rules as the app, nothing
written.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.board import BoardRow
from ptdesk.domain.checkin import Outcome
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.domain.status import Status
from ptdesk.domain.visit_allocation import USED_STATUSES, VisitRecord
from ptdesk.services.accounts.access import record_event, require
from ptdesk.services.authorizations.patient_data import PatientData
from ptdesk.services.board.board_loader import load_board
from ptdesk.services.imports.bulk import derive

BATCH = 1000


@dataclass(frozen=True, slots=True)
class BoardAuthLine:
    number: str
    payer: str
    authorized: int
    used: int
    booked: int
    remaining: int
    start: date
    end: date
    days_left: int


@dataclass(frozen=True, slots=True)
class BoardReasonLine:
    rule: str
    words: str


@dataclass(frozen=True, slots=True)
class BoardLine:
    chart: str
    name: str
    status: Status
    check_in: Outcome  # the check-in decision (domain.checkin) for a visit that day
    reasons: tuple[BoardReasonLine, ...]
    authorizations: tuple[BoardAuthLine, ...]


def _as_of(data: PatientData, day: date) -> PatientData:
    booked = VisitStatus.BOOKED  # the record built directly: `replace` costs 4x per visit
    visits = tuple(VisitRecord(v.visit_id, v.day, booked, v.coverage_id, v.lines)
                   if v.day > day and v.status in USED_STATUSES else v for v in data.visits)
    return replace(data, visits=visits)


def _recount(s: Session, day: date) -> None:
    from ptdesk.storage.models import Visit

    pids = sorted(set(s.scalars(select(Visit.patient_id).where(
        Visit.visit_date > day, Visit.status.in_(USED_STATUSES)))))
    for i in range(0, len(pids), BATCH):
        derive(s, pids[i:i + BATCH], lambda data: _as_of(data, day))


def _line(row: BoardRow, chart: str, day: date) -> BoardLine:
    decision = row.check_in(day)
    ps = decision.status  # the chip's reasons, from the same evaluation as the decision
    auths = tuple(
        BoardAuthLine(a.record.terms.number, a.record.payer_name, a.authorized, a.used,
                      a.booked, a.remaining, a.record.terms.start, a.record.effective_end,
                      a.days_left)
        for a in sorted(row.authorizations, key=lambda a: (a.record.terms.start,
                                                           a.record.effective_end,
                                                           a.record.terms.number,
                                                           a.record.auth_id)))
    reasons = tuple(BoardReasonLine(str(r.code), " ".join(
        x for x in (r.sentence, r.next_step) if x)) for r in ps.reasons)
    return BoardLine(chart, row.name, row.status, decision.outcome, reasons, auths)


def board_lines(factory: sessionmaker[Session], day: date, now: datetime,
                progress: Callable[[str], None] | None = None) -> tuple[BoardLine, ...]:
    """Every active patient's line, ordered by chart (outputs compare byte for byte). Only
    for an export (`ptdesk board`): needs the export permission, and is recorded."""
    require(Permission.EXPORT_DATA)
    s = factory()
    try:
        if progress is not None:
            progress("counting")
        _recount(s, day)
        board, extra = load_board(s, day, now, None)
        lines = [_line(r, extra.chart.get(r.patient_id, ""), day) for r in board.rows]
    finally:
        s.rollback()  # the as-of counts are never kept
        s.close()
    lines.sort(key=lambda x: x.chart)
    record_event(factory, "export", details={"what": "board", "as_of": day,
                                             "patients": len(lines)})
    return tuple(lines)


BOARD_CSV_COLUMNS = ("chart", "name", "status", "check_in", "reasons", "number", "payer",
                     "authorized", "used", "booked", "remaining", "start", "end", "days_left")


def board_document(lines: tuple[BoardLine, ...], day: date) -> dict[str, object]:
    return {"date": day.isoformat(), "patients": [{
        "chart": x.chart, "name": x.name, "status": x.status.value,
        "check_in": x.check_in.value,
        "reasons": [{"rule": r.rule, "words": r.words} for r in x.reasons],
        "authorizations": [{
            "number": a.number, "payer": a.payer, "authorized": a.authorized, "used": a.used,
            "booked": a.booked, "remaining": a.remaining, "start": a.start.isoformat(),
            "end": a.end.isoformat(), "days_left": a.days_left} for a in x.authorizations],
    } for x in lines]}


def board_csv_rows(lines: tuple[BoardLine, ...]) -> list[list[object]]:
    """One row per authorization (the patient's columns repeated); a patient with none has
    one row with the authorization's columns empty."""
    out: list[list[object]] = []
    for x in lines:
        head: list[object] = [x.chart, x.name, x.status.value, x.check_in.value,
                              " | ".join(f"{r.rule}: {r.words}" for r in x.reasons)]
        if not x.authorizations:
            out.append(head + [""] * 9)
        for a in x.authorizations:
            out.append([*head, a.number, a.payer, a.authorized, a.used, a.booked,
                        a.remaining, a.start.isoformat(), a.end.isoformat(), a.days_left])
    return out
