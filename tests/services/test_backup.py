"""Backups: made on demand and once a day, the newest N kept (pre-upgrade copies untouched),
private file modes, a restore that checks the file and keeps the current database aside, the
status bar's words, and the `ptdesk backup` / `ptdesk restore` commands."""

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ptdesk.app.main import main
from ptdesk.services.safekeeping.backups import BackupService
from ptdesk.storage.backup import BackupFailed, NotABackup, check_sqlite_backup, restore_sqlite
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.migrate import upgrade_to_head
from tests.services.auth_fixtures import make_clinic

T0 = datetime(2026, 3, 16, 8, 5)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'data' / 'ptdesk.sqlite3'}")
    (tmp_path / "data").mkdir()
    upgrade_to_head(engine)
    make_clinic(make_session_factory(engine))
    yield engine
    engine.dispose()


def _patients(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
    finally:
        conn.close()


def test_backup_is_a_private_working_copy(sqlite_engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "data" / "backups"
    done = BackupService(make_session_factory(sqlite_engine), folder, Clock()).backup_now()
    assert done.path.parent == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
    assert _patients(done.path) == 2
    assert check_sqlite_backup(done.path)  # intact, ptdesk's, a known revision


def test_daily_backup_once_a_day_and_the_status_words(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    clock = Clock()
    svc = BackupService(make_session_factory(sqlite_engine), tmp_path / "b", clock)
    assert svc.status_text() == "No backup yet"
    assert svc.daily_if_due() is not None
    assert svc.daily_if_due() is None  # second start the same day
    assert svc.status_text() == "Last backup: today 8:05 AM"
    clock.now = T0 + timedelta(days=1, hours=5)
    assert svc.status_text() == "Last backup: yesterday 8:05 AM"
    clock.now = T0 + timedelta(days=3)
    assert svc.status_text() == "Last backup: Mar 16, 2026 8:05 AM  (more than a day old)"
    assert svc.start_of_day() == "Last backup: today 8:05 AM"


def test_keeps_the_newest_n_and_never_the_pre_upgrade_copy(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    pre = folder / "ptdesk-20250101-090000-before-upgrade-from-0004_derived_usage.sqlite3"
    pre.write_bytes(b"")
    clock = Clock()
    svc = BackupService(make_session_factory(sqlite_engine), folder, clock)
    svc.set_keep(3)
    made = []
    for day in range(5):
        clock.now = T0 + timedelta(days=day)
        made.append(svc.daily_if_due())
    names = sorted(p.name for p in folder.iterdir())
    assert pre.exists()
    assert len(names) == 4
    assert all(d is not None and d.path.exists() == (i >= 2) for i, d in enumerate(made))


def test_restore_checks_the_file_and_keeps_the_current_one_aside(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "ptdesk.sqlite3"
    done = BackupService(make_session_factory(sqlite_engine), tmp_path / "b", Clock()).backup_now()
    with sqlite_engine.begin() as conn:
        conn.execute(text("DELETE FROM patients"))
    sqlite_engine.dispose()
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a database")
    with pytest.raises(NotABackup):
        restore_sqlite(garbage, db, T0)
    assert _patients(db) == 0  # a refused restore changes nothing
    aside = restore_sqlite(done.path, db, T0)
    assert _patients(db) == 2
    assert aside is not None
    assert aside.name == "ptdesk.replaced-20260316-080500.sqlite3"
    assert _patients(aside) == 0


def test_restore_refuses_a_newer_database(sqlite_engine: Engine, tmp_path: Path) -> None:
    done = BackupService(make_session_factory(sqlite_engine), tmp_path / "b", Clock()).backup_now()
    conn = sqlite3.connect(done.path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    conn.commit()
    conn.close()
    with pytest.raises(NotABackup, match="newer ptdesk"):
        check_sqlite_backup(done.path)


def test_backup_and_restore_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "clinic"
    assert main(["--data-dir", str(data), "backup", "--keep", "5"]) == 0
    written = capsys.readouterr().out.split("backup written: ")[1].strip()
    assert Path(written).parent == data / "backups"
    assert main(["--data-dir", str(data), "restore", written]) == 0
    assert "kept as" in capsys.readouterr().out
    bad = tmp_path / "x.sqlite3"
    bad.write_text("x")
    assert main(["--data-dir", str(data), "restore", str(bad)]) == 2
    assert "x.sqlite3 is not a" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgres_backup_with_and_without_pg_dump(
    migrated_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not migrated_db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    engine = create_engine_for(migrated_db_url)
    svc = BackupService(make_session_factory(engine), tmp_path / "b", Clock())
    try:
        monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
        with pytest.raises(BackupFailed, match="pg_dump is not installed"):
            svc.backup_now()
        pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
        if not pg_bin and not shutil.which("pg_dump", path=os.defpath):
            pytest.skip("pg_dump is not installed")
        monkeypatch.setenv("PATH", str(pg_bin[-1].parent) if pg_bin else os.defpath)
        done = svc.backup_now()
        assert done.path.suffix == ".pgdump"
        assert done.path.read_bytes()[:5] == b"PGDMP"
        assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
    finally:
        engine.dispose()
