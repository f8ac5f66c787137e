"""The audit trail's head remembered outside the database (issue 12 item 5, "if time
remains"): deleting the newest entries leaves a valid chain, but not the remembered head."""

import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.main import main
from ptdesk.services.accounts.audit_anchor import AuditAnchorService
from ptdesk.storage.audit_anchor import ANCHOR_FILE
from ptdesk.storage.audit_trail import verify_chain
from tests.services.auth_fixtures import make_clinic
from tests.storage.test_audit_trail import _drop_guard, _trail


def _now() -> datetime:
    return datetime(2026, 12, 1, 8, 0).astimezone()


def test_deleting_the_newest_entries_is_detected(
        engine: Engine, session_factory: sessionmaker[Session], migrated_db_url: str,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    make_clinic(session_factory)
    ids = [e.id for e in _trail(session_factory)]
    last = _trail(session_factory)[-1]
    args = ["verify-audit", "--db-url", migrated_db_url, "--data-dir", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"intact: {len(ids)} entries" in out
    assert f"head: entry {last.id}, hash {last.hash}" in out
    anchor_file = tmp_path / ANCHOR_FILE
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600  # owner only
    # Someone with the database's keys removes the two newest entries: the rest still chain.
    _drop_guard(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE id >= :i"), {"i": ids[-2]})
        assert verify_chain(conn).intact
    assert main(args) == 1
    out = capsys.readouterr().out
    assert f"SHORTENED: entry {last.id}, the newest one seen" in out
    assert "is gone" in out
    # The desk's start of the day says so in the status bar, and never re-anchors on it.
    anchors = AuditAnchorService(session_factory, tmp_path, _now)
    for _ in range(2):
        assert anchors.status_words() == "AUDIT TRAIL SHORTENED: run ptdesk verify-audit"


def test_the_head_moves_on_with_the_trail(session_factory: sessionmaker[Session],
                                          tmp_path: Path) -> None:
    anchors = AuditAnchorService(session_factory, tmp_path, _now)
    assert anchors.status_words() == ""  # nothing remembered yet: remembered now
    make_clinic(session_factory)  # more entries: still reaching the head seen
    first = anchors.check_and_remember()
    assert first.problem is None
    assert first.head.entries == len(_trail(session_factory))
    assert anchors.check().problem is None
