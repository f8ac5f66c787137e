"""Import payers: matched on their name (case does not matter), created or updated."""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.domain.imports.rows import PayerIn
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.storage.models import Payer


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    existing = {p.name.strip().lower(): p for p in s.scalars(select(Payer))}
    result = KindResult()
    for n, parsed in enumerate(rows, 1):
        r: PayerIn = parsed.row
        p = existing.get(r.name.lower())
        values = {"kind": r.kind, "unit_method": r.unit_method,
                  "requires_prior_auth": r.requires_authorization}
        if p is None:
            s.add(Payer(name=r.name, **values))
            result.created += 1
        elif all(getattr(p, k) == val for k, val in values.items()):
            result.unchanged += 1
        else:
            for k, val in values.items():
                setattr(p, k, val)
            result.updated += 1
        step(n)
    s.flush()
    return result
