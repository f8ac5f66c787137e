"""The derived usage rows of one patient from their allocation: per authorization pool, per
coverage (booked visits nothing covers), and per plan year and calendar year (visits used and
booked, allowed amounts), as `storage.models.usage` stores them.
"""

from datetime import date

from ptdesk.domain.money import ZERO
from ptdesk.domain.visit_allocation import PROJECTED_STATUSES, USED_STATUSES, Allocation
from ptdesk.domain.visit_limits import plan_year
from ptdesk.services.authorizations.patient_data import PatientData

PLAN = "plan"


YEAR = "year"




def usage_rows(data: PatientData, alloc: Allocation) -> tuple[
    list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]
]:
    pid = data.patient_id
    auth_rows: list[dict[str, object]] = [
        {"authorization_id": k[0], "pool_code": k[1], "patient_id": pid, "used": c.used,
         "booked": c.booked, "last_booked": c.last_booked,
         "first_booked_over": c.first_booked_over}
        for k, c in alloc.counts().items()
    ]
    cov_rows: list[dict[str, object]] = []
    periods: dict[tuple[int, str, date], list[object]] = {}
    for cov in data.coverages:
        unc = alloc.uncovered_booked(cov.id)
        cov_rows.append({"coverage_id": cov.id, "patient_id": pid, "uncovered_booked": len(unc),
                         "first_uncovered": unc[0].day if unc else None})
    covs = {c.id: c for c in data.coverages}
    for v in data.visits:
        c = covs.get(v.coverage_id) if v.coverage_id is not None else None
        if c is None:
            continue
        used = v.status in USED_STATUSES
        booked = v.status in PROJECTED_STATUSES
        if not (used or booked):
            continue
        py = plan_year(v.day, c.plan_year_start_month, c.plan_year_start_day).start
        for key in ((c.id, PLAN, py), (c.id, YEAR, date(v.day.year, 1, 1))):
            row = periods.setdefault(key, [0, 0, None, ZERO])
            if used:
                row[0] += 1  # type: ignore[operator]
                if key[1] == YEAR:
                    row[3] += data.amounts.get(v.visit_id, ZERO)  # type: ignore[operator]
            else:
                row[1] += 1  # type: ignore[operator]
                if row[2] is None or v.day > row[2]:  # type: ignore[operator]
                    row[2] = v.day
    period_rows: list[dict[str, object]] = [
        {"coverage_id": k[0], "kind": k[1], "period_start": k[2], "patient_id": pid,
         "used": r[0], "booked": r[1], "last_booked": r[2], "allowed_amount": r[3]}
        for k, r in periods.items()
    ]
    return auth_rows, cov_rows, period_rows
