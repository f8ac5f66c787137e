"""The bulk paths of a big import: rows straight to the driver's executemany, and the derived
counts of many patients rewritten with one statement per table per batch.

The derivation is the app's own (`auth_records`: `patient_records`, `allocate`, `usage_rows`,
the visit -> authorization rule of `reallocate`); only the writing is batched, so imported
visits count and project exactly like visits entered in the app.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, delete, insert, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ptdesk.domain.money import to_cents
from ptdesk.domain.visit_allocation import allocate
from ptdesk.services.authorizations.board_inputs import board_inputs_row
from ptdesk.services.authorizations.patient_data import PatientData
from ptdesk.services.authorizations.records import KnownVisits, load_patients, patient_records
from ptdesk.services.authorizations.usage_rows import usage_rows
from ptdesk.storage.derived_marks import derived
from ptdesk.storage.models import (
    AuthorizationUsage,
    BoardInputs,
    CoverageUsage,
    PeriodUsage,
    Visit,
)

WRITE_BATCH = 5000
# Money and percentage columns stored as integer hundredths (storage.types Cents/BasisPoints).
CENTS_COLUMNS = frozenset({"allowed_amount", "deductible", "deductible_met", "copay",
                           "coinsurance_bp", "oop_max", "oop_met", "therapy_amount_elsewhere"})


Convert = Callable[[Any], object]


def _same(v: Any) -> object:
    return v


def _enum(v: Any) -> object:
    return v.value if isinstance(v, Enum) else v


def _iso_day(v: Any) -> object:
    return v.isoformat() if v is not None else None


def _iso_time(v: Any) -> object:  # SQLAlchemy's SQLite TIME storage format
    return v.strftime("%H:%M:%S.%f") if v is not None else None


def _cents(v: Any) -> object:
    if v is None:
        return None
    return to_cents(Decimal(v))  # the project's one rounding rule (domain.money)


def _converters(rows: Sequence[Sequence[object]], columns: Sequence[str],
                sqlite: bool) -> list[Convert]:
    """One converter per column, chosen from the column's first non-empty value."""
    out: list[Convert] = []
    for i, col in enumerate(columns):
        sample = next((r[i] for r in rows if r[i] is not None), None)
        if col in CENTS_COLUMNS:
            out.append(_cents)
        elif isinstance(sample, Enum):
            out.append(_enum)
        elif sqlite and isinstance(sample, datetime):
            out.append(lambda v: v.isoformat(" ") if v is not None else None)
        elif sqlite and isinstance(sample, date):
            out.append(_iso_day)
        elif sqlite and isinstance(sample, time):
            out.append(_iso_time)
        else:
            out.append(_same)
    return out


class _Memo(dict[object, object]):
    def __init__(self, convert: Convert) -> None:
        super().__init__()
        self._convert = convert

    def __missing__(self, value: object) -> object:
        out = self[value] = self._convert(value)
        return out


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
    conv = _converters(rows, columns, sqlite)
    plain = all(c is _same for c in conv)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cols = list(columns)
    ids: list[int] = []
    if want_ids and not sqlite:
        ids = [int(r[0]) for r in conn.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": len(rows)})]
        cols = ["id", *cols]
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
    # A column's values repeat (days, statuses, amounts): each distinct one converted once.
    memos = [None if f is _same else _Memo(f) for f in conv]
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start:start + WRITE_BATCH]
        if plain and not ids:
            vals: list[tuple[object, ...]] = [tuple(r) for r in chunk]
        else:
            by_column: list[list[object]] = [
                list(col) if m is None else list(map(m.__getitem__, col))
                for m, col in zip(memos, zip(*chunk, strict=True), strict=True)]
            if ids:
                by_column.insert(0, list(ids[start:start + len(chunk)]))
            vals = list(zip(*by_column, strict=True))
        conn.exec_driver_sql(sql, vals)
    if want_ids and sqlite:
        got = conn.exec_driver_sql(f"SELECT id FROM {table} ORDER BY id DESC LIMIT ?",
                                   (len(rows),)).fetchall()
        ids = [int(r[0]) for r in reversed(got)]
    return ids


def derive(s: Session, patient_ids: Sequence[int],
           transform: Callable[[PatientData], PatientData] | None = None,
           known: KnownVisits | None = None) -> None:
    """Recompute the derived allocation and usage of these patients (one batch); `transform`
    changes what is counted first (the board as of another day); `known`: see
    `auth_records.load_patients`."""
    datas = load_patients(s, patient_ids, known)
    if transform is not None:
        datas = {pid: transform(d) for pid, d in datas.items()}
    changed: list[dict[str, object]] = []
    auth_rows: list[dict[str, object]] = []
    cov_rows: list[dict[str, object]] = []
    period_rows: list[dict[str, object]] = []
    board_rows: list[dict[str, object]] = []
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
        board_rows.append(board_inputs_row(data, a, c, p))
    conn = s.connection()
    if changed:
        t = Visit.__table__
        conn.execute(update(t).where(t.c.id == bindparam("vid"))  # type: ignore[arg-type]
                     .values(authorization_id=bindparam("aid")), changed)
    ids = list(patient_ids)
    for model, rows in ((AuthorizationUsage, auth_rows), (CoverageUsage, cov_rows),
                        (PeriodUsage, period_rows), (BoardInputs, board_rows)):
        conn.execute(delete(model).where(model.patient_id.in_(ids)))
        if rows:
            conn.execute(insert(model), rows)
    derived(s, ids)

