"""Reads the kind modules share: payers by name, patients by chart, coverages by patient.

Queries go in chunks (IN lists of at most `CHUNK` values) so 100,000 charts stay one short
query per chunk on SQLite and PostgreSQL alike.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ptdesk.storage.models import Coverage, Patient, Payer

CHUNK = 900
WRITE_BATCH = 5000
Step = Callable[[int], None]


def chunks(values: Sequence[object], size: int = CHUNK) -> Iterable[Sequence[object]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


@dataclass(frozen=True, slots=True)
class PatientRef:
    id: int
    active: bool


@dataclass(frozen=True, slots=True)
class CoverageRef:
    id: int
    patient_id: int
    payer_id: int
    payer_name: str
    priority: int
    effective: date
    end: date | None

    def in_force(self, day: date) -> bool:
        return self.effective <= day and (self.end is None or self.end >= day)


def payers_by_name(s: Session) -> dict[str, int]:
    return {name.strip().lower(): pid for pid, name in s.execute(select(Payer.id, Payer.name))}


def patients_by_chart(s: Session, charts: Iterable[str]) -> dict[str, PatientRef]:
    wanted = sorted(set(charts))
    out: dict[str, PatientRef] = {}
    for part in chunks(wanted):
        for pid, chart, active in s.execute(
            select(Patient.id, Patient.chart_number, Patient.active)
            .where(Patient.chart_number.in_(part))
        ):
            out[chart] = PatientRef(pid, active)
    return out


def coverages_of(s: Session, patient_ids: Iterable[int]) -> dict[int, list[CoverageRef]]:
    ids = sorted(set(patient_ids))
    out: dict[int, list[CoverageRef]] = {pid: [] for pid in ids}
    for part in chunks(ids):
        for r in s.execute(
            select(Coverage.id, Coverage.patient_id, Coverage.payer_id, Payer.name,
                   Coverage.priority, Coverage.effective_date, Coverage.end_date)
            .join(Payer, Payer.id == Coverage.payer_id)
            .where(Coverage.patient_id.in_(part)).order_by(Coverage.priority, Coverage.id)
        ):
            out[r[1]].append(CoverageRef(*r))
    return out


def coverage_for(covs: Sequence[CoverageRef], payer: str, day: date) -> CoverageRef | None:
    """The patient's coverage with this payer (empty: the primary), the one in force on `day`
    first."""
    name = payer.strip().lower()
    mine = [c for c in covs if c.payer_name.strip().lower() == name] if name else [
        c for c in covs if c.priority == 1]
    return next((c for c in mine if c.in_force(day)), mine[0] if mine else None)


def insert_returning_ids(conn: Connection, table: Table, rows: list[dict[str, object]]
                         ) -> list[int]:
    """Insert in batches (one executemany each), the new ids in the rows' order."""
    ids: list[int] = []
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for i in range(0, len(rows), WRITE_BATCH):
        ids.extend(r[0] for r in conn.execute(stmt, rows[i:i + WRITE_BATCH]))
    return ids
