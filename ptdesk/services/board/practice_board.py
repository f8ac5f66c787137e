"""The practice board (the biller's daily list) from stored aggregates plus the domain.

Reads one row per active patient with its day-independent inputs kept derived
(`board_inputs`: coverages, authorizations, their usage, coverage and period counts, written
with the usage rows by every change; see `board_loader`), plus the payers, the requests and
the plans of care, then lets `domain.board.build_board` apply the same count-based rules the
panel uses.
`change_token()` is one aggregate over a few rows: poll it, refresh when it moves.
"""

from bisect import bisect_left, insort
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.authorization import AuthorizationStatus, Phase
from ptdesk.domain.board import Board, BoardRequest, BoardRow, EndingSoon, payer_stats
from ptdesk.domain.kx_status import KxStatus
from ptdesk.domain.patient_status import CoverageCheck
from ptdesk.domain.plan_of_care import PlanOfCareStatus
from ptdesk.domain.renewal import request_timeline
from ptdesk.domain.status import Status, StatusReason, plural
from ptdesk.domain.visit_limits import LimitStatus
from ptdesk.services.authorizations.change_counter import WHOLE_CLINIC, current_token
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.authorizations.status_inputs import chip
from ptdesk.services.board.at_risk import at_risk_count, week_of
from ptdesk.services.board.board_loader import BoardExtra, load_board
from ptdesk.services.board.dtos import (
    AwaitingDecisionView,
    BoardCounts,
    BoardRowView,
    BoardView,
    EndingSoonView,
    PayerStatsView,
    PlanStepView,
    ReverifyView,
    WeekOutcome,
)
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import ChangeCounter, PatientChange


class BoardService:
    """Keeps the last board, per patient. While the change token and the day are unchanged a
    refresh reads one row (the token) and only re-times the requests awaiting a decision; when
    the token moved, only the patients changed since (`patient_changes.seq` above the last
    token) are read and recomputed, and merged into the kept board. A change that names no
    patient (bands saved, a whole-clinic reallocation), a new day, or a large batch of changes
    rebuild it whole."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._state: _State | None = None

    def board(self, today: date, now: datetime) -> BoardView:
        view = self._board(today, now)

        with session_scope(self._factory) as s:
            n = at_risk_count(s, *week_of(today))
        return view if n == view.at_risk_week else replace(view, at_risk_week=n)

    def _board(self, today: date, now: datetime) -> BoardView:
        with session_scope(self._factory) as s:
            token = current_token(s)
            st = self._state
            if st is not None and st.today == today:
                if st.token == token:
                    return st.at(now)
                changed = changes_since(s, st.token)
                if changed is not None and len(changed) <= INCREMENTAL_MAX:
                    if changed:
                        board, extra = load_board(s, today, now, sorted(changed))
                        st.merge(board, extra, changed)
                    st.token = token
                    return st.at(now, rebuild=True)
            board, extra = load_board(s, today, now, None)
        st = _State(today, token)
        st.merge(board, extra, None)
        self._state = st
        return st.at(now, rebuild=True)

    def change_token(self) -> int:
        """Cheap (one row): poll it and refresh the board when it moved."""
        with session_scope(self._factory) as s:
            return current_token(s)


INCREMENTAL_MAX = 500  # more changed patients than this since the last board: rebuild it


def _row_key(v: BoardRowView) -> tuple[int, date, str, int]:
    """The domain's board order: Red first, then soonest end, name, id."""
    return (-v.chip.status.severity, v.end_date or date.max, v.name, v.patient_id)


class _State:
    """The last board as per-patient pieces, and the view built from them."""

    def __init__(self, today: date, token: int) -> None:
        self.today = today
        self.token = token
        self.rows: dict[int, BoardRowView] = {}
        self.keys: list[tuple[int, date, str, int]] = []  # sorted
        self.ending: dict[int, list[EndingSoonView]] = {}
        self.reverify: dict[int, list[ReverifyView]] = {}
        self.requests: dict[int, list[BoardRequest]] = {}
        self.plans: dict[int, list[PlanStepView]] = {}
        self.view: BoardView | None = None

    def merge(self, board: Board, extra: BoardExtra, changed: set[int] | None) -> None:
        """Replace the changed patients' pieces (all when `changed` is None)."""
        if changed is None:
            self.rows.clear()
            self.ending.clear()
            self.reverify.clear()
            self.requests.clear()
            self.plans.clear()
        else:
            for pid in changed:
                old = self.rows.pop(pid, None)
                if old is not None:
                    k = _row_key(old)
                    i = bisect_left(self.keys, k)
                    if i < len(self.keys) and self.keys[i] == k:
                        del self.keys[i]
                self.ending.pop(pid, None)
                self.reverify.pop(pid, None)
                self.requests.pop(pid, None)
                self.plans.pop(pid, None)
        new = [_row_view(r, extra) for r in board.rows]
        for v in new:
            self.rows[v.patient_id] = v
        if changed is None:
            self.keys = sorted(_row_key(v) for v in new)
        else:
            for v in new:
                insort(self.keys, _row_key(v))
        for e in board.ending_soon:
            self.ending.setdefault(e.patient_id, []).append(_ending_view(e))
        for x in board.reverify:
            self.reverify.setdefault(x.patient_id, []).append(
                ReverifyView(x.patient_id, x.name, x.coverage_id, x.payer_name, x.why))
        for br in extra.requests:
            self.requests.setdefault(br.patient_id, []).append(br)
        for r in board.rows:
            for pl in r.plans:
                if pl.status is not Status.GREEN:
                    self.plans.setdefault(r.patient_id, []).append(_plan_step(r, pl, extra))
        self.view = None

    def at(self, now: datetime, *, rebuild: bool = False) -> BoardView:
        v = self.view
        if v is None or rebuild:
            rows = self.rows
            ordered = tuple(rows[k[3]] for k in self.keys)
            ending = sorted((e for es in self.ending.values() for e in es),
                            key=lambda e: (e.end_date, e.name, e.patient_id, e.authorization_id))
            reverify = sorted((x for xs in self.reverify.values() for x in xs),
                              key=lambda x: (x.name, x.patient_id, x.coverage_id))
            allreq = [br.request for brs in self.requests.values() for br in brs]
            payers = tuple(
                PayerStatsView(p.payer_name, p.requests, p.decided, p.median_turnaround_days,
                               p.approval_rate, p.denial_reasons,
                               tuple(WeekOutcome(w[0], w[1], st, n) for w, st, n in p.by_week))
                for p in payer_stats(allreq))
            n = Counter(r.chip.status for r in ordered)
            counts = BoardCounts(
                n.get(Status.RED, 0), n.get(Status.NONE, 0), n.get(Status.YELLOW, 0),
                n.get(Status.GREEN, 0), n.get(Status.NOT_TRACKED, 0), len(ending), 0, 0)
            steps = sorted((x for xs in self.plans.values() for x in xs),
                           key=lambda x: (-x.chip.status.severity, x.recert_due, x.name))
            v = BoardView(self.today, now, self.token, ordered, counts, tuple(ending), (),
                          tuple(reverify), payers, plan_steps=tuple(steps))
            self.view = v = _retime(v, self.requests, now, force=True)
            return v
        if now != v.generated_at:
            return _retime(v, self.requests, now)
        return v


def changes_since(s: Session, token: int) -> set[int] | None:
    """Patients changed after `token`; None when a change named no patient since."""
    whole = s.execute(select(ChangeCounter.value)
                      .where(ChangeCounter.name == WHOLE_CLINIC)).scalar_one_or_none()
    if whole is not None and whole > token:
        return None
    return set(s.scalars(select(PatientChange.patient_id).where(PatientChange.seq > token)))


def _ending_view(e: EndingSoon) -> EndingSoonView:
    a = e.authorization
    return EndingSoonView(e.patient_id, e.name, a.record.auth_id, a.record.payer_name,
                          a.record.terms.number, a.record.effective_end, a.days_left,
                          plural(a.remaining, a.record.noun) + " left",
                          chip(a.status, a.reasons()))


def _head(row: BoardRow) -> StatusReason | None:
    """The panel's chip reason (the first reason of the patient's status, in the order
    `patient_status` lists them) without building every part's words: only parts as bad as
    the row can carry it (a part's reasons are never worse than its status)."""
    want = row.status
    sev = want.severity
    parts: list[AuthorizationStatus | LimitStatus | CoverageCheck | KxStatus
                | PlanOfCareStatus] = [*row.authorizations, *row.limits, *row.coverages]
    if row.kx is not None:
        parts.append(row.kx)
    parts.extend(row.plans)
    for p in parts:
        if p.status.severity < sev:
            continue
        for r in p.reasons():
            if r.status is want:
                return r
    return None


def _plan_step(row: BoardRow, pl: PlanOfCareStatus, extra: BoardExtra) -> PlanStepView:
    reasons = pl.reasons()
    return PlanStepView(row.patient_id, row.name, extra.chart.get(row.patient_id, ""),
                        pl.plan.payer_name, chip(pl.status, reasons), pl.recert_due,
                        pl.next_step)


def _row_view(row: BoardRow, extra: BoardExtra) -> BoardRowView:
    in_force = [a for a in row.authorizations if a.phase is Phase.IN_FORCE]
    soon = min(in_force, key=lambda a: a.record.effective_end, default=None)
    remaining = soon.remaining if soon else None
    text = plural(soon.remaining, soon.record.noun) + " left" if soon else ""
    payer = soon.record.payer_name if soon else ""
    head = _head(row)
    if head is not None:
        c = StatusChipView(row.status, row.status.icon_name, head.chip,
                           " ".join(x for x in (head.sentence, head.next_step) if x))
    else:  # nothing of the row's colour speaks: what the panel would say, in full
        ps = row.patient_status()
        c = chip(ps.status, ps.reasons)
        head = ps.headline
    step = head.next_step if head else ""
    if head is not None and not payer:
        payer = head.subject
    return BoardRowView(row.patient_id, row.name, extra.chart.get(row.patient_id, ""),
                        payer or extra.first_payer.get(row.patient_id, ""), c, remaining, text,
                        row.next_end, step)


def _retime(view: BoardView, requests: dict[int, list[BoardRequest]], now: datetime,
            *, force: bool = False) -> BoardView:
    """The same board at another moment: only the awaiting list depends on `now`."""
    if now == view.generated_at and not force:
        return view
    names = {r.patient_id: r.name for r in view.rows}
    waiting = []
    for pid, brs in requests.items():
        name = names.get(pid)
        if name is None:
            continue
        for br in brs:
            if br.request.status.awaiting:
                t = request_timeline(br.request, now, br.turnaround)
                waiting.append(AwaitingDecisionView(
                    br.request.request_id, br.patient_id, name,
                    br.request.payer_name, br.request.status, br.request.sent_at, t.due_at,
                    t.overdue, t.check_portal_now, t.sentence))
    waiting.sort(key=lambda a: (not a.overdue, a.due_at or now, a.name, a.request_id))
    counts = replace(view.counts, requests_awaiting=len(waiting),
                     requests_overdue=sum(a.overdue for a in waiting))
    return replace(view, generated_at=now, awaiting=tuple(waiting), counts=counts)


def statuses_for(s: Session, patient_ids: list[int], today: date) -> dict[int, StatusChipView]:
    if not patient_ids:
        return {}
    now = datetime.combine(today, datetime.min.time()).astimezone()
    board, extra = load_board(s, today, now, patient_ids)
    return {r.patient_id: _row_view(r, extra).chip for r in board.rows}
