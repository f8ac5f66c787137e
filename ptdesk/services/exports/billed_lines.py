"""`ptdesk export visits --from D --to D`: completed visits' lines as ptdesk billed them, in
exactly the input format of `ptdesk audit` (services/billing/audit_rows.py), so a clinic can
audit its own work and hand it to a billing service.

Each visit carries what the engine needed when it billed it: the coverage's PT+SLP allowed
amount earlier that calendar year (with what other providers billed, for KX), and the
authorization the visit drew from with the visit's number in it (visits used before ptdesk
plus earlier used visits drawing from it).
"""

import csv
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.money import ZERO
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus, default_unit_method
from ptdesk.domain.permissions import Permission
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.services.accounts.access import record_event, require
from ptdesk.services.billing.audit_rows import OPTIONAL, REQUIRED
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    Coverage,
    Patient,
    Payer,
    ServiceLine,
    Visit,
)

COLUMNS = REQUIRED + OPTIONAL


def _rows(s: Session, start: date, end: date) -> Iterator[dict[str, str]]:
    covs = {r[0]: (r[1], r[2], r[3], r[4]) for r in s.execute(
        select(Coverage.id, Payer.kind, Payer.unit_method, Coverage.therapy_amount_elsewhere,
               Coverage.therapy_amount_elsewhere_year).join(Payer, Payer.id == Coverage.payer_id))}
    auths = {r[0]: r[1:] for r in s.execute(select(
        Authorization.id, Authorization.start_date, Authorization.end_date,
        Authorization.authorized, Authorization.counts, Authorization.used_before_ptdesk))}
    codes: dict[int, list[str]] = {}
    for aid, code in s.execute(select(AuthorizationCode.authorization_id, AuthorizationCode.code)
                               .order_by(AuthorizationCode.code)):
        codes.setdefault(aid, []).append(code)
    charts: dict[int, str] = {pid: c for pid, c in s.execute(
        select(Patient.id, Patient.chart_number))}
    first = min(date(start.year, 1, 1), min((a[0] for a in auths.values()), default=start))
    q = (select(Visit.id, Visit.patient_id, Visit.visit_date, Visit.coverage_id,
                Visit.authorization_id, Visit.status)
         .where(Visit.status.in_(USED_STATUSES), Visit.visit_date >= first,
                Visit.visit_date <= end)
         .order_by(Visit.visit_date, Visit.id))
    ytd: dict[tuple[int, int], Decimal] = {}
    numbers: dict[int, int] = {}
    visits = list(s.execute(q))
    lines: dict[int, list[tuple[str, int, int, int, str, Decimal | None]]] = {}
    for i in range(0, len(visits), 900):
        ids = [v[0] for v in visits[i:i + 900]]
        for vid, *rest in s.execute(
            select(ServiceLine.visit_id, ServiceLine.code, ServiceLine.minutes,
                   ServiceLine.assistant_minutes, ServiceLine.units, ServiceLine.modifiers,
                   ServiceLine.allowed_amount)
            .where(ServiceLine.visit_id.in_(ids)).order_by(ServiceLine.visit_id,
                                                          ServiceLine.line_no)):
            lines.setdefault(vid, []).append(tuple(rest))
    for vid, pid, day, cov, aid, status in visits:
        mine = lines.get(vid, [])
        amount = sum((ln[5] or ZERO for ln in mine), ZERO)
        kind, method = PayerKind.SELF_PAY, default_unit_method(PayerKind.SELF_PAY)
        before: Decimal | None = None
        if cov is not None:
            kind, method, elsewhere, year = covs[cov]
            key = (cov, day.year)
            if key not in ytd:
                ytd[key] = elsewhere if elsewhere is not None and year == day.year else ZERO
            before = ytd[key]
            ytd[key] = before + amount
        number: int | None = None
        a = auths.get(aid) if aid is not None else None
        if a is not None and a[3] is AuthUnit.VISITS:
            numbers[aid] = numbers.get(aid, a[4]) + 1
            number = numbers[aid]
        if status is not VisitStatus.COMPLETED or not start <= day <= end:
            continue
        for code, minutes, asst, units, mods, allowed in mine:
            yield {
                "visit_id": str(vid), "date": day.isoformat(), "payer_type": kind.value,
                "code": code, "minutes": str(minutes), "patient_id": charts.get(pid, ""),
                "unit_method": UnitMethod(method).value, "assistant_minutes": str(asst),
                "billed_units": str(units), "billed_modifiers": mods,
                "ytd_allowed_before": f"{before:.2f}" if before is not None else "",
                "allowed_amount": f"{allowed:.2f}" if allowed is not None else "",
                "auth_visits": str(a[2]) if a is not None and a[3] is AuthUnit.VISITS else "",
                "auth_start": a[0].isoformat() if a is not None else "",
                "auth_end": a[1].isoformat() if a is not None else "",
                "auth_codes": " ".join(codes.get(aid, ())) if aid is not None else "",
                "visit_number": str(number) if number is not None else "",
            }


def write_billed_lines(factory: sessionmaker[Session], start: date, end: date, out: TextIO,
                       fmt: str = "csv") -> int:
    """The lines, as CSV or JSON; returns how many. Needs the export permission; the export
    is recorded in the audit trail."""
    require(Permission.EXPORT_DATA)
    n = 0
    with factory() as s:
        if fmt == "json":
            rows = list(_rows(s, start, end))
            out.write(json.dumps(rows, indent=2) + "\n")
            n = len(rows)
        else:
            w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
            w.writeheader()
            for row in _rows(s, start, end):
                w.writerow(row)
                n += 1
    record_event(factory, "export", details={"what": f"billed lines {fmt.upper()}",
                                             "from": start, "to": end, "rows": n})
    return n
