"""The audit trail: every ORM write recorded by a session event, chained by sha256.

Session events on the project's session factory (storage/engine.py) note every ORM create,
change and delete (`collect_changes`, `record_changes`, `record_bulk_delete`) and chain them
onto the trail just before the commit (`append_before_commit`), so every service's writes
are recorded without the service knowing.
Sign-ins, locks, prints and exports are not row writes: `append_event` records them.

Chain: hash = sha256(previous hash + canonical JSON of the entry). Appends take a lock first
(PostgreSQL: a transaction advisory lock; SQLite: the file's write lock, which the flush
already holds, or a no-op write that takes it) so two desks never chain onto the same entry.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Result, Table, insert, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from ptdesk.storage.actor import current_actor
from ptdesk.storage.models.accounts import AuditEntry

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x7074_6175_6474  # pg_advisory_xact_lock key of audit appends ("ptaudt")
# Derived or bulk reference rows: rebuilt from the audited rows, or a whole imported table
# (its RuleImport row is audited). Recording them would bury the trail in noise.
UNAUDITED_TABLES = frozenset({
    "audit_entries", "change_counters", "patient_search_terms", "authorization_usage",
    "coverage_usage", "period_usage", "patient_changes", "imported_mue", "imported_ptp",
})
# A row created here is a person overriding a decision: recorded as "override", not "create".
OVERRIDE_TABLES = frozenset({"visit_overrides"})
# Never written to the trail (HIPAA: secrets are not logged). A change says only "changed".
SECRET_COLUMNS = frozenset({"password_hash", "pin_hash"})
_NOT_RECORDED = "(changed, not recorded)"
_PENDING_KEY = "ptdesk.audit_pending"
_EVENTS_KEY = "ptdesk.audit_events"


@dataclass(frozen=True)
class Event:
    action: str
    table_name: str | None = None
    row_id: str | None = None
    patient_id: int | None = None
    before: Mapping[str, object] | None = None
    after: Mapping[str, object] | None = None


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    return value


def canonical(values: Mapping[str, object] | None) -> str | None:
    if values is None:
        return None
    return json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False, default=str)


def utc_text(at: datetime) -> str:
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, table_name: str | None,
               row_id: str | None, patient_id: int | None, before: str | None,
               after: str | None) -> str:
    body = json.dumps([utc_text(at), actor, action, table_name, row_id, patient_id, before,
                       after], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _lock_chain(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})
    else:
        # Take SQLite's write lock before reading the last hash (a deferred transaction
        # that only read would race another desk's append and be refused).
        conn.execute(text("UPDATE change_counters SET value = value WHERE name = 'audit'"))


def append(conn: Connection, events: Iterable[Event], actor_name: str | None = None) -> int:
    """Chain `events` onto the trail inside the caller's transaction; how many were added."""
    events = list(events)
    if not events:
        return 0
    if actor_name is None:
        actor = current_actor()
        actor_name = actor.name if actor else "system"
    _lock_chain(conn)
    prev = conn.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar() or GENESIS
    at = datetime.now(UTC).replace(microsecond=0)
    rows = []
    for ev in events:
        before, after = canonical(ev.before), canonical(ev.after)
        h = entry_hash(prev, at, actor_name, ev.action, ev.table_name, ev.row_id,
                       ev.patient_id, before, after)
        rows.append({"at": at, "actor": actor_name, "action": ev.action,
                     "table_name": ev.table_name, "row_id": ev.row_id,
                     "patient_id": ev.patient_id, "before": before, "after": after,
                     "prev_hash": prev, "hash": h})
        prev = h
    for row in rows:  # one by one: ids must follow the chain's order
        conn.execute(insert(AuditEntry), row)
    return len(rows)


def _columns(obj: Any) -> Iterator[tuple[str, str]]:
    """(attribute key, column name) of a mapped object's own columns."""
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        yield attr.key, attr.columns[0].name


def _row_id(obj: Any) -> str | None:
    # The identity key is set only after the flush ends; the primary key is there already.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    if not key or all(p is None for p in key):
        return None
    return "/".join(str(p) for p in key)


def _patient(obj: Any) -> int | None:
    if obj.__tablename__ == "patients":
        return int(obj.id) if obj.id is not None else None
    pid = getattr(obj, "patient_id", None)
    return int(pid) if isinstance(pid, int) else None


def _event_for(obj: Any, kind: str) -> Event | None:
    table = getattr(obj, "__tablename__", None)
    if table is None or table in UNAUDITED_TABLES:
        return None
    state = inspect(obj)
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for key, column in _columns(obj):
        if kind == "create":
            value = state.dict.get(key)  # loaded values only: no SELECT inside a flush
            if value is not None:
                after[column] = _NOT_RECORDED if column in SECRET_COLUMNS else value
        elif kind == "delete":
            value = state.attrs[key].loaded_value
            if value is not None and column not in SECRET_COLUMNS:
                before[column] = value
        else:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
            if column in SECRET_COLUMNS:
                after[column] = _NOT_RECORDED
                continue
            before[column], after[column] = old, new
    if kind == "change":
        if not after:
            return None
        status = after.get("status")
        if status is not None and str(_plain(status)) == "voided":
            kind = "void"
    if kind == "create" and table in OVERRIDE_TABLES:
        kind = "override"  # a decision overridden (check-in stop, session errors): its own word
    return Event(kind, table, _row_id(obj), _patient(obj), before or None, after or None)


def collect_changes(session: Session, _context: object, _instances: object) -> None:
    """`before_flush`: note what this flush will change, while the old values are known."""
    pending: list[tuple[Any, str, Event | None]] = session.info.setdefault(_PENDING_KEY, [])
    for obj in session.new:
        pending.append((obj, "create", None))  # values (and the id) are known after the flush
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            pending.append((obj, "change", _event_for(obj, "change")))
    for obj in session.deleted:
        pending.append((obj, "delete", _event_for(obj, "delete")))


def record_changes(session: Session, _context: object) -> None:
    """`after_flush`: the flushed writes become events (new rows have their ids now); they
    are chained onto the trail just before the commit (`append_before_commit`)."""
    pending = session.info.pop(_PENDING_KEY, [])
    events: list[Event] = session.info.setdefault(_EVENTS_KEY, [])
    for obj, kind, ev in pending:
        ev = ev if kind != "create" else _event_for(obj, "create")
        if ev is not None:
            events.append(ev)


def append_before_commit(session: Session) -> None:
    """`before_commit`: flush what is left, then append this transaction's events.

    Why at the end and not at each flush: the append takes the trail's lock (PostgreSQL: an
    advisory lock held to the commit). Taken last, no desk ever holds it while waiting for a
    patient's lock, so two desks cannot wait on each other (a deadlock)."""
    session.flush()
    events = session.info.pop(_EVENTS_KEY, [])
    if events:
        append(session.connection(), events)


def forget_pending(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_EVENTS_KEY, None)


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(conn: Connection, batch: int = 2000) -> ChainCheck:
    """Walk the trail in order; the first entry whose link or hash does not hold is named."""
    prev, count, last_id = GENESIS, 0, 0
    while True:
        t = AuditEntry.__table__
        rows = conn.execute(
            select(t).where(t.c.id > last_id).order_by(t.c.id).limit(batch)
        ).mappings().all()
        if not rows:
            return ChainCheck(count)
        for r in rows:
            if r["prev_hash"] != prev:
                return ChainCheck(count, r["id"], "an entry before it was changed or deleted")
            expected = entry_hash(r["prev_hash"], r["at"], r["actor"], r["action"],
                                  r["table_name"], r["row_id"], r["patient_id"], r["before"],
                                  r["after"])
            if expected != r["hash"]:
                return ChainCheck(count, r["id"], "this entry was changed")
            prev, last_id = r["hash"], r["id"]
            count += 1


def record_bulk_delete(state: ORMExecuteState) -> Result[Any] | None:
    """`do_orm_execute`: a `session.execute(delete(Model).where(...))` removes rows without
    the flush seeing them; read them first, then record each as deleted. (Bulk UPDATEs in
    the code only rewrite derived columns - sort names, allocation - and are not recorded.)"""
    if not state.is_delete or state.bind_mapper is None:
        return None
    table = state.bind_mapper.local_table
    if not isinstance(table, Table) or table.name in UNAUDITED_TABLES:
        return None
    where = getattr(state.statement, "whereclause", None)
    query = select(table) if where is None else select(table).where(where)
    rows = state.session.connection().execute(query).mappings().all()
    result = state.invoke_statement()
    pk = [c.name for c in table.primary_key.columns]
    events: list[Event] = state.session.info.setdefault(_EVENTS_KEY, [])
    for r in rows:
        events.append(Event("delete", table.name, "/".join(str(r[c]) for c in pk),
                            r.get("patient_id"),
                            {k: v for k, v in r.items()
                             if v is not None and k not in SECRET_COLUMNS}))
    return result
