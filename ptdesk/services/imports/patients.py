"""Import patients: matched on the chart number, created or updated in bulk; their search
keys are rewritten by the same function the patient form uses."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ptdesk.domain.imports.rows import PatientIn
from ptdesk.domain.search_keys import sort_name
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.services.imports.lookups import WRITE_BATCH, chunks, insert_returning_ids
from ptdesk.services.patients.search import rewrite_search_terms
from ptdesk.storage.models import Patient

_FIELDS = ("last_name", "first_name", "preferred_name", "date_of_birth", "sex", "phone_mobile",
           "email", "address_line1", "city", "state", "postal_code", "active")


def values_of(r: PatientIn) -> dict[str, object]:
    return {"last_name": r.last_name, "first_name": r.first_name,
            "preferred_name": r.preferred_name, "date_of_birth": r.date_of_birth, "sex": r.sex,
            "phone_mobile": r.phone, "email": r.email, "address_line1": r.address,
            "city": r.city, "state": r.state, "postal_code": r.zip, "active": r.active}


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult()
    charts = [p.row.chart for p in rows]
    existing: dict[str, tuple[Any, ...]] = {}
    cols = [getattr(Patient, f) for f in _FIELDS]
    for part in chunks(charts):
        for e in s.execute(select(Patient.chart_number, Patient.id, *cols)
                           .where(Patient.chart_number.in_(part))):
            existing[e[0]] = tuple(e[1:])
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for n, parsed in enumerate(rows, 1):
        r: PatientIn = parsed.row
        values = values_of(r)
        old = existing.get(r.chart)
        if old is None:
            new.append({"chart_number": r.chart, "sort_name": sort_name(r.last_name,
                                                                        r.first_name),
                        **values})
        elif tuple(old[1:]) == tuple(values[f] for f in _FIELDS):
            result.unchanged += 1
        else:
            changed.append({"pid": old[0], **{f"v_{k}": x for k, x in values.items()}})
        if n % WRITE_BATCH == 0:
            step(n // 2)
    conn = s.connection()
    ids = insert_returning_ids(conn, Patient.__table__, new)  # type: ignore[arg-type]
    step(len(rows) * 3 // 4)
    if changed:
        conn.execute(update(Patient.__table__).where(  # type: ignore[arg-type]
            Patient.__table__.c.id == bindparam("pid")).values(
            {f: bindparam(f"v_{f}") for f in _FIELDS}), changed)
    result.created, result.updated = len(new), len(changed)
    rewrite_search_terms(s, [*ids, *(int(c["pid"]) for c in changed)])  # type: ignore[call-overload]
    step(len(rows))
    return result
