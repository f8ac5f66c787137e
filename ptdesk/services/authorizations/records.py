"""Shared by the issue-5 services: read a patient's authorizations, coverages and visits as the
domain's records, and rewrite the derived allocation (visits.authorization_id and the usage
rows of `storage.models.usage`) after any change. Not a public API: the services call it inside
their own transaction.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    BindParameter,
    Connection,
    Executable,
    Row,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationRecord, AuthState, unit_pools
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.status import coverage_role
from ptdesk.domain.visit_allocation import (
    PROJECTED_STATUSES,
    USED_STATUSES,
    Allocation,
    VisitLine,
    VisitRecord,
    allocate,
)
from ptdesk.domain.visit_limits import plan_year
from ptdesk.services.authorizations.board_inputs import board_inputs_row
from ptdesk.storage.concurrency import insert_ignore, lock_patients
from ptdesk.storage.derived_marks import derived, set_rederive
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    AuthorizationUsage,
    BoardInputs,
    ChangeCounter,
    Coverage,
    CoverageUsage,
    Patient,
    PatientChange,
    Payer,
    PeriodUsage,
    ServiceLine,
    Visit,
)

COUNTER = "authorizations"  # bumped by every authorization, visit, request or band change
# The COUNTER value at the last change that named no patient (bands, a whole-clinic
# reallocation): a board kept in memory must then be rebuilt whole, not patient by patient.
WHOLE_CLINIC = "authorizations.whole_clinic"
PLAN = "plan"
YEAR = "year"
_ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class CoverageRow:
    id: int
    payer_id: int
    payer_name: str
    payer_kind: PayerKind
    requires_auth: bool
    priority: int
    effective_date: date
    end_date: date | None
    plan_year_start_month: int
    plan_year_start_day: int
    visit_limit: int | None
    visits_used_elsewhere: int
    visits_used_elsewhere_as_of: date | None
    therapy_amount_elsewhere: Decimal | None
    therapy_amount_elsewhere_year: int | None
    verified_on: date | None
    decision_days_standard: int | None
    decision_hours_expedited: int | None

    def in_force(self, today: date) -> bool:
        return self.effective_date <= today and (self.end_date is None or self.end_date >= today)


@dataclass(frozen=True, slots=True)
class AuthRow:
    id: int
    coverage_id: int
    number: str
    state: AuthState
    start: date
    end: date
    counts: AuthUnit
    authorized: int
    carried_in: int
    ended_on: date | None
    notes: str
    codes: tuple[tuple[str, int | None], ...]  # (code, units) sorted by code


@dataclass(frozen=True, slots=True)
class PatientData:
    patient_id: int
    coverages: tuple[CoverageRow, ...]
    auths: tuple[AuthRow, ...]
    visits: tuple[VisitRecord, ...]
    # visit id -> (stored authorization_id, PT+SLP allowed amount of its lines)
    stored: dict[int, int | None]
    amounts: dict[int, Decimal]

    def coverage(self, coverage_id: int) -> CoverageRow | None:
        return next((c for c in self.coverages if c.id == coverage_id), None)


_COV_COLS = (
    Coverage.id, Coverage.payer_id, Payer.name, Payer.kind, Payer.requires_prior_auth,
    Coverage.priority, Coverage.effective_date, Coverage.end_date,
    Coverage.plan_year_start_month, Coverage.plan_year_start_day, Coverage.visit_limit_per_year,
    Coverage.visits_used_elsewhere, Coverage.visits_used_elsewhere_as_of,
    Coverage.therapy_amount_elsewhere, Coverage.therapy_amount_elsewhere_year,
    Coverage.benefits_verified_on, Payer.decision_days_standard, Payer.decision_hours_expedited,
)


def coverage_row(r: Row[tuple[object, ...]] | Sequence[object]) -> CoverageRow:
    return CoverageRow(*r)


_AUTH_COLS = (
    Authorization.id, Authorization.coverage_id, Authorization.number, Authorization.state,
    Authorization.start_date, Authorization.end_date, Authorization.counts,
    Authorization.authorized, Authorization.used_before_ptdesk, Authorization.ended_on,
    Authorization.notes,
)


@cache
def _statements(by_coverage: bool) -> tuple[Executable, ...]:
    """The loader's statements, built once (building a statement and its cache key costs
    more than SQLite running it) and run on the session's connection with the ids bound."""
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    cov: BindParameter[int] = bindparam("cov")
    cq = (select(Coverage.patient_id, *_COV_COLS).join(Payer, Payer.id == Coverage.payer_id)
          .where(Coverage.patient_id.in_(ids)))
    vq = (select(Visit.patient_id, Visit.id, Visit.visit_date, Visit.status, Visit.coverage_id,
                 Visit.authorization_id).where(Visit.patient_id.in_(ids)))
    lq = (select(ServiceLine.visit_id, ServiceLine.code, ServiceLine.units,
                 ServiceLine.allowed_amount)
          .join(Visit, Visit.id == ServiceLine.visit_id).where(Visit.patient_id.in_(ids)))
    if by_coverage:
        cq = cq.where(Coverage.id == cov)
        vq = vq.where(Visit.coverage_id == cov)
        lq = lq.where(Visit.coverage_id == cov)
    aq = (select(*_AUTH_COLS).where(Authorization.coverage_id.in_(ids))
          .order_by(Authorization.start_date, Authorization.id))
    codes = (select(AuthorizationCode.authorization_id, AuthorizationCode.code,
                    AuthorizationCode.authorized_units)
             .where(AuthorizationCode.authorization_id.in_(ids)))
    return (cq.order_by(Coverage.priority, Coverage.id), vq.order_by(Visit.visit_date, Visit.id),
            lq.order_by(ServiceLine.visit_id, ServiceLine.line_no), aq, codes)


def flushed_connection(s: Session) -> Connection:
    """The session's connection after flushing what the session holds, as `Session.execute`
    would (autoflush): a save re-derives right after adding visits or lines through the ORM."""
    if s.autoflush:
        s.flush()
    return s.connection()


def load_auths(s: Session, coverage_ids: Iterable[int]) -> tuple[AuthRow, ...]:
    ids = list(coverage_ids)
    if not ids:
        return ()
    _, _, _, aq, cq = _statements(False)
    conn = flushed_connection(s)
    rows = conn.execute(aq, {"ids": ids}).all()
    codes: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    if rows:
        for aid, code, units in conn.execute(cq, {"ids": [r[0] for r in rows]}).all():
            codes[aid].append((code, units))
    return tuple(
        AuthRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                tuple(sorted(codes.get(r[0], ()))))
        for r in rows
    )


def load_patient(s: Session, patient_id: int) -> PatientData:
    return load_patients(s, (patient_id,))[patient_id]


KnownVisits = Mapping[int, Sequence[tuple[VisitRecord, Decimal | None]]]


def load_coverage(s: Session, patient_id: int, coverage_id: int) -> PatientData:
    """The patient's data restricted to one coverage (its authorizations, visits and lines):
    what a decision about one visit needs. The allocation, the visit limit and the KX amount
    of a coverage depend only on that coverage's visits (`domain.visit_allocation.allocate`
    draws a visit only from its own coverage's authorizations), so the parts built from this
    equal the whole patient's parts for that coverage."""
    return _load(s, [patient_id], coverage_id)[patient_id]


def load_patients(s: Session, patient_ids: Iterable[int], known: KnownVisits | None = None
                  ) -> dict[int, PatientData]:
    """Coverages, authorizations, visits and lines of several patients (a few queries).
    `known`: patients whose visits the caller holds exactly as stored (each visit with its
    lines' allowed total, none yet with an authorization): theirs are not read back."""
    return _load(s, list(patient_ids), None, known)


def _load(s: Session, ids: list[int], coverage_id: int | None,
          known: KnownVisits | None = None) -> dict[int, PatientData]:
    known = known or {}
    unread = [pid for pid in ids if pid not in known]
    covs: dict[int, list[CoverageRow]] = {pid: [] for pid in ids}
    owner: dict[int, int] = {}
    cq, vq, lq, _, _ = _statements(coverage_id is not None)
    conn = flushed_connection(s)
    params: dict[str, object] = {"ids": ids}
    if coverage_id is not None:
        params["cov"] = coverage_id
    # `.all()` (one fetchall) rather than iterating the result (a fetchone per row): the
    # panel reads ~200 rows per patient on every refresh.
    for r in conn.execute(cq, params).all():
        c = coverage_row(r[1:])
        covs[r[0]].append(c)
        owner[c.id] = r[0]
    auths: dict[int, list[AuthRow]] = defaultdict(list)
    for a in load_auths(s, owner):
        auths[owner[a.coverage_id]].append(a)
    vrows: dict[int, list[Row[tuple[int, date, VisitStatus, int | None, int | None]]]] = (
        defaultdict(list))
    vparams: dict[str, object] = {**params, "ids": unread}
    for r in conn.execute(vq, vparams).all() if unread else ():
        vrows[r[0]].append(r[1:])  # type: ignore[arg-type]
    lines: dict[int, list[VisitLine]] = defaultdict(list)
    amounts: dict[int, Decimal] = {}
    for vid, code, units, amount in conn.execute(lq, vparams).all() if unread else ():
        lines[vid].append(VisitLine(code, units))
        if amount is not None:
            amounts[vid] = amounts.get(vid, _ZERO) + amount
    out = {}
    for pid in ids:
        mine = known.get(pid)
        if mine is not None:
            done = sorted(mine, key=lambda k: (k[0].day, k[0].visit_id))
            out[pid] = PatientData(
                pid, tuple(covs[pid]), tuple(auths.get(pid, ())), tuple(v for v, _ in done),
                {v.visit_id: None for v, _ in done},
                {v.visit_id: a for v, a in done if a is not None})
            continue
        vr = vrows.get(pid, [])
        visits = tuple(
            VisitRecord(vid, day, status, cov, tuple(lines.get(vid, ())))
            for vid, day, status, cov, _aid in vr
        )
        out[pid] = PatientData(
            pid, tuple(covs[pid]), tuple(auths.get(pid, ())), visits,
            {r[0]: r[4] for r in vr},
            {v.visit_id: amounts[v.visit_id] for v in visits if v.visit_id in amounts},
        )
    return out


def records_for(
    auths: Iterable[AuthRow], payer_names: dict[int, str], roles: dict[int, str] | None = None
) -> tuple[AuthorizationRecord, ...]:
    """The domain records: one per authorization, or one per code for units per code.
    `roles`: coverage id -> "secondary"/"tertiary" for the coverages that are not primary."""
    roles = roles or {}
    out: list[AuthorizationRecord] = []
    for a in auths:
        terms = AuthorizationTerms(
            start=a.start, end=a.end, authorized=a.authorized,
            codes=frozenset(c for c, _ in a.codes), counts=a.counts, number=a.number,
        )
        payer = payer_names.get(a.coverage_id, "")
        role = roles.get(a.coverage_id, "")
        per_code = {c: u for c, u in a.codes if u is not None}
        if a.counts is AuthUnit.UNITS and per_code and len(per_code) == len(a.codes):
            out.extend(unit_pools(a.id, a.coverage_id, terms, per_code, state=a.state,
                                  ended_on=a.ended_on, payer_name=payer, coverage_role=role))
        else:
            out.append(AuthorizationRecord(a.id, a.coverage_id, terms, a.state, a.carried_in,
                                           a.ended_on, payer, coverage_role=role))
    return tuple(out)


def patient_records(data: PatientData) -> tuple[AuthorizationRecord, ...]:
    return records_for(data.auths, {c.id: c.payer_name for c in data.coverages},
                       {c.id: coverage_role(c.priority) for c in data.coverages})


def reallocate(s: Session, data: PatientData) -> Allocation:
    """Allocate the patient's visits and rewrite everything derived from it."""
    records = patient_records(data)
    alloc = allocate(data.visits, records)
    pid = data.patient_id
    changed: list[dict[str, object]] = []
    for va in alloc.visits:
        primary = next((d.key[0] for d in va.draws if not d.key[1]), None)
        if primary is None and va.draws:
            primary = va.draws[0].key[0]
        if data.stored.get(va.visit.visit_id) != primary:
            changed.append({"vid": va.visit.visit_id, "aid": primary})
    if changed:
        s.connection().execute(
            update(Visit.__table__)  # type: ignore[arg-type]
            .where(Visit.__table__.c.id == bindparam("vid"))
            .values(authorization_id=bindparam("aid")),
            changed,
        )
    _rewrite_usage(s, pid, data, alloc)
    derived(s, (pid,))
    return alloc


def usage_rows(data: PatientData, alloc: Allocation) -> tuple[
    list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]
]:
    pid = data.patient_id
    auth_rows: list[dict[str, object]] = [
        {"authorization_id": k[0], "pool_code": k[1], "patient_id": pid, "used": c.used,
         "booked": c.booked, "last_booked": c.last_booked,
         "first_booked_over": c.first_booked_over}
        for k, c in alloc.counts().items()
    ]
    cov_rows: list[dict[str, object]] = []
    periods: dict[tuple[int, str, date], list[object]] = {}
    for cov in data.coverages:
        unc = alloc.uncovered_booked(cov.id)
        cov_rows.append({"coverage_id": cov.id, "patient_id": pid, "uncovered_booked": len(unc),
                         "first_uncovered": unc[0].day if unc else None})
    covs = {c.id: c for c in data.coverages}
    for v in data.visits:
        c = covs.get(v.coverage_id) if v.coverage_id is not None else None
        if c is None:
            continue
        used = v.status in USED_STATUSES
        booked = v.status in PROJECTED_STATUSES
        if not (used or booked):
            continue
        py = plan_year(v.day, c.plan_year_start_month, c.plan_year_start_day).start
        for key in ((c.id, PLAN, py), (c.id, YEAR, date(v.day.year, 1, 1))):
            row = periods.setdefault(key, [0, 0, None, _ZERO])
            if used:
                row[0] += 1  # type: ignore[operator]
                if key[1] == YEAR:
                    row[3] += data.amounts.get(v.visit_id, _ZERO)  # type: ignore[operator]
            else:
                row[1] += 1  # type: ignore[operator]
                if row[2] is None or v.day > row[2]:  # type: ignore[operator]
                    row[2] = v.day
    period_rows: list[dict[str, object]] = [
        {"coverage_id": k[0], "kind": k[1], "period_start": k[2], "patient_id": pid,
         "used": r[0], "booked": r[1], "last_booked": r[2], "allowed_amount": r[3]}
        for k, r in periods.items()
    ]
    return auth_rows, cov_rows, period_rows


def _rewrite_usage(s: Session, pid: int, data: PatientData, alloc: Allocation) -> None:
    auth_rows, cov_rows, period_rows = usage_rows(data, alloc)
    board = [board_inputs_row(data, auth_rows, cov_rows, period_rows)]
    conn = s.connection()
    for model, rows in ((AuthorizationUsage, auth_rows), (CoverageUsage, cov_rows),
                        (PeriodUsage, period_rows), (BoardInputs, board)):
        conn.execute(delete(model).where(model.patient_id == pid))
        if rows:
            conn.execute(insert(model), rows)


def bump(s: Session, patient_ids: Iterable[int]) -> int:
    """Advance the change counter and mark the patients changed at the new value."""
    conn = s.connection()
    res = conn.execute(update(ChangeCounter).where(ChangeCounter.name == COUNTER)
                       .values(value=ChangeCounter.value + 1))
    if res.rowcount == 0:
        # Two desks making the very first change at once both find no row: one inserts, the
        # other's insert is ignored and it bumps the row the first one wrote.
        insert_ignore(conn, ChangeCounter, {"name": COUNTER, "value": 0})
        conn.execute(update(ChangeCounter).where(ChangeCounter.name == COUNTER)
                     .values(value=ChangeCounter.value + 1))
    value = int(conn.execute(select(ChangeCounter.value)
                             .where(ChangeCounter.name == COUNTER)).scalar_one())
    pids = set(patient_ids)
    if not pids:
        res = conn.execute(update(ChangeCounter).where(ChangeCounter.name == WHOLE_CLINIC)
                           .values(value=value))
        if res.rowcount == 0:
            insert_ignore(conn, ChangeCounter, {"name": WHOLE_CLINIC, "value": value})
    for pid in pids:
        res = conn.execute(update(PatientChange).where(PatientChange.patient_id == pid)
                           .values(seq=value))
        if res.rowcount == 0:
            conn.execute(insert(PatientChange).values(patient_id=pid, seq=value))
    return value


def current_token(s: Session) -> int:
    """The change counter's value (0 before the first change)."""
    v = s.execute(select(ChangeCounter.value).where(ChangeCounter.name == COUNTER)).scalar()
    return int(v or 0)


def refresh_patient(s: Session, patient_id: int) -> tuple[Allocation, int]:
    """Re-allocate one patient and bump the counter (inside the caller's transaction).

    The patient's lock is taken before the patient is read, so a save that waited for another
    desk's save of the same patient reads what that save wrote (storage/concurrency.py)."""
    lock_patients(s, (patient_id,))
    alloc = reallocate(s, load_patient(s, patient_id))
    return alloc, bump(s, (patient_id,))


def _rederive(s: Session, patient_ids: list[int]) -> None:
    """What a save changed without re-deriving (storage/derived_marks.py): derived now
    (a patient deleted in the same save has nothing left to derive)."""
    lock_patients(s, patient_ids)
    ids = list(s.scalars(select(Patient.id).where(Patient.id.in_(patient_ids))))
    if not ids:
        return
    for data in load_patients(s, ids).values():
        reallocate(s, data)
    bump(s, ids)


set_rederive(_rederive)


def visit_patient(s: Session, visit_id: int) -> int | None:
    return s.execute(select(Visit.patient_id).where(Visit.id == visit_id)).scalar_one_or_none()


def coverage_patient(s: Session, coverage_id: int) -> int | None:
    return s.execute(
        select(Coverage.patient_id).where(Coverage.id == coverage_id)
    ).scalar_one_or_none()

