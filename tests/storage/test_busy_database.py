"""A locked or read-only database is answered in words (a DomainError the forms show), not a
raw driver message; the SQLite wait is the 2 s busy timeout, not 15 s."""

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.concurrency import (
    RETRY_ATTEMPTS,
    DatabaseBusy,
    DatabaseReadOnly,
    WriteConflict,
    retry_conflicts,
)
from ptdesk.storage.engine import (
    SQLITE_BUSY_TIMEOUT_S,
    create_engine_for,
    make_session_factory,
)
from tests.services.auth_fixtures import make_clinic


def _clinic(path: Path) -> tuple[int, int, int]:
    engine = create_engine_for(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    c = make_clinic(factory)
    vid = VisitService(factory).book(VisitDraft(c.patient_id, date(2026, 3, 20),
                                                c.coverage_id)).id
    engine.dispose()
    return c.patient_id, c.coverage_id, vid


@pytest.fixture
def db_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / "clinic.sqlite3"
    path.write_bytes(request.getfixturevalue("_sqlite_template").read_bytes())
    return path


def test_another_desk_mid_write_is_said_in_words(db_file: Path) -> None:
    path = db_file
    _pid, _cov, vid = _clinic(path)
    assert SQLITE_BUSY_TIMEOUT_S <= 2
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another desk holds the write lock
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        with pytest.raises(DatabaseBusy) as err:
            VisitService(make_session_factory(engine)).check_in(
                vid, datetime(2026, 3, 20, 9).astimezone())
        assert "Another desk is saving" in err.value.message
        assert "locked" not in err.value.message  # no raw driver words
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.dispose()


def test_read_only_database_is_said_in_words(db_file: Path) -> None:
    path = db_file
    pid, cov, _vid = _clinic(path)
    engine = create_engine_for(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with pytest.raises(DatabaseReadOnly) as err:
            VisitService(make_session_factory(engine)).book(
                VisitDraft(pid, date(2026, 3, 21), cov))
        assert "read-only" in err.value.message
    finally:
        engine.dispose()


def test_a_read_only_server_is_said_in_words(migrated_db_url: str) -> None:
    if not migrated_db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (SQLite: above)")
    engine = create_engine_for(migrated_db_url)
    try:
        c = make_clinic(make_session_factory(engine))
        with engine.connect() as conn:  # what a standby or a read-only role gives
            conn.execute(text("ALTER DATABASE " + str(engine.url.database)
                              + " SET default_transaction_read_only = on"))
            conn.commit()
        engine.dispose()
        with pytest.raises(DatabaseReadOnly):
            VisitService(make_session_factory(engine)).book(
                VisitDraft(c.patient_id, date(2026, 3, 21), c.coverage_id))
    finally:
        engine.dispose()


def test_conflicts_between_desks_are_retried_then_said() -> None:
    calls = []

    @retry_conflicts
    def save(fail_times: int) -> str:
        calls.append(1)
        if len(calls) <= fail_times:
            raise WriteConflict()
        return "saved"

    assert save(2) == "saved"
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(WriteConflict):
        save(RETRY_ATTEMPTS)
    assert len(calls) == RETRY_ATTEMPTS
