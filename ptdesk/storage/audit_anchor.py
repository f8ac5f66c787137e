"""The audit trail's head, remembered outside the database: so deleting the LAST entries
(which leaves the hash chain of the rest intact) is detected.

The chain (storage/audit_trail.py) catches an entry changed or removed in the middle; it
cannot see the newest entries removed from the end, since what is left is still a valid
chain. So each desk keeps, in an owner-only file in its data folder, the head it last saw
(how many entries, the last id and its hash) per database; a later check requires that entry
to be there with that hash.

Limits, honestly: the file is only as safe as the desk's account (someone who can edit the
database as this account can edit the file too); entries written after the last head was
recorded and then deleted are not seen; a database restored from an older backup is reported
as shortened (which is true). `ptdesk verify-audit` prints the head so a manager can also
keep it somewhere else (paper, another computer).
"""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from ptdesk.storage.models.accounts import AuditEntry
from ptdesk.storage.private_files import FILE_MODE

ANCHOR_FILE = "audit-anchor.json"


@dataclass(frozen=True)
class Head:
    entries: int
    last_id: int | None
    hash: str


@dataclass(frozen=True)
class Anchor:
    head: Head
    seen_at: str  # ISO time, for the words


def read_head(conn: Connection) -> Head:
    count = int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0)
    last = conn.execute(select(AuditEntry.id, AuditEntry.hash)
                        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return Head(count, None, "") if last is None else Head(count, int(last[0]), str(last[1]))


def _load(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_anchor(path: Path, database: str) -> Anchor | None:
    raw = _load(path).get(database)
    if not isinstance(raw, dict):
        return None
    try:
        last_id = raw["last_id"]
        head = Head(int(str(raw["entries"])), None if last_id is None else int(str(last_id)),
                    str(raw["hash"]))
    except (KeyError, ValueError):
        return None
    return Anchor(head, str(raw.get("seen_at", "")))


def save_anchor(path: Path, database: str, head: Head, seen_at: datetime) -> None:
    """Written whole (a temporary file moved into place), readable by the owner only."""
    data = _load(path)
    data[database] = {"entries": head.entries, "last_id": head.last_id, "hash": head.hash,
                      "seen_at": seen_at.isoformat(timespec="seconds")}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
    os.replace(tmp, path)


def anchor_problem(conn: Connection, anchor: Anchor) -> str | None:
    """None when the anchored entry is still there with its hash; else what is wrong."""
    h = anchor.head
    if h.last_id is None:
        return None
    found = conn.execute(select(AuditEntry.hash).where(AuditEntry.id == h.last_id)).scalar()
    when = f" (seen on this computer at {anchor.seen_at})" if anchor.seen_at else ""
    if found is None:
        return (f"entry {h.last_id}, the newest one seen{when}, is gone: entries were "
                "deleted from the end of the trail")
    if found != h.hash:
        return (f"entry {h.last_id} is not the one seen{when}: the end of the trail was "
                "deleted and written again")
    return None
