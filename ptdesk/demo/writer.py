"""Writing a generated clinic fast: Core `insert()` executemany in batches, and for the three
tables that reach millions of rows, the driver's own executemany with values already in their
stored form. Ids are handed out here, so rows can refer to each other before they are written.
"""

from collections.abc import Callable
from datetime import date, time
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    Coverage,
    Patient,
    PatientSearchTerm,
    ServiceLine,
    Visit,
)

_TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (
        Patient,
        PatientSearchTerm,
        Coverage,
        Authorization,
        AuthorizationCode,
        Visit,
        ServiceLine,
    )
)
# The three tables that reach millions of rows go straight to the driver's executemany with
# values already in the column's stored form (dates as ISO text on SQLite, as in SQLAlchemy's
# own SQLite types): SQLAlchemy's per-row parameter processing was a third of the run time.
_RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "patient_search_terms": ("id", "patient_id", "kind", "term"),
    "visits": (
        "id",
        "patient_id",
        "coverage_id",
        "authorization_id",
        "provider_id",
        "assistant_id",
        "visit_date",
        "scheduled_time",
        "status",
        "void_reason",
        "notes",
    ),
    "service_lines": (
        "id",
        "visit_id",
        "line_no",
        "code",
        "minutes",
        "assistant_minutes",
        "units",
        "modifiers",
        "allowed_amount",
    ),
}


class Writer:
    """Rows per table, flushed in foreign-key order with one executemany per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[str, list[Any]] = {t.name: [] for t in _TABLES}
        self.counts: dict[str, int] = dict.fromkeys(self.rows, 0)
        self.next_id: dict[str, int] = {}
        for t in _TABLES:
            top = session.execute(select(func.max(t.c.id))).scalar()
            self.next_id[t.name] = (top or 0) + 1
        dialect = session.get_bind().dialect
        self.dialect = dialect.name
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.raw_sql = {
            name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
            for name, cols in _RAW_COLUMNS.items()
        }
        sqlite = self.dialect == "sqlite"
        self.day: Callable[[date], Any] = date.isoformat if sqlite else _same
        self.clock: Callable[[time], Any] = _sqlite_time if sqlite else _same

    def add(self, table: str, row: dict[str, Any]) -> int:
        row["id"] = new_id = self.next_id[table]
        self.next_id[table] = new_id + 1
        self.rows[table].append(row)
        return new_id

    def add_raw(self, table: str, *values: Any) -> int:
        """A row of a `_RAW_COLUMNS` table, values in column order after the id."""
        new_id = self.next_id[table]
        self.next_id[table] = new_id + 1
        self.rows[table].append((new_id, *values))
        return new_id

    def pending(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def flush(self) -> None:
        conn = self.session.connection()
        for t in _TABLES:
            rows = self.rows[t.name]
            if not rows:
                continue
            if t.name in self.raw_sql:
                conn.exec_driver_sql(self.raw_sql[t.name], rows)
            else:
                conn.execute(insert(t), rows)
            self.counts[t.name] += len(rows)
            rows.clear()

    def fix_sequences(self) -> None:
        """PostgreSQL: ids were given explicitly, so move each serial sequence past them."""
        if self.dialect != "postgresql":
            return
        for name in (*(t.name for t in _TABLES), "payers", "providers"):
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
                )
            )


def _same(value: Any) -> Any:
    return value


def _sqlite_time(value: time) -> str:
    return value.strftime("%H:%M:%S.%f")  # SQLAlchemy's SQLite TIME storage format


