"""The bulk paths of a big import: rows straight to the driver's executemany, and the derived
counts of many patients rewritten with one statement per table per batch.

The derivation is the app's own (`auth_records`: `patient_records`, `allocate`, `usage_rows`,
the visit -> authorization rule of `reallocate`); only the writing is batched, so imported
visits count and project exactly like visits entered in the app.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from sqlalchemy import bindparam, delete, insert, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ptdesk.domain.visit_allocation import allocate
from ptdesk.services.auth_records import load_patients, patient_records, usage_rows
from ptdesk.storage.models import (
    AuthorizationUsage,
    CoverageUsage,
    PeriodUsage,
    Visit,
)

WRITE_BATCH = 5000
CENTS = frozenset({"allowed_amount"})


def _sqlite_value(v: object) -> object:
    # SQLAlchemy's own SQLite storage formats (dates ISO, times with microseconds).
    if isinstance(v, Enum):
        return v.value
    if isinstance(v, datetime):
        return v.isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.strftime("%H:%M:%S.%f")
    return v


def _pg_value(v: object) -> object:
    return v.value if isinstance(v, Enum) else v


def _cents(v: object) -> object:
    if v is None:
        return None
    assert isinstance(v, Decimal)
    return int((v * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw_insert(conn: Connection, table: str, columns: Sequence[str],
               rows: Sequence[Sequence[object]], *, want_ids: bool = False) -> list[int]:
    """Insert rows (values in `columns` order, Python types; money columns as Decimal) with the
    driver's executemany in batches; with `want_ids`, the new ids in the rows' order.

    Ids: PostgreSQL reserves them from the table's sequence first (safe beside other desks);
    SQLite assigns max+1 in insertion order while this transaction holds the write lock, so
    the last ids after the insert are these rows'.
    """
    if not rows:
        return []
    sqlite = conn.dialect.name == "sqlite"
    conv = _sqlite_value if sqlite else _pg_value
    cents = [i for i, c in enumerate(columns) if c in CENTS]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cols = list(columns)
    ids: list[int] = []
    if want_ids and not sqlite:
        ids = [int(r[0]) for r in conn.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": len(rows)})]
        cols = ["id", *cols]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    for start in range(0, len(rows), WRITE_BATCH):
        part = []
        for i, row in enumerate(rows[start:start + WRITE_BATCH], start):
            vals = [conv(v) for v in row]
            for c in cents:
                vals[c] = _cents(row[c])
            part.append((ids[i], *vals) if ids else tuple(vals))
        conn.exec_driver_sql(sql, part)
    if want_ids and sqlite:
        got = conn.exec_driver_sql(f"SELECT id FROM {table} ORDER BY id DESC LIMIT ?",
                                   (len(rows),)).fetchall()
        ids = [int(r[0]) for r in reversed(got)]
    return ids


def derive(s: Session, patient_ids: Sequence[int]) -> None:
    """Recompute the derived allocation and usage of these patients (one batch)."""
    datas = load_patients(s, patient_ids)
    changed: list[dict[str, object]] = []
    auth_rows: list[dict[str, object]] = []
    cov_rows: list[dict[str, object]] = []
    period_rows: list[dict[str, object]] = []
    for data in datas.values():
        alloc = allocate(data.visits, patient_records(data))
        for va in alloc.visits:  # the drawn-from rule of auth_records.reallocate
            primary = next((d.key[0] for d in va.draws if not d.key[1]), None)
            if primary is None and va.draws:
                primary = va.draws[0].key[0]
            if data.stored.get(va.visit.visit_id) != primary:
                changed.append({"vid": va.visit.visit_id, "aid": primary})
        a, c, p = usage_rows(data, alloc)
        auth_rows += a
        cov_rows += c
        period_rows += p
    conn = s.connection()
    if changed:
        t = Visit.__table__
        conn.execute(update(t).where(t.c.id == bindparam("vid"))  # type: ignore[arg-type]
                     .values(authorization_id=bindparam("aid")), changed)
    ids = list(patient_ids)
    for model, rows in ((AuthorizationUsage, auth_rows), (CoverageUsage, cov_rows),
                        (PeriodUsage, period_rows)):
        conn.execute(delete(model).where(model.patient_id.in_(ids)))
        if rows:
            conn.execute(insert(model), rows)

