"""Import visits: matched on (chart, date, time), created or updated in bulk (Core executemany
in batches, no ORM object per row). Completed visits with lines are billed by the engine like
the session form (`visit_billing`); the service then re-allocates each touched patient once.

A provider not (yet) in Settings does not stop a visit: it is imported without one, and the
report lists it. A clinic imports its discharged patients' history, so completed, cancelled
and no-show visits of an inactive patient are kept; a booked or checked-in visit for an
inactive patient is refused: it is almost always a stale slot of the old schedule, and booking
a discharged patient in ptdesk also starts with making them active again.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ptdesk.domain.imports.rows import VisitIn
from ptdesk.domain.money import ZERO
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus
from ptdesk.domain.visit_allocation import VisitLine, VisitRecord
from ptdesk.services.imports.bulk import raw_insert
from ptdesk.services.imports.dtos import KindResult, RowProblem
from ptdesk.services.imports.lookups import (
    WRITE_BATCH,
    chunks,
    coverage_for,
    coverages_of,
    patients_by_chart,
    payers_by_name,
)
from ptdesk.services.imports.visit_billing import Billed, Biller
from ptdesk.storage.models import Coverage, Payer, Provider, ServiceLine, Visit
from ptdesk.storage.rule_tables import load_ruleset

_VISIT_COLUMNS = ("patient_id", "coverage_id", "provider_id", "visit_date", "scheduled_time",
                  "status")
_LINE_COLUMNS = ("visit_id", "line_no", "code", "minutes", "assistant_minutes", "units",
                 "modifiers", "allowed_amount")
_OPEN = frozenset({VisitStatus.BOOKED, VisitStatus.CHECKED_IN})
Existing = tuple[int, VisitStatus, int | None, int | None]  # id, status, coverage, provider


def providers(s: Session) -> dict[str, int]:
    """NPI, "first last", "last, first", "last first" and the last name alone (when only one
    provider has it), lower case -> id."""
    out: dict[str, int] = {}
    lasts: dict[str, list[int]] = defaultdict(list)
    for pid, first, last, npi in s.execute(select(Provider.id, Provider.first_name,
                                                  Provider.last_name, Provider.npi)):
        f, la = first.strip().lower(), last.strip().lower()
        if npi:
            out[npi] = pid
        for k in (f"{f} {la}", f"{la}, {f}", f"{la} {f}", f"{la},{f}"):
            out.setdefault(k, pid)
        lasts[la].append(pid)
    for la, ids in lasts.items():
        if len(ids) == 1:
            out.setdefault(la, ids[0])
    return out


def _provider_key(text: str) -> str:
    t = " ".join(text.strip().lower().split())
    for suffix in (", pt", ", pta", ", dpt", " pt", " pta", " dpt"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    return t


def apply(s: Session, rows: Sequence[Any], problems: list[RowProblem], today: date,
          step: Callable[[int], None]) -> KindResult:
    result = KindResult(touched_patients=set(), notes=[])
    notes = result.notes
    assert notes is not None
    touched = result.touched_patients
    assert touched is not None
    payers = payers_by_name(s)
    pats = patients_by_chart(s, (p.row.chart for p in rows))
    covs = coverages_of(s, (p.id for p in pats.values()))
    provs = providers(s)
    methods: dict[int, tuple[PayerKind, UnitMethod]] = {
        r[0]: (r[1], r[2]) for r in s.execute(select(Payer.id, Payer.kind, Payer.unit_method))}
    elsewhere: dict[int, tuple[Decimal | None, int | None]] = {}
    existing: dict[tuple[int, date, time | None], Existing] = {}
    for part in chunks(sorted({p.id for p in pats.values()})):
        for e in s.execute(select(Visit.patient_id, Visit.visit_date, Visit.scheduled_time,
                                  Visit.id, Visit.status, Visit.coverage_id, Visit.provider_id)
                           .where(Visit.patient_id.in_(part)).order_by(Visit.id)):
            existing.setdefault((e[0], e[1], e[2]), (e[3], e[4], e[5], e[6]))
        for cid, amount, year in s.execute(
            select(Coverage.id, Coverage.therapy_amount_elsewhere,
                   Coverage.therapy_amount_elsewhere_year).where(Coverage.patient_id.in_(part))):
            elsewhere[cid] = (amount, year)
    biller: Biller | None = None
    new: list[tuple[object, ...]] = []
    changed: list[dict[str, object]] = []
    relined: list[tuple[int, tuple[tuple[str, int], ...]]] = []  # visit id, lines
    billing: list[tuple[int, int, date, int | None, tuple[tuple[str, int], ...]]] = []
    for n, parsed in enumerate(rows, 1):
        if n % WRITE_BATCH == 0:
            step(n // 2)
        r: VisitIn = parsed.row
        pat = pats.get(r.chart)
        if pat is None:
            problems.append(RowProblem(parsed.line, f"unknown chart {r.chart}"))
            continue
        if not pat.active and r.status in _OPEN:
            problems.append(RowProblem(parsed.line, (
                f"chart {r.chart} is inactive (discharged): a {r.status.value.replace('_', ' ')}"
                " visit is refused; make the patient active first if they are coming back")))
            continue
        if r.payer and r.payer.lower() not in payers:
            problems.append(RowProblem(parsed.line, f"unknown payer '{r.payer}'"))
            continue
        cov = coverage_for(covs.get(pat.id, []), r.payer, r.day)
        if r.payer and cov is None:
            problems.append(RowProblem(parsed.line, (
                f"chart {r.chart} has no coverage with {r.payer} (import coverages first)")))
            continue
        provider = None
        if r.provider:
            provider = provs.get(_provider_key(r.provider))
            if provider is None:  # the visit still counts; who saw the patient can be added
                notes.append(RowProblem(parsed.line, f"provider '{r.provider}' is not in "
                                        "Settings: imported without a provider"))
        if r.lines:
            if biller is None:
                biller = Biller(load_ruleset(s))
            unknown = biller.unknown_codes(r.lines)
            if unknown:
                problems.append(RowProblem(parsed.line, f"lines: {unknown[0]} is not a code "
                                                        "ptdesk knows"))
                continue
        cov_id = cov.id if cov is not None else None
        old = existing.get((pat.id, r.day, r.at))
        if old is None:
            new.append((pat.id, cov_id, provider, r.day, r.at, r.status))
            if r.lines:
                billing.append((-len(new), pat.id, r.day, cov_id, r.lines))
        else:
            same = (old[1], old[2], old[3]) == (r.status, cov_id, provider)
            if r.lines and same:
                same = _stored_lines(s, old[0]) == r.lines
            if same:
                result.unchanged += 1
                continue
            changed.append({"vid": old[0], "v_status": r.status, "v_cov": cov_id,
                            "v_prov": provider})
            if r.lines:
                relined.append((old[0], r.lines))
                billing.append((old[0], pat.id, r.day, cov_id, r.lines))
        touched.add(pat.id)
    conn = s.connection()
    ids = raw_insert(conn, "visits", _VISIT_COLUMNS, new, want_ids=True)
    step(len(rows) * 3 // 4)
    if changed:
        t = Visit.__table__
        conn.execute(update(t).where(t.c.id == bindparam("vid")).values(  # type: ignore[arg-type]
            status=bindparam("v_status"), coverage_id=bindparam("v_cov"),
            provider_id=bindparam("v_prov")), changed)
        for part in chunks([vid for vid, _ in relined]):
            conn.execute(delete(ServiceLine).where(ServiceLine.visit_id.in_(part)))
    result.created, result.updated = len(new), len(changed)
    # Patients with no visit before this import: their visits are all in `new`.
    had = {key[0] for key in existing}
    known: dict[int, list[tuple[VisitRecord, Decimal | None]]] = {}
    billed: dict[int, tuple[tuple[VisitLine, ...], Decimal | None]] = {}
    if billing and biller is not None:
        billed = _write_lines(s, biller, billing, ids, methods, covs_by_id(covs), elsewhere, had)
    for vid, row in zip(ids, new, strict=True):
        pid = cast(int, row[0])
        if pid not in had:
            lines, amount = billed.get(vid, ((), None))
            known.setdefault(pid, []).append((VisitRecord(
                vid, cast(date, row[3]), cast(VisitStatus, row[5]), cast("int | None", row[1]),
                lines), amount))
    result.known_visits = known
    step(len(rows))
    return result


def covs_by_id(covs: dict[int, list[Any]]) -> dict[int, int]:
    return {c.id: c.payer_id for cs in covs.values() for c in cs}


def _stored_lines(s: Session, visit_id: int) -> tuple[tuple[str, int], ...]:
    return tuple((c, m) for c, m in s.execute(
        select(ServiceLine.code, ServiceLine.minutes).where(ServiceLine.visit_id == visit_id)
        .order_by(ServiceLine.line_no)))


def _write_lines(s: Session, biller: Biller,
                 billing: list[tuple[int, int, date, int | None, tuple[tuple[str, int], ...]]],
                 new_ids: list[int], methods: dict[int, tuple[PayerKind, UnitMethod]],
                 payer_of: dict[int, int],
                 elsewhere: dict[int, tuple[Decimal | None, int | None]], had: set[int]
                 ) -> dict[int, tuple[tuple[VisitLine, ...], Decimal | None]]:
    """Bill in date order per coverage, carrying the year's PT+SLP total for KX. Returns,
    for the visits of patients not in `had`, the lines as the allocation reads them and
    their allowed total (None: no line priced)."""
    billing.sort(key=lambda b: (b[1], b[2], b[0] if b[0] > 0 else new_ids[-b[0] - 1]))
    ytd: dict[tuple[int, int], Decimal] = {}
    out: list[tuple[object, ...]] = []
    kept: dict[int, tuple[tuple[VisitLine, ...], Decimal | None]] = {}
    shared: dict[tuple[Billed, ...], tuple[tuple[VisitLine, ...], Decimal | None]] = {}
    conn = s.connection()
    for ref, pid, day, cov, lines in billing:
        vid = ref if ref > 0 else new_ids[-ref - 1]
        if cov is None:
            kind, method = PayerKind.SELF_PAY, UnitMethod.AMA
            before: Decimal | None = None
        else:
            kind, method = methods[payer_of[cov]]
            amount, year = elsewhere.get(cov, (None, None))
            before = ytd.get((cov, day.year))
            if before is None:
                before = amount if amount is not None and year == day.year else Decimal("0")
        billed: tuple[Billed, ...] = biller.bill(day, kind, method, lines, before)
        if cov is not None and before is not None:
            ytd[(cov, day.year)] = before + sum((b[4] or Decimal("0") for b in billed),
                                                Decimal("0"))
        for no, (code, minutes, units, mods, allowed) in enumerate(billed, 1):
            out.append((vid, no, code, minutes, 0, units, mods, allowed))
        if len(out) >= WRITE_BATCH:  # written as they come: two million lines never held
            raw_insert(conn, "service_lines", _LINE_COLUMNS, out)
            out = []
        if pid not in had:
            seen = shared.get(billed)
            if seen is None:  # most visits bill alike: one record of their lines for all
                priced = [b[4] for b in billed if b[4] is not None]
                seen = shared[billed] = (tuple(VisitLine(b[0], b[2]) for b in billed),
                                         sum(priced, ZERO) if priced else None)
            kept[vid] = seen
    raw_insert(conn, "service_lines", _LINE_COLUMNS, out)
    return kept
