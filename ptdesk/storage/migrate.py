"""Schema upgrades through Alembic, with a backup of the database file first.

The app calls `upgrade_to_head` at start-up; tests call it on empty databases. Alembic runs on
the caller's connection (`config.attributes["connection"]`), so an in-memory or already-open
database is upgraded in place, and `db_migrations/env.py` never builds an engine of its own.
"""

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ptdesk.storage.bundled import migrations_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str | None
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind a SQLite engine, or None (server or in-memory database)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite_file(engine: Engine, backup_dir: Path, label: str) -> Path | None:
    """Copy the database file (with the SQLite online-backup API, safe under WAL)."""
    source = sqlite_file(engine)
    if source is None or not source.exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{source.stem}-{stamp}-{label}{source.suffix}"
    raw = engine.raw_connection()
    try:
        import sqlite3

        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
        finally:
            dest.close()
    finally:
        raw.close()
    if not target.exists():  # pragma: no cover - backup API always writes the file
        shutil.copy2(source, target)
    return target


def upgrade_to_head(engine: Engine, *, backup_dir: Path | None = None) -> UpgradeResult:
    """Bring the schema to the newest revision; back up an existing file database first."""
    before = current_revision(engine)
    head = head_revision()
    backup = None
    if before != head and before is not None and backup_dir is not None:
        backup = backup_sqlite_file(engine, backup_dir, f"before-upgrade-from-{before}")
        log.info("database backed up before upgrade to %s", backup)
    if before != head:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("database schema upgraded from %s to %s", before, head)
    return UpgradeResult(before, current_revision(engine), backup)
