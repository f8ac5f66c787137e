"""Remembering the audit trail's head on this desk (storage/audit_anchor.py says why and its
limits): recorded at the first start of the day and after `ptdesk verify-audit`, compared
every time. A trail that no longer reaches the remembered head is never re-anchored."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.storage.audit_anchor import (
    ANCHOR_FILE,
    Head,
    anchor_problem,
    load_anchor,
    read_head,
    save_anchor,
)
from ptdesk.storage.engine import session_scope


@dataclass(frozen=True)
class AnchorCheck:
    head: Head
    problem: str | None  # None: the remembered head is still there (or none was remembered)


def database_key(factory: sessionmaker[Session]) -> str:
    """Which database the head belongs to: its URL without the password."""
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind.url.render_as_string(hide_password=True)


class AuditAnchorService:
    def __init__(self, factory: sessionmaker[Session], data_dir: Path,
                 now: Callable[[], datetime]) -> None:
        self._factory = factory
        self._file = data_dir / ANCHOR_FILE
        self._key = database_key(factory)
        self._now = now

    def check(self) -> AnchorCheck:
        with session_scope(self._factory) as s:
            conn = s.connection()
            head = read_head(conn)
            anchor = load_anchor(self._file, self._key)
            return AnchorCheck(head, None if anchor is None else anchor_problem(conn, anchor))

    def check_and_remember(self) -> AnchorCheck:
        """Compare with the remembered head; if it holds, remember the current one."""
        result = self.check()
        if result.problem is None:
            save_anchor(self._file, self._key, result.head, self._now())
        return result

    def status_words(self) -> str:
        """For the status bar at the first start of the day: "" when all is well."""
        try:
            result = self.check_and_remember()
        except OSError as exc:
            return f"Audit trail head not recorded: {exc.strerror or exc}"
        if result.problem is None:
            return ""
        return "AUDIT TRAIL SHORTENED: run ptdesk verify-audit"
