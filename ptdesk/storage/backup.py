"""Backup files of a clinic's database: make one, list them, prune old ones, check one, restore.

SQLite: the online backup API (`sqlite3.Connection.backup`), safe while other desks write (WAL).
PostgreSQL: `pg_dump --format=custom` when the client tools are installed; the password goes
through the environment (PGPASSWORD), never the command line another account could read.
Names: `<db>-YYYYmmdd-HHMMSS-<label>.<ext>`; pruning keeps the newest N of the daily and
manual copies and never touches the copies taken before an upgrade.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from ptdesk.domain.errors import DomainError
from ptdesk.storage.cipher import (
    connect,
    copy_database,
    database_errors,
    export_encrypted,
    is_encrypted,
    key_of,
)
from ptdesk.storage.migrate import known_revisions, sqlite_file
from ptdesk.storage.private_files import private_dir, private_file

PRUNED_LABELS = ("daily", "manual")
_NAME = re.compile(r"^(?P<db>.+)-(?P<stamp>\d{8}-\d{6})-(?P<label>[a-z0-9_.-]+)\.(?P<ext>\w+)$")
_PG_DUMP_TIMEOUT_S = 3600


class BackupFailed(DomainError):
    """No backup could be made (tool missing, folder not writable ...), said in words."""


class NotABackup(DomainError):
    """The file given to restore is not a usable ptdesk database."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    label: str


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def make_backup(engine: Engine, folder: Path, label: str, now: datetime) -> Path:
    """Copy the database into `folder`; returns the file (mode 0600)."""
    private_dir(folder)
    source = sqlite_file(engine)
    if engine.dialect.name == "sqlite":
        if source is None:
            raise BackupFailed("An in-memory database cannot be backed up.")
        target = _free_name(folder / f"{source.stem}-{_stamp(now)}-{label}{source.suffix}")
        _sqlite_copy(engine, target)
    elif engine.dialect.name == "postgresql":
        target = _free_name(folder / f"{engine.url.database}-{_stamp(now)}-{label}.pgdump")
        _pg_dump(engine, target)
    else:
        raise BackupFailed(f"ptdesk cannot back up a {engine.dialect.name} database.")
    os.chmod(target, 0o600)
    return target


def _free_name(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
    return candidate


def _sqlite_copy(engine: Engine, target: Path) -> None:
    private_file(target)  # owner-only before a byte of patient data is written
    raw = engine.raw_connection()
    try:
        # An encrypted database gives an encrypted copy, under the same key.
        copy_database(raw.driver_connection, target, key_of(engine))
    except Exception:
        target.unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def _pg_dump(engine: Engine, target: Path) -> None:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupFailed("pg_dump is not installed on this computer, so ptdesk cannot back "
                           "up the server database. Install the PostgreSQL client tools "
                           "(Debian/Ubuntu: apt install postgresql-client) or ask whoever "
                           "runs the server for its backups.")
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        done = subprocess.run(  # a fixed tool, arguments as a list (no shell)
            [tool, "--format=custom", f"--file={target}", f"--dbname={dsn}"],
            env=env, capture_output=True, text=True, timeout=_PG_DUMP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        target.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump did not finish: {exc}") from None
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupFailed(f"pg_dump failed: {last}")


def list_backups(folder: Path) -> list[BackupFile]:
    """The backup files in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if m is None or not path.is_file():
            continue
        # the desk's wall-clock time, as written in the name (naive on purpose)
        taken = datetime.strptime(m.group("stamp"), "%Y%m%d-%H%M%S")  # noqa: DTZ007
        found.append(BackupFile(path, taken, m.group("label").split(".")[0]))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily/manual backups; returns what was deleted."""
    mine = [b for b in list_backups(folder) if b.label in PRUNED_LABELS]
    gone = [b.path for b in mine[max(keep, 1):]]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def check_sqlite_backup(path: Path, key: bytes | None = None) -> str:
    """A restorable ptdesk database: intact, ptdesk's tables, a revision this ptdesk knows.
    `key` opens an encrypted one. Returns the revision."""
    if not path.is_file():
        raise NotABackup(f"{path} is not a file.")
    if is_encrypted(path) and key is None:
        raise NotABackup(f"{path.name} is encrypted: give its passphrase or recovery key.")
    try:
        conn = connect(path, key if is_encrypted(path) else None, read_only=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master "
                                                 "WHERE type = 'table'")}
            rows = (conn.execute("SELECT version_num FROM alembic_version").fetchall()
                    if "alembic_version" in tables else [])
        finally:
            conn.close()
    except database_errors() as exc:
        if is_encrypted(path):
            raise NotABackup(f"{path.name} is encrypted with another key: give the recovery "
                             "key printed when that database was encrypted.") from None
        raise NotABackup(f"{path.name} is not a readable SQLite database ({exc}).") from None
    if not ok or ok[0] != "ok":
        raise NotABackup(f"{path.name} is damaged (integrity check: {ok[0] if ok else '?'}).")
    if not {"patients", "visits", "alembic_version"} <= tables or len(rows) != 1:
        raise NotABackup(f"{path.name} is not a ptdesk database.")
    revision = str(rows[0][0])
    if revision not in known_revisions():
        raise NotABackup(f"{path.name} was written by a newer ptdesk (revision {revision}); "
                         "install that version to restore it.")
    return revision


def restore_sqlite(backup: Path, database: Path, now: datetime, *, key: bytes | None = None,
                   backup_key: bytes | None = None) -> Path | None:
    """Put `backup` in place of `database`; the current file is kept aside, renamed with the
    time (returned), never overwritten. Other desks must have closed the database.

    `key`: the clinic's key when its database is encrypted; the restored file is then
    encrypted with it, whatever the backup was. `backup_key` opens an encrypted backup
    (without `key`, the restored file keeps the backup's own key)."""
    backup_key = backup_key if is_encrypted(backup) else None
    check_sqlite_backup(backup, backup_key)
    aside = None
    if database.exists():
        # Fold the write-ahead log into the file first, so the copy kept aside is complete.
        try:
            conn = connect(database, key if is_encrypted(database) else None, timeout=2)
        except database_errors() as exc:
            raise BackupFailed(f"The database in use cannot be opened ({exc}).") from None
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except database_errors() as exc:
            raise BackupFailed(f"Another desk is using the database ({exc}); close ptdesk "
                               "everywhere, then restore.") from None
        finally:
            conn.close()
        aside = _free_name(database.with_name(
            f"{database.stem}.replaced-{_stamp(now)}{database.suffix}"))
        database.rename(aside)
        for extra in ("-wal", "-shm"):
            Path(f"{database}{extra}").unlink(missing_ok=True)
    if key is not None and backup_key != key:
        # a plain backup (or one under another key) comes back under the clinic's key
        export_encrypted(backup, backup_key, database, key, begin="BEGIN")
        return aside
    private_file(database)
    src = connect(backup, backup_key, read_only=True)
    try:
        copy_database(src, database, backup_key)
    finally:
        src.close()
    return aside
