"""The audit trail (issue 12 item 5): every ORM write recorded by the session event, only the
changed columns, append-only in the database, and a hash chain that names the first entry
changed or deleted."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.main import main
from ptdesk.services.accounts.audit_log import AuditFilter, AuditLogService
from ptdesk.storage.audit_trail import verify_chain
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, Patient
from tests.services.auth_fixtures import make_clinic

ROOT = Path(__file__).resolve().parents[2]


def _trail(factory: sessionmaker[Session]) -> list[AuditEntry]:
    with session_scope(factory) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_create_change_delete_recorded_with_only_changed_columns(
        session_factory: sessionmaker[Session]) -> None:
    clinic = make_clinic(session_factory)
    with session_scope(session_factory) as s:
        p = s.get(Patient, clinic.patient_id)
        assert p is not None
        p.phone_mobile = "555-0101"
    with session_scope(session_factory) as s:
        s.add(Patient(chart_number="C9", last_name="Doe", first_name="Jo",
                      date_of_birth=date(1990, 1, 1)))
    with session_scope(session_factory) as s:
        gone = s.scalars(select(Patient).where(Patient.chart_number == "C9")).one()
        s.delete(gone)
    trail = _trail(session_factory)
    assert {e.actor for e in trail} == {"Test manager"}
    creates = [e for e in trail if e.action == "create"]
    assert all(e.row_id for e in creates)  # the new row's id, known after the flush
    assert {e.table_name for e in creates} >= {"payers", "patients", "coverages"}
    change = next(e for e in trail if e.action == "change")
    assert (change.table_name, change.row_id, change.patient_id) == (
        "patients", str(clinic.patient_id), clinic.patient_id)
    assert '"phone_mobile":"555-0101"' in (change.after or "")
    assert "last_name" not in (change.after or "")
    assert "Rivera" not in (change.before or "")
    delete = trail[-1]
    assert delete.action == "delete"
    assert '"chart_number":"C9"' in (delete.before or "")
    with session_scope(session_factory) as s:
        assert verify_chain(s.connection()).intact


def test_the_database_refuses_update_and_delete(session_factory: sessionmaker[Session]) -> None:
    make_clinic(session_factory)
    for sql in ("UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), \
                session_scope(session_factory) as s:
            s.execute(text(sql))


def _drop_guard(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_entries_no_change ON audit_entries"))
        else:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
            conn.execute(text("DROP TRIGGER audit_entries_no_delete"))


def test_chain_names_an_edited_then_a_deleted_entry(
        engine: Engine, session_factory: sessionmaker[Session], migrated_db_url: str,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    make_clinic(session_factory)
    ids = [e.id for e in _trail(session_factory)]
    assert len(ids) >= 5
    assert main(["verify-audit", "--db-url", migrated_db_url, "--data-dir", str(tmp_path)]) == 0
    assert f"intact: {len(ids)} entries" in capsys.readouterr().out
    _drop_guard(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor = 'nobody' WHERE id = :i"),
                     {"i": ids[2]})
    assert main(["verify-audit", "--db-url", migrated_db_url, "--data-dir", str(tmp_path)]) == 1
    assert f"BROKEN at entry {ids[2]}: this entry was changed" in capsys.readouterr().out
    with engine.begin() as conn:  # put it back, then remove another one
        conn.execute(text("UPDATE audit_entries SET actor = 'Test manager' WHERE id = :i"),
                     {"i": ids[2]})
        assert verify_chain(conn).intact
        conn.execute(text("DELETE FROM audit_entries WHERE id = :i"), {"i": ids[3]})
    assert main(["verify-audit", "--db-url", migrated_db_url, "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN at entry {ids[4]}: an entry before it was changed or deleted" in out


def test_audit_page_service_filters_and_export_is_recorded(
        session_factory: sessionmaker[Session]) -> None:
    clinic = make_clinic(session_factory)
    svc = AuditLogService(session_factory)
    rows = svc.entries(AuditFilter(patient_id=clinic.patient_id))
    assert rows
    assert all(r.patient_id == clinic.patient_id for r in rows)
    assert svc.entries(AuditFilter(table_name="payers", action="create"))
    actors, actions, tables = svc.choices()
    assert actors == ("Test manager",)
    assert "create" in actions
    assert "patients" in tables
    csv_text = svc.export_csv(AuditFilter(table_name="patients"))
    assert csv_text.splitlines()[0].startswith("id,at_utc,actor,action")
    assert svc.entries(AuditFilter(action="export"))
    assert svc.verify().intact


@pytest.mark.postgres
def test_two_desks_appending_at_once_keep_one_chain(
        engine: Engine, migrated_db_url: str) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the SQLite file's write lock serializes appends already")
    procs = [subprocess.Popen([sys.executable, str(ROOT / "tests/storage/audit_worker.py"),
                               migrated_db_url, f"desk {n}", "60"], cwd=ROOT)
             for n in range(3)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    with engine.connect() as conn:
        check = verify_chain(conn)
        forks = conn.execute(text("SELECT prev_hash FROM audit_entries GROUP BY prev_hash "
                                  "HAVING count(*) > 1")).all()
    assert check.intact
    assert check.entries == 360  # 3 desks x 60 x (a payer + a print)
    assert not forks


def test_a_bulk_delete_is_recorded_row_by_row(session_factory: sessionmaker[Session]) -> None:
    from dataclasses import replace

    from ptdesk.services.authorizations.status_settings import StatusSettingsService, default_draft

    clinic = make_clinic(session_factory)
    svc = StatusSettingsService(session_factory)
    svc.save_payer(clinic.payer_id, replace(default_draft(), red_visits=1))
    svc.reset_payer(clinic.payer_id)  # session.execute(delete(...)): no flush sees it
    last = _trail(session_factory)[-1]
    assert (last.action, last.table_name) == ("delete", "status_band_settings")
    assert f'"payer_id":{clinic.payer_id}' in (last.before or "")
    with session_scope(session_factory) as s:
        assert verify_chain(s.connection()).intact


def test_a_downgrade_refuses_to_drop_users_or_the_trail(
        engine: Engine, session_factory: sessionmaker[Session]) -> None:
    from alembic import command

    from ptdesk.storage.migrate import alembic_config, current_revision, migration_connection
    from ptdesk.storage.migration_guard import MigrationRefused

    make_clinic(session_factory)
    revision = current_revision(engine)
    count = len(_trail(session_factory))
    cfg = alembic_config()
    def downgrade() -> None:
        with migration_connection(engine) as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008_estimates_desk")

    # the refusal leaves the whole downgrade (every step above 0011 too) rolled back
    with pytest.raises(MigrationRefused, match="audit_entries holds rows"):
        downgrade()
    assert current_revision(engine) == revision
    assert len(_trail(session_factory)) == count
