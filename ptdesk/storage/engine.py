"""Engine and session set-up, the same for SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.storage.audit_trail import (
    append_before_commit,
    collect_changes,
    forget_pending,
    record_bulk_delete,
    record_changes,
)
from ptdesk.storage.concurrency import forget_locks, lock_before_flush, translate
from ptdesk.storage.derived_marks import forget_marks, mark_before_flush, rederive_before_commit
from ptdesk.storage.private_files import private_file

# How long a save waits for another desk's write on SQLite before the desk is told (in words)
# that another desk is saving. Was 15 s: a person at the desk gave up long before.
SQLITE_BUSY_TIMEOUT_S = 2.0
# A dead or unreachable server must not hang start-up (libpq's default is to wait for ever).
PG_CONNECT_TIMEOUT_S = 5


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def connect_args_for(url: URL) -> dict[str, Any]:
    """Driver arguments besides the URL's own query (where sslmode, sslrootcert ... stay, and
    libpq reads them as they are)."""
    if url.get_backend_name() == "sqlite":
        return {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        return {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    return {}


def create_engine_for(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine with ptdesk's connection rules (docs/architecture.md §7)."""
    url = make_url(url)
    # hide_parameters: a failed statement must never put patient data into a log or dialog.
    kwargs: dict[str, Any] = {"echo": echo, "future": True, "hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        # Worker threads share the engine; each connection is used by one thread at a time.
        kwargs["connect_args"] = connect_args_for(url)
        if url.drivername == "sqlite+pysqlcipher":
            # The SQLCipher dialect picks one connection per thread; an encrypted file is
            # pooled like a plain one (storage/cipher.py), each connection keyed on connect.
            kwargs["poolclass"] = pool.QueuePool
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = connect_args_for(url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:") and Path(url.database).parent.is_dir():
        # Owner-only before SQLite creates it; its -wal and -shm files take the same mode.
        private_file(Path(url.database))
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services copy rows into frozen dataclasses after commit.
    factory = sessionmaker(bind=engine, expire_on_commit=False, future=True)
    # Per-patient locks before the first write of a save (storage/concurrency.py).
    event.listen(factory, "before_flush", lock_before_flush)
    event.listen(factory, "after_commit", forget_locks)
    event.listen(factory, "after_rollback", forget_locks)
    # The audit trail: every ORM write, who made it, before and after (storage/audit_trail.py).
    event.listen(factory, "before_flush", collect_changes)
    event.listen(factory, "after_flush", record_changes)
    event.listen(factory, "after_rollback", forget_pending)
    event.listen(factory, "do_orm_execute", record_bulk_delete)
    # Patients whose derived rows a flush made stale are re-derived before the commit
    # (storage/derived_marks.py); before the audit trail's own before_commit, so what the
    # final flush writes is in the trail.
    event.listen(factory, "before_flush", mark_before_flush)
    event.listen(factory, "before_commit", rederive_before_commit)
    event.listen(factory, "after_rollback", forget_marks)
    event.listen(factory, "before_commit", append_before_commit)
    return factory


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close.

    A database error a person can act on (another desk holds the file, the database is
    read-only, the server broke a tie between two desks) leaves as a `DomainError` in words;
    `concurrency.retry_conflicts` around a service method retries the last kind.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        words = translate(exc)
        if words is None:
            raise
        raise words from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
