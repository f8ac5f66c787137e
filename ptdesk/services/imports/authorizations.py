"""Import authorizations: matched on (chart, payer, number), checked by the same rules as the
authorization form (`services.authorizations.validate`), created or updated."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.imports.rows import AuthorizationIn
from ptdesk.services.authorizations.changes import validate
from ptdesk.services.authorizations.dtos import AuthorizationCodeDraft, AuthorizationDraft
from ptdesk.services.imports.bulk import raw_insert
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.services.imports.lookups import (
    chunks,
    coverage_for,
    coverages_of,
    patients_by_chart,
    payers_by_name,
)
from ptdesk.storage.models import Authorization, AuthorizationCode

ENDED_REASON = "Ended before the clinic moved to ptdesk"


def _draft(r: AuthorizationIn, coverage_id: int) -> AuthorizationDraft:
    return AuthorizationDraft(
        coverage_id=coverage_id, start=r.start, end=r.end, authorized=r.authorized,
        number=r.number, state=AuthState.ACTIVE if r.state is AuthState.ENDED else r.state,
        counts=r.counts, codes=tuple(AuthorizationCodeDraft(c, u) for c, u in r.codes),
        carried_in=r.used_before,
    )


def _values(r: AuthorizationIn) -> dict[str, object]:
    ended = r.state is AuthState.ENDED
    return {"number": r.number, "state": r.state, "start_date": r.start, "end_date": r.end,
            "counts": r.counts, "authorized": r.authorized, "used_before_ptdesk": r.used_before,
            "ended_on": r.end if ended else None, "end_reason": ENDED_REASON if ended else ""}


_FIELDS = ("number", "state", "start_date", "end_date", "counts", "authorized",
           "used_before_ptdesk", "ended_on", "end_reason")


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult(touched_patients=set())
    touched = result.touched_patients
    assert touched is not None
    payers = payers_by_name(s)
    pats = patients_by_chart(s, (p.row.chart for p in rows))
    covs = coverages_of(s, (p.id for p in pats.values()))
    cov_ids = sorted(c.id for cs in covs.values() for c in cs)
    existing: dict[tuple[int, str], tuple[int, tuple[object, ...]]] = {}
    codes: dict[int, list[tuple[str, int | None]]] = {}
    cols = [getattr(Authorization, f) for f in _FIELDS]
    for part in chunks(cov_ids):
        found = list(s.execute(select(Authorization.id, Authorization.coverage_id, *cols)
                               .where(Authorization.coverage_id.in_(part))
                               .order_by(Authorization.id)))
        for e in found:
            existing.setdefault((e[1], e[2]), (e[0], tuple(e[2:])))
        for aid, code, units in s.execute(
                select(AuthorizationCode.authorization_id, AuthorizationCode.code,
                       AuthorizationCode.authorized_units)
                .where(AuthorizationCode.authorization_id.in_([e[0] for e in found]))):
            codes.setdefault(aid, []).append((code, units))
    new: list[tuple[object, ...]] = []
    new_codes: list[list[tuple[str, int | None]]] = []
    changed: list[dict[str, object]] = []
    recoded: list[tuple[int, list[tuple[str, int | None]]]] = []
    for n, parsed in enumerate(rows, 1):
        r: AuthorizationIn = parsed.row
        pat = pats.get(r.chart)
        if pat is None:
            problems.append(RowProblem(parsed.line, f"unknown chart {r.chart}"))
            continue
        if r.payer.lower() not in payers:
            problems.append(RowProblem(parsed.line, f"unknown payer '{r.payer}' (import "
                                                    "payers first, or check the spelling)"))
            continue
        cov = coverage_for(covs.get(pat.id, []), r.payer, r.start)
        if cov is None:
            problems.append(RowProblem(parsed.line, (
                f"chart {r.chart} has no coverage with {r.payer} (import coverages first)")))
            continue
        try:
            validate(_draft(r, cov.id))
        except ValidationErrors as exc:
            problems.append(RowProblem(parsed.line, " ".join(exc.errors.values())))
            continue
        d = _values(r)
        values = tuple(d[f] for f in _FIELDS)
        mine = sorted(r.codes)
        old = existing.get((cov.id, r.number))
        if old is None:
            new.append((cov.id, *values))
            new_codes.append(mine)
            result.created += 1
        elif old[1] == values and sorted(codes.get(old[0], [])) == mine:
            result.unchanged += 1
            continue
        else:
            changed.append({"aid": old[0], **{f"v_{f}": v for f, v in zip(_FIELDS, values,
                                                                          strict=True)}})
            recoded.append((old[0], mine))
            result.updated += 1
        touched.add(pat.id)
        if n % 5000 == 0:
            step(n // 2)
    conn = s.connection()
    ids = raw_insert(conn, "authorizations", ("coverage_id", *_FIELDS), new, want_ids=True)
    if changed:
        t = Authorization.__table__
        conn.execute(update(t).where(t.c.id == bindparam("aid")).values(  # type: ignore[arg-type]
            {f: bindparam(f"v_{f}") for f in _FIELDS}), changed)
        for part in chunks([aid for aid, _ in recoded]):
            conn.execute(delete(AuthorizationCode)
                         .where(AuthorizationCode.authorization_id.in_(part)))
    code_rows = [(aid, c, u) for aid, cs in [*zip(ids, new_codes, strict=True), *recoded]
                 for c, u in cs]
    raw_insert(conn, "authorization_codes", ("authorization_id", "code", "authorized_units"),
               code_rows)
    step(len(rows))
    return result
