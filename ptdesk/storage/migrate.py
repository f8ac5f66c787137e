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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from ptdesk.storage.bundled import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"  # Alembic's default, which db_migrations/env.py keeps

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
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(rows) > 1:
        raise RuntimeError(f"the database has several schema heads: {', '.join(rows)}")
    return rows[0] if rows else None


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
        from alembic import command

        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        log.info("database schema upgraded from %s to %s", before, head)
    return UpgradeResult(before, current_revision(engine), backup)
