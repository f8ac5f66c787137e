"""Each patient's practice-board inputs that do not depend on the day, kept derived in
`board_inputs` (one row per patient), so the cold board reads one row per patient.

Written by `records.reallocate` and the import's bulk derivation (`imports.bulk.derive`) from
the very rows they write to the usage tables, in the same transaction and under the patient's
lock; a save that changed a coverage, authorization, visit or line without re-deriving is
re-derived before it commits (`storage/derived_marks.py`); rebuilt with the usage rows after
an upgrade (`derived_usage`). What the board derives from the
day (which coverages and authorizations are in force, the plan year, days left, colours) is
computed when the board is read, by the same domain rules as before.

Not stored: the patient's name, chart number and active flag, and the payers' names, kinds
and settings (read with the board, so editing them needs no rewrite here); plans of care and
renewal requests (read by their own small queries, as the panel does).

The text is compact JSON (dates as ISO text, which sorts as the dates do; money as integer
cents), laid out so the board parses only what the day needs:
  c: coverages  [id, payer_id, priority, effective, end, py_month, py_day, visit_limit,
                 used_elsewhere, used_elsewhere_as_of, therapy_elsewhere_cents,
                 therapy_elsewhere_year, verified_on]   (by id)
  a: authorizations not ended by the clinic  [id, coverage_id, number, state, start, end,
                 counts, authorized, carried_in, ended_on, [[code, units], ...],
                 [[pool_code, used, booked, last_booked, first_booked_over], ...]]   (by id)
  n: coverages with booked visits no authorization covers  [coverage_id, n, first]
  p: periods  {"coverage_id kind start": [used, booked, last_booked, allowed_cents]}
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState, UsageCounts
from ptdesk.domain.money import from_cents, to_cents
from ptdesk.services.authorizations.patient_data import PatientData

_day = date.fromisoformat


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _cents(v: object) -> int | None:
    return to_cents(Decimal(str(v))) if v is not None else None


def board_inputs_row(
    data: PatientData,
    auth_rows: Sequence[dict[str, object]],
    cov_rows: Sequence[dict[str, object]],
    period_rows: Sequence[dict[str, object]],
) -> dict[str, object]:
    """The `board_inputs` row of one patient, from the rows `usage_rows` made for it."""
    covs = [[c.id, c.payer_id, c.priority, _iso(c.effective_date), _iso(c.end_date),
             c.plan_year_start_month, c.plan_year_start_day, c.visit_limit,
             c.visits_used_elsewhere, _iso(c.visits_used_elsewhere_as_of),
             _cents(c.therapy_amount_elsewhere), c.therapy_amount_elsewhere_year,
             _iso(c.verified_on)]
            for c in sorted(data.coverages, key=lambda c: c.id)]
    usage: dict[int, list[list[object]]] = {}
    for r in auth_rows:
        usage.setdefault(r["authorization_id"], []).append(  # type: ignore[arg-type]
            [r["pool_code"], r["used"], r["booked"], _iso(r["last_booked"]),  # type: ignore[arg-type]
             _iso(r["first_booked_over"])])  # type: ignore[arg-type]
    auths = [[a.id, a.coverage_id, a.number, a.state.value, _iso(a.start), _iso(a.end),
              a.counts.value, a.authorized, a.carried_in, _iso(a.ended_on),
              [list(x) for x in a.codes], usage.get(a.id, [])]
             for a in sorted(data.auths, key=lambda a: a.id) if a.state is not AuthState.ENDED]
    unc = [[r["coverage_id"], r["uncovered_booked"], _iso(r["first_uncovered"])]  # type: ignore[arg-type]
           for r in cov_rows if r["uncovered_booked"]]
    periods = {period_key(r["coverage_id"], r["kind"], r["period_start"]):  # type: ignore[arg-type]
               [r["used"], r["booked"], _iso(r["last_booked"]),  # type: ignore[arg-type]
                _cents(r["allowed_amount"])]
               for r in period_rows}
    text = json.dumps({"c": covs, "a": auths, "n": unc, "p": periods}, separators=(",", ":"))
    return {"patient_id": data.patient_id, "inputs": text}


def period_key(coverage_id: int, kind: str, start: date) -> str:
    return f"{coverage_id} {kind} {start.isoformat()}"


def _opt_day(v: str | None) -> date | None:
    return _day(v) if v is not None else None


@dataclass(frozen=True, slots=True)
class StoredCoverage:
    """A coverage as stored (the payer's fields are joined when the board is read)."""

    id: int
    payer_id: int
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


_STATES = {s.value: s for s in AuthState}
_UNITS = {u.value: u for u in AuthUnit}


class StoredInputs:
    """One patient's stored inputs, parsed on demand (`coverages`: those in force on the day
    given; `auths`: the raw entries of those coverages' authorizations)."""

    __slots__ = ("_d", "auths", "coverages")

    def __init__(self, text: str | None, today: date) -> None:
        d = self._d = json.loads(text) if text else {}
        self.coverages: list[StoredCoverage] = []
        self.auths: list[list[Any]] = []
        t = today.isoformat()
        for c in d.get("c", ()):
            if c[3] > t or (c[4] is not None and c[4] < t):
                continue  # not in force on the day (ISO text compares as dates do)
            self.coverages.append(StoredCoverage(
                c[0], c[1], c[2], _day(c[3]), _opt_day(c[4]), c[5], c[6], c[7], c[8],
                _opt_day(c[9]), from_cents(c[10]) if c[10] is not None else None, c[11],
                _opt_day(c[12])))
        if self.coverages:
            ids = {c.id for c in self.coverages}
            self.auths = [a for a in d["a"] if a[1] in ids]

    @staticmethod
    def auth_row(a: list[Any]) -> tuple[Any, ...]:
        """The fields of `patient_data.AuthRow`, in its order."""
        return (a[0], a[1], a[2], _STATES[a[3]], _day(a[4]), _day(a[5]), _UNITS[a[6]], a[7],
                a[8], _opt_day(a[9]), "", tuple((x[0], x[1]) for x in a[10]))

    @staticmethod
    def usage(a: list[Any]) -> dict[tuple[int, str], UsageCounts]:
        return {(a[0], u[0]): UsageCounts(u[1], u[2], _opt_day(u[3]), _opt_day(u[4]))
                for u in a[11]}

    def uncovered(self) -> dict[int, tuple[int, date | None]]:
        return {n[0]: (n[1], _opt_day(n[2])) for n in self._d.get("n", ())}

    def period(self, coverage_id: int, kind: str, start: date
               ) -> tuple[int, int, date | None, Decimal] | None:
        p = self._d.get("p", {}).get(period_key(coverage_id, kind, start))
        return None if p is None else (p[0], p[1], _opt_day(p[2]), from_cents(p[3]))
