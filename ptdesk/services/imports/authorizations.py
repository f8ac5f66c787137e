"""Import authorizations: matched on (chart, payer, number), checked by the same rules as the
authorization form (`services.authorizations.validate`), created or updated."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.imports.rows import AuthorizationIn
from ptdesk.services.authorization_dtos import AuthorizationCodeDraft, AuthorizationDraft
from ptdesk.services.authorizations import validate
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


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult(touched_patients=set())
    assert result.touched_patients is not None
    payers = payers_by_name(s)
    pats = patients_by_chart(s, (p.row.chart for p in rows))
    covs = coverages_of(s, (p.id for p in pats.values()))
    cov_ids = sorted(c.id for cs in covs.values() for c in cs)
    existing: dict[tuple[int, str], Authorization] = {}
    for part in chunks(cov_ids):
        for a in s.scalars(select(Authorization).where(Authorization.coverage_id.in_(part))):
            existing.setdefault((a.coverage_id, a.number), a)
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
        values = _values(r)
        codes = sorted(r.codes)
        found = existing.get((cov.id, r.number))
        if found is not None:
            a = found
            old_codes = sorted((c.code, c.authorized_units) for c in a.codes)
            if old_codes == codes and all(getattr(a, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            s.execute(delete(AuthorizationCode).where(AuthorizationCode.authorization_id == a.id))
            s.expire(a, ["codes"])
            for k, v in values.items():
                setattr(a, k, v)
            result.updated += 1
        else:
            a = Authorization(coverage_id=cov.id, **values)
            s.add(a)
            existing[(cov.id, r.number)] = a
            result.created += 1
        s.flush()
        for code, units in codes:
            s.add(AuthorizationCode(authorization_id=a.id, code=code, authorized_units=units))
        result.touched_patients.add(pat.id)
        if n % 500 == 0:
            s.flush()
            step(n)
    s.flush()
    step(len(rows))
    return result
