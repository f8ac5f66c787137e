"""Import coverages: matched on (chart, payer, rank), created or updated. Like the coverage
form, two coverages of one rank cannot be in force on the same day."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ptdesk.domain.imports.rows import CoverageIn
from ptdesk.services.imports.bulk import raw_insert
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.services.imports.lookups import chunks, patients_by_chart, payers_by_name
from ptdesk.services.patients.search import rewrite_search_terms
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


_FIELDS = ("member_id", "group_id", "effective_date", "end_date", "plan_year_start_month",
           "plan_year_start_day", "visit_limit_per_year", "visits_used_elsewhere", "deductible",
           "deductible_met", "copay", "coinsurance_pct", "oop_max", "oop_met",
           "therapy_amount_elsewhere", "therapy_amount_elsewhere_year")
_DB_COLUMNS = tuple("coinsurance_bp" if f == "coinsurance_pct" else f for f in _FIELDS)
_CENTS_LIKE = frozenset({"deductible", "deductible_met", "copay", "coinsurance_pct", "oop_max",
                         "oop_met", "therapy_amount_elsewhere"})


@dataclass
class _Known:
    id: int | None  # None: added by this file
    payer_id: int
    priority: int
    values: tuple[object, ...]

    @property
    def span(self) -> tuple[date, date | None]:
        return self.values[2], self.values[3]  # type: ignore[return-value]


def _overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return (a[1] is None or a[1] >= b[0]) and (b[1] is None or b[1] >= a[0])


def _hundredths(v: object) -> object:
    """Cents-like values compare as integers of hundredths (the stored form)."""
    if v is None:
        return None
    return int((Decimal(str(v)) * 100).to_integral_value())


def _comparable(values: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(_hundredths(v) if f in _CENTS_LIKE else v for f, v in zip(_FIELDS, values,
                                                                           strict=True))


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult(touched_patients=set())
    touched = result.touched_patients
    assert touched is not None
    payers = payers_by_name(s)
    pats = patients_by_chart(s, (p.row.chart for p in rows))
    by_patient: dict[int, list[_Known]] = {}
    cols = [getattr(Coverage, f) for f in _FIELDS]
    for part in chunks(sorted({p.id for p in pats.values()})):
        for e in s.execute(select(Coverage.patient_id, Coverage.id, Coverage.payer_id,
                                  Coverage.priority, *cols)
                           .where(Coverage.patient_id.in_(part))):
            by_patient.setdefault(e[0], []).append(_Known(e[1], e[2], e[3], tuple(e[4:])))
    new: list[tuple[object, ...]] = []
    changed: list[dict[str, object]] = []
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
        d = values_of(r, today)
        values = tuple(d[f] for f in _FIELDS)
        clash = next((c for c in covs if c is not mine and c.priority == r.rank
                      and _overlap((r.effective, r.end), c.span)), None)
        if clash is not None:
            problems.append(RowProblem(parsed.line, (
                f"another {RANK_WORDS[r.rank]} coverage of chart {r.chart} is in force on "
                "these dates: end it first, or choose another rank")))
            continue
        if mine is None:
            covs.append(_Known(None, payer_id, r.rank, values))
            new.append((pat.id, payer_id, r.rank, *values))
            result.created += 1
        elif _comparable(mine.values) == _comparable(values):
            result.unchanged += 1
            continue
        else:
            mine.values = values
            if mine.id is None:  # cannot happen: keys are unique within the file
                continue
            changed.append({"cid": mine.id, **{f"v_{c}": v for c, v in zip(
                _DB_COLUMNS, values, strict=True)}})
            result.updated += 1
        touched.add(pat.id)
        if n % 5000 == 0:
            step(n // 2)
    conn = s.connection()
    raw_insert(conn, "coverages", ("patient_id", "payer_id", "priority", *_DB_COLUMNS), new)
    if changed:
        t = Coverage.__table__
        conn.execute(update(t).where(t.c.id == bindparam("cid")).values(  # type: ignore[arg-type]
            {c: bindparam(f"v_{c}") for c in _DB_COLUMNS}), changed)
    rewrite_search_terms(s, touched)  # member ids are search keys
    step(len(rows))
    return result
