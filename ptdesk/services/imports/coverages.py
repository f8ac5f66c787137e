"""Import coverages: matched on (chart, payer, rank), created or updated. Like the coverage
form, two coverages of one rank cannot be in force on the same day."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.domain.imports.rows import CoverageIn
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.services.imports.lookups import chunks, patients_by_chart, payers_by_name
from ptdesk.services.patient_search import rewrite_search_terms
from ptdesk.storage.models import Coverage

RANK_WORDS = {1: "primary", 2: "secondary", 3: "tertiary"}


def values_of(r: CoverageIn, today: date) -> dict[str, object]:
    elsewhere = r.ytd_therapy_allowed_elsewhere
    return {
        "member_id": r.member_id, "group_id": r.group_id, "effective_date": r.effective,
        "end_date": r.end, "plan_year_start_month": r.plan_year_start[0],
        "plan_year_start_day": r.plan_year_start[1], "visit_limit_per_year": r.visit_limit,
        "visits_used_elsewhere": r.visits_used_elsewhere,
        "deductible": r.deductible, "deductible_met": r.deductible_met, "copay": r.copay,
        "coinsurance_pct": r.coinsurance_percent, "oop_max": r.oop_max, "oop_met": r.oop_met,
        # "this year" in the file is the year of the import
        "therapy_amount_elsewhere": elsewhere,
        "therapy_amount_elsewhere_year": today.year if elsewhere is not None else None,
    }


def _same(c: Coverage, values: dict[str, object]) -> bool:
    for k, v in values.items():
        old = getattr(c, k)
        if isinstance(old, Decimal) and isinstance(v, Decimal):
            if old.compare(v) != 0:
                return False
        elif old != v:
            return False
    return True


def _overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return (a[1] is None or a[1] >= b[0]) and (b[1] is None or b[1] >= a[0])


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult(touched_patients=set())
    assert result.touched_patients is not None
    payers = payers_by_name(s)
    pats = patients_by_chart(s, (p.row.chart for p in rows))
    by_patient: dict[int, list[Coverage]] = {}
    for part in chunks(sorted({p.id for p in pats.values()})):
        for c in s.scalars(select(Coverage).where(Coverage.patient_id.in_(part))):
            by_patient.setdefault(c.patient_id, []).append(c)
    search: set[int] = set()
    for n, parsed in enumerate(rows, 1):
        r: CoverageIn = parsed.row
        pat = pats.get(r.chart)
        payer_id = payers.get(r.payer.lower())
        if pat is None:
            problems.append(RowProblem(parsed.line, f"unknown chart {r.chart}"))
            continue
        if payer_id is None:
            problems.append(RowProblem(parsed.line, f"unknown payer '{r.payer}' (import "
                                                    "payers first, or check the spelling)"))
            continue
        covs = by_patient.setdefault(pat.id, [])
        mine = next((c for c in covs if c.payer_id == payer_id and c.priority == r.rank), None)
        span = (r.effective, r.end)
        clash = next((c for c in covs if c is not mine and c.priority == r.rank
                      and _overlap(span, (c.effective_date, c.end_date))), None)
        if clash is not None:
            problems.append(RowProblem(parsed.line, (
                f"another {RANK_WORDS[r.rank]} coverage of chart {r.chart} is in force on "
                "these dates: end it first, or choose another rank")))
            continue
        values = values_of(r, today)
        if mine is None:
            c = Coverage(patient_id=pat.id, payer_id=payer_id, priority=r.rank, **values)
            s.add(c)
            covs.append(c)
            result.created += 1
        elif _same(mine, values):
            result.unchanged += 1
            continue
        else:
            for k, v in values.items():
                setattr(mine, k, v)
            result.updated += 1
        result.touched_patients.add(pat.id)
        search.add(pat.id)
        if n % 1000 == 0:
            s.flush()
            step(n)
    s.flush()
    rewrite_search_terms(s, search)  # member ids are search keys
    step(len(rows))
    return result
