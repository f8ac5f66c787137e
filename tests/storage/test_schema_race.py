"""Two desks upgrading the same database at once both end at head (PostgreSQL: advisory lock
and revision re-read; SQLite: the second waits for the file's write lock); a desk older than
the database says which version to install and opens nothing; a failed upgrade changes
nothing and names the copy taken before it."""

import multiprocessing
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from ptdesk import __version__
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.migrate import (
    WRITTEN_BY_KEY,
    SchemaTooNew,
    UpgradeFailed,
    alembic_config,
    current_revision,
    head_revision,
    migration_connection,
    upgrade_to_head,
)
from tests.services.desk_worker import upgrade


def test_two_desks_upgrading_at_once(empty_db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(upgrade, [empty_db_url, empty_db_url])
    assert results == [head_revision(), head_revision()]
    engine = create_engine_for(empty_db_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            written = conn.execute(text("SELECT value FROM app_settings WHERE key = :k"),
                                   {"k": WRITTEN_BY_KEY}).scalar()
        assert written == __version__
    finally:
        engine.dispose()


def test_older_desk_names_the_version_to_install(migrated_db_url: str) -> None:
    engine = create_engine_for(migrated_db_url)
    try:
        upgrade_to_head(engine)  # records the version that wrote the schema
        with engine.begin() as conn:  # what a newer ptdesk leaves behind
            conn.execute(text("UPDATE alembic_version SET version_num = '0042_from_the_future'"))
            conn.execute(text("UPDATE app_settings SET value = '9.1.0' WHERE key = :k"),
                         {"k": WRITTEN_BY_KEY})
        with pytest.raises(SchemaTooNew) as err:
            upgrade_to_head(engine)
        assert "upgraded by a newer ptdesk (revision 0042_from_the_future)" in err.value.message
        assert "install ptdesk version 9.1.0 or newer" in err.value.message
        assert current_revision(engine) == "0042_from_the_future"  # nothing touched
    finally:
        engine.dispose()


def test_a_failed_upgrade_says_where_the_backup_is_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    cfg = alembic_config()
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003_authorization_workflow")
    real_upgrade = command.upgrade

    def upgrade_then_fail(config: Config, revision: str) -> None:
        real_upgrade(config, revision)  # every revision applied, then something breaks
        raise OSError("disk full")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    try:
        with pytest.raises(UpgradeFailed) as err:
            upgrade_to_head(engine, backup_dir=tmp_path / "backups")
        backups = list((tmp_path / "backups").glob("*before-upgrade-from-0003*"))
        assert len(backups) == 1
        assert str(backups[0]) in err.value.message
        assert "left as it was" in err.value.message
        assert current_revision(engine) == "0003_authorization_workflow"  # rolled back whole
    finally:
        engine.dispose()
