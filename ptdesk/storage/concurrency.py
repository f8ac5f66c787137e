"""Several desks writing at once: per-patient locks, database errors in words, retries.

Why a per-patient lock: every save that touches a patient's visits or authorizations rewrites
that patient's derived rows (visits.authorization_id, the usage tables). On PostgreSQL two
overlapping saves for one patient both deleted and re-inserted the same usage rows and one
failed with a duplicate key. Taking `pg_advisory_xact_lock(space, patient_id)` before the first
write of a transaction makes the second save wait for the first to commit, then read its rows.
The lock is taken in `before_flush` (the first write of an ORM save) and by the allocation code
(`lock_patients`), always before any row of the patient is written, so two saves never hold
each other's rows (no deadlock). SQLite needs none of this: a write transaction locks the file.

What is left (a serialization failure, a deadlock the server broke) is retried by
`retry_conflicts` around a service method, and what a person must hear about (the database is
locked by another desk for longer than the busy timeout, or read-only) becomes a `DomainError`
the forms show next to their fields, so nothing typed is lost.
"""

import logging
import random
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ptdesk.domain.errors import DomainError

log = logging.getLogger(__name__)

# First key of the two-int advisory lock: keeps patient locks apart from other advisory locks
# (the schema upgrade uses a one-bigint key, a separate key space in PostgreSQL).
PATIENT_LOCK_SPACE = 0x7D01
_LOCKED_KEY = "ptdesk.locked_patients"
RETRY_ATTEMPTS = 6

P = ParamSpec("P")
R = TypeVar("R")


class DatabaseBusy(DomainError):
    """Another desk holds the database (SQLite) longer than the busy timeout. `retryable`:
    the forms say so at once and try the same save again by themselves (the UI cannot import
    this class, so it reads the attribute)."""

    retryable = True

    def __init__(self, message: str = "Another desk is saving; trying again did not help "
                 "yet. Nothing you typed is lost: press Save again in a moment.") -> None:
        super().__init__(message)


class WriteConflict(DatabaseBusy):
    """The server broke a tie between two desks (serialization failure or deadlock): the
    save is retried as a whole by `retry_conflicts`."""


class DatabaseReadOnly(DomainError):
    """The database cannot be written (a read-only file or share, a read-only server)."""

    def __init__(self) -> None:
        super().__init__("This database is read-only: ptdesk cannot save here. Nothing you "
                         "typed is lost; ask whoever manages the computer for write access.")


_READ_ONLY_WORDS = ("readonly database", "read-only", "read only transaction")
_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")
_CONFLICT_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_READ_ONLY_STATES = {"25006"}  # read_only_sql_transaction


def translate(exc: DBAPIError) -> DomainError | None:
    """The words for a database error a person can act on, or None (a real fault)."""
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    message = str(orig).lower()
    if state in _CONFLICT_STATES:
        return WriteConflict()
    if state in _READ_ONLY_STATES or any(w in message for w in _READ_ONLY_WORDS):
        return DatabaseReadOnly()
    if any(w in message for w in _BUSY_WORDS):
        return DatabaseBusy()
    return None


def retry_conflicts(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a whole unit of work again when the server reports a conflict between desks.

    The decorated function must open its own transaction (a service method does) and have no
    effect outside the database, so running it again is safe. A person never sees a conflict
    unless it persists over several attempts.
    """

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                return fn(*args, **kwargs)
            except WriteConflict:
                if attempt == RETRY_ATTEMPTS:
                    raise
                log.info("write conflict in %s, attempt %d; retrying", fn.__name__, attempt)
                time.sleep(random.uniform(0.005, 0.02) * attempt)  # jitter only, not security
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def _is_postgres(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"


def lock_patients(session: Session, patient_ids: Iterable[int | None]) -> None:
    """Hold each patient's advisory lock until the transaction ends (PostgreSQL; a no-op on
    SQLite, whose write lock covers the whole file). In id order, so two desks locking the
    same patients cannot wait on each other in a circle."""
    if not _is_postgres(session):
        return
    held: set[int] = session.info.setdefault(_LOCKED_KEY, set())
    for pid in sorted({p for p in patient_ids if p is not None} - held):
        session.connection().execute(
            text("SELECT pg_advisory_xact_lock(:space, :pid)"),
            {"space": PATIENT_LOCK_SPACE, "pid": pid},
        )
        held.add(pid)


def insert_ignore(conn: Connection, model: type[Any], values: dict[str, object]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on either backend (a row two desks may both create)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(model).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(model).values(**values).on_conflict_do_nothing())


def patient_of(session: Session, obj: Any) -> int | None:
    """The patient a changed row belongs to, from its own columns or one parent lookup."""
    from ptdesk.storage.models import Authorization, Coverage, Patient, Visit

    if isinstance(obj, Patient):
        return obj.id
    pid = getattr(obj, "patient_id", None)
    if pid is not None:
        return int(pid)
    conn = session.connection()
    visit = getattr(obj, "visit", None)
    if visit is not None and getattr(visit, "patient_id", None) is not None:
        return int(visit.patient_id)
    if getattr(obj, "visit_id", None) is not None:
        return conn.execute(select(Visit.patient_id).where(Visit.id == obj.visit_id)).scalar()
    if getattr(obj, "coverage_id", None) is not None:
        return conn.execute(
            select(Coverage.patient_id).where(Coverage.id == obj.coverage_id)
        ).scalar()
    if getattr(obj, "authorization_id", None) is not None:
        return conn.execute(
            select(Coverage.patient_id)
            .join(Authorization, Authorization.coverage_id == Coverage.id)
            .where(Authorization.id == obj.authorization_id)
        ).scalar()
    return None


def lock_before_flush(session: Session, _context: object, _instances: object) -> None:
    """`before_flush`: lock the patients whose rows this flush writes (PostgreSQL)."""
    if not _is_postgres(session):
        return
    changed = list(session.new) + list(session.dirty) + list(session.deleted)
    if not changed:
        return
    with session.no_autoflush:
        lock_patients(session, (patient_of(session, o) for o in changed))


def forget_locks(session: Session, *_args: object) -> None:
    """After commit/rollback the advisory locks are gone: forget them."""
    session.info.pop(_LOCKED_KEY, None)
