"""Shared by the issue-5 services: read a patient's authorizations, coverages and visits as the
domain's records, and rewrite the derived allocation (visits.authorization_id and the usage
rows of `storage.models.usage`, computed by `usage_rows.py`) after any change, bumping the
change counter (`change_counter.py`). Not a public API: the services call it inside
their own transaction.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
from ptdesk.domain.authorization import AuthorizationRecord, unit_pools
from ptdesk.domain.money import ZERO
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import coverage_role
from ptdesk.domain.visit_allocation import (
    Allocation,
    VisitLine,
    VisitRecord,
    allocate,
)
from ptdesk.services.authorizations.board_inputs import board_inputs_row
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.authorizations.patient_data import AuthRow, CoverageRow, PatientData
from ptdesk.services.authorizations.usage_rows import usage_rows
from ptdesk.storage.concurrency import lock_patients
from ptdesk.storage.derived_marks import derived, set_rederive
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    AuthorizationUsage,
    BoardInputs,
    Coverage,
    CoverageUsage,
    Patient,
    Payer,
    PeriodUsage,
    ServiceLine,
    Visit,
)

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
            amounts[vid] = amounts.get(vid, ZERO) + amount
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


def _rewrite_usage(s: Session, pid: int, data: PatientData, alloc: Allocation) -> None:
    auth_rows, cov_rows, period_rows = usage_rows(data, alloc)
    board = [board_inputs_row(data, auth_rows, cov_rows, period_rows)]
    conn = s.connection()
    for model, rows in ((AuthorizationUsage, auth_rows), (CoverageUsage, cov_rows),
                        (PeriodUsage, period_rows), (BoardInputs, board)):
        conn.execute(delete(model).where(model.patient_id == pid))
        if rows:
            conn.execute(insert(model), rows)


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

