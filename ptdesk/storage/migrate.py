"""Schema upgrades through Alembic, with a backup of the database file first.

The app calls `upgrade_to_head` at start-up; tests call it on empty databases. Alembic runs on
the caller's connection (`config.attributes["connection"]`), so an in-memory or already-open
database is upgraded in place, and `db_migrations/env.py` never builds an engine of its own.

Start-up speed (issue 3): Alembic (with mako and its dialect modules) costs ~150 ms to import and
more to load its script directory, only to learn that the database is already current. So the
head is read straight from the revision files (`revision = "..."`, `down_revision = "..."`)
and the database's revision with one SELECT; Alembic is imported only when there is work to do,
or when the revision files are anything but a plain chain (then it decides, as before).
"""

import logging
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from ptdesk import __version__
from ptdesk.domain.errors import DomainError
from ptdesk.storage.bundled import migrations_dir
from ptdesk.storage.private_files import private_dir, private_file

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"  # Alembic's default, which db_migrations/env.py keeps
WRITTEN_BY_KEY = "ptdesk.schema_written_by"  # app_settings: the version that last upgraded
SCHEMA_LOCK_KEY = 0x7074_6465_736B  # pg_advisory_xact_lock key of schema upgrades ("ptdesk")

# `revision: str = "0005_x"` / `down_revision: str | Sequence[str] | None = "0004_y"` (or None),
# as Alembic's script template writes them, at the start of a line.
_ASSIGN = r"^{name}\s*(?::[^=\n]*)?=\s*(?P<value>None|'[^'\n]*'|\"[^\"\n]*\")\s*(?:#.*)?$"
_REVISION = re.compile(_ASSIGN.format(name="revision"), re.MULTILINE)
_DOWN_REVISION = re.compile(_ASSIGN.format(name="down_revision"), re.MULTILINE)
_OTHER_LINKS = re.compile(
    r"^(?:branch_labels|depends_on)\s*(?::[^=\n]*)?=(?P<value>.*)$", re.MULTILINE
)


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str | None
    backup: Path | None
    rebuilt_derived: bool = False

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config() -> "Config":
    from alembic.config import Config

    # stdout given explicitly: Config's default is the sys.stdout of the moment alembic was
    # first imported, which may since have been replaced and closed (a captured test, a GUI).
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def _unquote(value: str) -> str | None:
    return None if value == "None" else value[1:-1]


def plain_chain_head(versions_dir: Path) -> str | None:
    """The head of the revision files read as text, or None when that is not certain.

    Certain means: every `*.py` file there names one `revision` and at most one
    `down_revision`, no branch labels or `depends_on`, and the links form a single chain from
    one base to one head. Anything else (a merge, a branch, a file written by hand in another
    style, compiled files only) returns None, and the caller asks Alembic.
    """
    parents: dict[str, str | None] = {}
    files = [
        f
        for f in versions_dir.glob("*.py")
        if f.name != "__init__.py" and not f.name.startswith(".#")
    ]
    if not files:
        return None
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        revisions = _REVISION.findall(source)
        downs = _DOWN_REVISION.findall(source)
        links = [v.split("#")[0].strip() for v in _OTHER_LINKS.findall(source)]
        if len(revisions) != 1 or len(downs) != 1 or any(v != "None" for v in links):
            return None
        revision = _unquote(revisions[0])
        if not revision or revision in parents:
            return None
        parents[revision] = _unquote(downs[0])
    children: dict[str | None, int] = {}
    for parent in parents.values():
        children[parent] = children.get(parent, 0) + 1
    if children.get(None) != 1 or any(n > 1 for n in children.values()):
        return None  # several bases, or a branch point
    if any(p is not None and p not in parents for p in parents.values()):
        return None  # a link to a revision that is not there
    heads = [r for r in parents if r not in children]
    if len(heads) != 1:
        return None
    # Walk back from the head: a single chain reaches every revision exactly once.
    node: str | None = heads[0]
    seen = 0
    while node is not None and seen <= len(parents):
        seen, node = seen + 1, parents[node]
    return heads[0] if seen == len(parents) and node is None else None


def alembic_head_revision() -> str | None:
    """The head as Alembic computes it (imports Alembic and loads every revision module)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def head_revision() -> str | None:
    return plain_chain_head(migrations_dir() / "versions") or alembic_head_revision()


def current_revision(engine: Engine) -> str | None:
    """The database's revision, read the way Alembic does: None when it has no version table."""
    with engine.connect() as conn:
        return _read_revision(conn)


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
    private_dir(backup_dir)
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = private_file(backup_dir / f"{source.stem}-{stamp}-{label}{source.suffix}")
    from ptdesk.storage.cipher import copy_database, key_of

    raw = engine.raw_connection()
    try:
        # an encrypted database's copy is encrypted with the same key
        copy_database(raw.driver_connection, target, key_of(engine))
    finally:
        raw.close()
    if not target.exists():  # pragma: no cover - backup API always writes the file
        shutil.copy2(source, target)
    return target


class SchemaTooNew(DomainError):
    """The database was upgraded by a newer ptdesk: this one opens nothing."""


class UpgradeFailed(DomainError):
    """The upgrade stopped; the database is as it was (one transaction) and a copy exists."""


def known_revisions(versions_dir: Path | None = None) -> set[str]:
    """Every revision this ptdesk ships, read from the revision files (no Alembic import)."""
    folder = versions_dir or migrations_dir() / "versions"
    found: set[str] = set()
    for path in folder.glob("*.py"):
        try:
            match = _REVISION.search(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if match and (rev := _unquote(match.group("value"))):
            found.add(rev)
    return found


def _read_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the database has several schema heads: {', '.join(rows)}")
    return rows[0] if rows else None


def _written_by(conn: Connection) -> str | None:
    """The ptdesk version that last upgraded this database (app_settings), if recorded."""
    if not inspect(conn).has_table("app_settings"):
        return None
    value = conn.execute(text("SELECT value FROM app_settings WHERE key = :k"),
                         {"k": WRITTEN_BY_KEY}).scalar()
    return str(value) if value else None


def _record_written_by(conn: Connection) -> None:
    params = {"k": WRITTEN_BY_KEY, "v": __version__}
    if conn.execute(text("UPDATE app_settings SET value = :v WHERE key = :k"), params).rowcount:
        return
    conn.execute(text("INSERT INTO app_settings (key, value) VALUES (:k, :v)"), params)


def check_not_newer(conn: Connection, revision: str | None) -> None:
    """Refuse a database whose revision this ptdesk does not know (a newer desk upgraded it):
    opening it would write rows an older program does not understand."""
    if revision is None or revision in known_revisions():
        return
    version = _written_by(conn)
    need = f"install ptdesk version {version} or newer" if version else "install a newer ptdesk"
    raise SchemaTooNew(f"This database was upgraded by a newer ptdesk (revision {revision}); "
                       f"{need}. This ptdesk is version {__version__}; nothing was opened.")


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """One connection and one transaction for a whole schema change, made safe for it.

    SQLite: `PRAGMA foreign_keys` is a no-op inside a transaction, so it is turned off before
    an explicit BEGIN on a driver connection in autocommit mode (the pysqlite driver would
    otherwise commit DDL piecemeal); the batch rebuilds then cannot cascade into child tables,
    and `PRAGMA foreign_key_check` must find nothing before COMMIT, or everything is rolled
    back. The connection is thrown away afterwards (foreign keys off must not leak into the
    pool). PostgreSQL: DDL is transactional already; an advisory lock makes two desks
    upgrading at once take turns (the caller re-reads the revision after it).
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            raw = conn.connection.driver_connection
            raw.isolation_level = None  # type: ignore[union-attr]
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
            # another desk upgrading the same file: wait for it (then find the schema current)
            raw.execute("PRAGMA busy_timeout=120000")  # type: ignore[union-attr]
            raw.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
                yield conn
                if sqlite:
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        tables = sorted({str(r[0]) for r in bad})
                        raise RuntimeError(f"{len(bad)} rows would refer to missing rows "
                                           f"({', '.join(tables)}); upgrade rolled back")
        finally:
            if sqlite:
                conn.invalidate()


def _crossed_derived(cfg: "Config", before: str | None) -> bool:
    """Did the upgrade pass a revision that changes what the usage tables derive from?
    (A revision says so with `rebuilds_derived_usage = True`; future ones are picked up.)"""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)
    return any(getattr(rev.module, "rebuilds_derived_usage", False)
               for rev in script.iterate_revisions("heads", before or "base")
               if rev.revision != before)


def upgrade_to_head(
    engine: Engine,
    *,
    backup_dir: Path | None = None,
    rebuild_derived: Callable[[Connection], object] | None = None,
) -> UpgradeResult:
    """Bring the schema to the newest revision; back up an existing file database first.

    `rebuild_derived(conn)` recomputes the derived usage rows inside the upgrade's transaction
    when the upgrade crossed a revision that changes what they derive from (the services own
    that computation; storage cannot import them).
    """
    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return UpgradeResult(before, before, None)
    if before is not None:
        with engine.connect() as conn:
            check_not_newer(conn, before)
    backup = None
    if before is not None and backup_dir is not None:
        backup = backup_sqlite_file(engine, backup_dir, f"before-upgrade-from-{before}")
        log.info("database backed up before upgrade to %s", backup)
    from alembic import command

    cfg = alembic_config()
    rebuilt = False
    try:
        with migration_connection(engine) as conn:
            before = _read_revision(conn)  # another desk may have upgraded while we waited
            if before != head:
                check_not_newer(conn, before)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if rebuild_derived is not None and _crossed_derived(cfg, before):
                    rebuild_derived(conn)
                    rebuilt = True
                _record_written_by(conn)
    except (SchemaTooNew, UpgradeFailed):
        raise
    except Exception as exc:
        log.exception("schema upgrade from %s failed", before)
        where = (f" A copy of the database from before the upgrade is at {backup}."
                 if backup else "")
        raise UpgradeFailed(f"The database could not be upgraded from {before} to {head} "
                            f"({type(exc).__name__}: {exc}); it was left as it was.{where}"
                            ) from exc
    log.info("database schema upgraded from %s to %s", before, head)
    return UpgradeResult(before, current_revision(engine), backup, rebuilt)
