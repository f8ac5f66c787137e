"""Reading the audit trail: filter it for the Audit page, export it (the export is itself
recorded), and check its chain (`ptdesk verify-audit`)."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, distinct, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import record_event, require
from ptdesk.storage.audit_trail import ChainCheck, verify_chain
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry

PAGE_LIMIT = 5000  # the page shows the newest entries that match; narrow the filter for more


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    table_name: str | None = None
    patient_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    table_name: str
    row_id: str
    patient_id: int | None
    before: str
    after: str


def _query(f: AuditFilter) -> Select[tuple[AuditEntry]]:
    q = select(AuditEntry)
    if f.actor:
        q = q.where(AuditEntry.actor == f.actor)
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.table_name:
        q = q.where(AuditEntry.table_name == f.table_name)
    if f.patient_id is not None:
        q = q.where(AuditEntry.patient_id == f.patient_id)
    if f.since is not None:
        q = q.where(AuditEntry.at >= f.since)
    if f.until is not None:
        q = q.where(AuditEntry.at < f.until)
    return q


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(e.id, e.at, e.actor, e.action, e.table_name or "", e.row_id or "",
                    e.patient_id, e.before or "", e.after or "")


CSV_HEADER = ("id", "at_utc", "actor", "action", "table", "row_id", "patient_id", "before",
              "after")


class AuditLogService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def entries(self, f: AuditFilter, limit: int = PAGE_LIMIT) -> tuple[AuditRow, ...]:
        require(Permission.VIEW_AUDIT)
        with session_scope(self._factory) as s:
            rows = s.scalars(_query(f).order_by(AuditEntry.id.desc()).limit(limit))
            return tuple(_row(e) for e in rows)

    def choices(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The actors, actions and tables that occur, for the page's filter boxes."""
        require(Permission.VIEW_AUDIT)
        with session_scope(self._factory) as s:
            def values(col: Any) -> tuple[str, ...]:
                return tuple(sorted(str(v) for v in s.scalars(select(distinct(col))) if v))

            return (values(AuditEntry.actor), values(AuditEntry.action),
                    values(AuditEntry.table_name))

    def export_csv(self, f: AuditFilter) -> str:
        """The matching entries as CSV text, oldest first; the export is recorded."""
        require(Permission.VIEW_AUDIT)
        require(Permission.EXPORT_DATA)
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(CSV_HEADER)
        with session_scope(self._factory) as s:
            for e in s.scalars(_query(f).order_by(AuditEntry.id)):
                r = _row(e)
                w.writerow((r.id, r.at.isoformat(), r.actor, r.action, r.table_name, r.row_id,
                            "" if r.patient_id is None else r.patient_id, r.before, r.after))
        record_event(self._factory, "export", table_name="audit_entries",
                     details={"what": "audit trail CSV"})
        return out.getvalue()

    def verify(self) -> ChainCheck:
        with session_scope(self._factory) as s:
            return verify_chain(s.connection())
