"""`ptdesk export KIND`: payers, patients, coverages, authorizations and visits as CSV in
exactly the import format, so a clinic exported and imported again is the same clinic.

What the format has no column for is left out: second address line, home phone, middle name,
voided visits (they never count), assistant minutes. A visit billed to no coverage while the
patient has one cannot be told apart from "the primary" and comes back billed to the primary.
"""

import csv
from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.imports.columns import SPECS, ImportKind
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import record_event, require
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    Coverage,
    Patient,
    Payer,
    Provider,
    ServiceLine,
    Visit,
)

RANKS = {1: "primary", 2: "secondary", 3: "tertiary"}
STATES = {AuthState.ACTIVE: "approved", AuthState.PENDING: "pending", AuthState.ENDED: "ended"}
_YIELD = 5000


def _d(d: date | None) -> str:
    return d.isoformat() if d is not None else ""


def _m(v: Decimal | None) -> str:
    return f"{v:.2f}" if v is not None else ""


def _t(t: time | None) -> str:
    return t.strftime("%H:%M") if t is not None else ""


def _yn(b: bool) -> str:
    return "yes" if b else "no"


def _rows(s: Session, kind: ImportKind, today: date) -> Iterator[list[str]]:
    if kind is ImportKind.PAYERS:
        for p in s.execute(select(Payer.name, Payer.kind, Payer.unit_method,
                                  Payer.requires_prior_auth).order_by(Payer.name)):
            yield [p[0], p[1].value, p[2].value, _yn(p[3])]
    elif kind is ImportKind.PATIENTS:
        for pt in s.execute(select(Patient).execution_options(yield_per=_YIELD)
                            .order_by(Patient.chart_number)).scalars():
            yield [pt.chart_number, pt.last_name, pt.first_name, pt.preferred_name,
                   _d(pt.date_of_birth), pt.sex, pt.phone_mobile or pt.phone_home, pt.email,
                   pt.address_line1, pt.city, pt.state, pt.postal_code, _yn(pt.active)]
    elif kind is ImportKind.COVERAGES:
        cq = (select(Patient.chart_number, Payer.name, Coverage)
              .join(Coverage, Coverage.patient_id == Patient.id)
              .join(Payer, Payer.id == Coverage.payer_id)
              .order_by(Patient.chart_number, Coverage.priority, Coverage.id))
        for chart, payer, c in s.execute(cq.execution_options(yield_per=_YIELD)):
            ytd = (c.therapy_amount_elsewhere
                   if c.therapy_amount_elsewhere_year == today.year else None)
            yield [chart, payer, RANKS[c.priority], c.member_id, c.group_id,
                   _d(c.effective_date), _d(c.end_date),
                   f"{c.plan_year_start_month:02d}-{c.plan_year_start_day:02d}",
                   "" if c.visit_limit_per_year is None else str(c.visit_limit_per_year),
                   str(c.visits_used_elsewhere), _m(c.deductible), _m(c.deductible_met),
                   _m(c.copay), _m(c.coinsurance_pct), _m(c.oop_max), _m(c.oop_met), _m(ytd)]
    elif kind is ImportKind.AUTHORIZATIONS:
        codes: dict[int, list[tuple[str, int | None]]] = {}
        for aid, code, units in s.execute(select(
                AuthorizationCode.authorization_id, AuthorizationCode.code,
                AuthorizationCode.authorized_units).order_by(AuthorizationCode.code)):
            codes.setdefault(aid, []).append((code, units))
        q = (select(Patient.chart_number, Payer.name, Authorization)
             .join(Coverage, Coverage.id == Authorization.coverage_id)
             .join(Patient, Patient.id == Coverage.patient_id)
             .join(Payer, Payer.id == Coverage.payer_id)
             .order_by(Patient.chart_number, Authorization.start_date, Authorization.id))
        for chart, payer, a in s.execute(q):
            mine = codes.get(a.id, [])
            per_code = a.counts is AuthUnit.UNITS and mine and all(u is not None for _, u in mine)
            visits = str(a.authorized) if a.counts is AuthUnit.VISITS else ""
            units = (";".join(f"{c}:{u}" for c, u in mine) if per_code
                     else (str(a.authorized) if a.counts is AuthUnit.UNITS else ""))
            end = a.ended_on if a.state is AuthState.ENDED and a.ended_on else a.end_date
            yield [chart, payer, a.number, STATES[a.state], _d(a.start_date), _d(end), visits,
                   units, " ".join(c for c, _ in mine), str(a.used_before_ptdesk)]
    else:
        yield from _visits(s)


def _visits(s: Session) -> Iterator[list[str]]:
    provs = {pid: (npi or f"{first} {last}") for pid, first, last, npi in s.execute(
        select(Provider.id, Provider.first_name, Provider.last_name, Provider.npi))}
    payer_of: dict[int, str] = {cid: name for cid, name in s.execute(
        select(Coverage.id, Payer.name).join(Payer, Payer.id == Coverage.payer_id))}
    charts: dict[int, str] = {pid: c for pid, c in s.execute(
        select(Patient.id, Patient.chart_number))}
    q = (select(Visit.id, Visit.patient_id, Visit.visit_date, Visit.scheduled_time,
                Visit.provider_id, Visit.coverage_id, Visit.status)
         .where(Visit.status != VisitStatus.VOIDED)
         .order_by(Visit.patient_id, Visit.visit_date, Visit.scheduled_time, Visit.id))
    batch: list[tuple[int, int, date, time | None, int | None, int | None, VisitStatus]] = []
    for row in s.execute(q.execution_options(yield_per=_YIELD)):
        batch.append(row._tuple())
        if len(batch) >= _YIELD:
            yield from _visit_rows(s, batch, provs, payer_of, charts)
            batch = []
    if batch:
        yield from _visit_rows(s, batch, provs, payer_of, charts)


def _visit_rows(s: Session,
                batch: list[tuple[int, int, date, time | None, int | None, int | None,
                                  VisitStatus]], provs: dict[int, str],
                payer_of: dict[int, str], charts: dict[int, str]) -> Iterator[list[str]]:
    done = [r[0] for r in batch if r[6] is VisitStatus.COMPLETED]
    lines: dict[int, list[str]] = {}
    for i in range(0, len(done), 900):
        for vid, code, minutes in s.execute(
            select(ServiceLine.visit_id, ServiceLine.code, ServiceLine.minutes)
            .where(ServiceLine.visit_id.in_(done[i:i + 900]))
            .order_by(ServiceLine.visit_id, ServiceLine.line_no)
        ):
            lines.setdefault(vid, []).append(f"{code}:{minutes}")
    for vid, pid, day, at, prov, cov, status in batch:
        yield [charts[pid], _d(day), _t(at), provs.get(prov, "") if prov else "",
               payer_of.get(cov, "") if cov else "", status.value,
               ";".join(lines.get(vid, ()))]


def write_kind(factory: sessionmaker[Session], kind: ImportKind, out: TextIO,
               today: date) -> int:
    """Write the kind's CSV (header row first); returns the rows written. Needs the
    export permission; the export is recorded in the audit trail."""
    require(Permission.EXPORT_DATA)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SPECS[kind].columns)
    n = 0
    with factory() as s:
        for row in _rows(s, kind, today):
            w.writerow(row)
            n += 1
    record_event(factory, "export", details={"what": f"{kind.value} CSV", "rows": n})
    return n
