"""Corrections leave a trail (issue 10 item 5), diagnoses and the session override (item 3),
on both backends: the previous version is kept with who, when (UTC) and why; counts follow."""

from datetime import UTC, date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_now
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideKind, OverrideReason
from ptdesk.domain.payers import VisitStatus
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.history import Correction, SessionOverride, VisitHistoryService
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import VisitOverride
from tests.services.auth_fixtures import TODAY, make_clinic


def _visit(factory: sessionmaker[Session]) -> tuple[int, int]:
    c = make_clinic(factory)
    AuthorizationService(factory).add(AuthorizationDraft(
        c.coverage_id, date(2026, 3, 1), date(2026, 6, 30), 10, number="AU-9"))
    v = VisitService(factory).book(VisitDraft(c.patient_id, date(2026, 3, 20), c.coverage_id))
    return c.patient_id, v.id


def test_correction_keeps_the_old_version(session_factory: sessionmaker[Session]) -> None:
    pid, vid = _visit(session_factory)
    svc, board = VisitService(session_factory), BoardService(session_factory)
    svc.complete(vid, [ServiceLineDraft("97110", 3, 38, 0, "GP"), ServiceLineDraft("97140", 1, 10)],
                 diagnoses=["m54.50", "M25.561"])
    with pytest.raises(ValidationErrors) as e:  # a silent overwrite is refused
        svc.complete(vid, [ServiceLineDraft("97110", 2, 30, 0, "GP")])
    assert "why" in e.value.errors
    with pytest.raises(ValidationErrors) as e:
        svc.complete(vid, [ServiceLineDraft("97110", 2, 30)],
                     correction=Correction("JD", "  ", local_now()))
    assert "why" in e.value.errors
    token = board.change_token()
    at = local_now()
    v = svc.complete(vid, [ServiceLineDraft("97110", 2, 30, 0, "GP")], diagnoses=["M54.50"],
                     correction=Correction("JD", "Billed 3 units, therapist documented 30 min", at))
    assert v.change_token > token
    h = VisitHistoryService(session_factory).history(vid)
    assert [ln.code for ln in h.current.lines] == ["97110"]
    assert h.current.diagnoses == ("M5450",)
    (old,) = h.versions
    assert old.number == 1
    assert old.by == "JD"
    assert old.why.startswith("Billed 3 units")
    assert [(ln.code, ln.units, ln.minutes, ln.modifiers) for ln in old.content.lines] == [
        ("97110", 3, 38, "GP"), ("97140", 1, 10, "")]
    assert old.content.diagnoses == ("M5450", "M25561")
    assert old.at.tzinfo is not None
    assert old.at.astimezone(UTC) == at.astimezone(UTC).replace(
        microsecond=old.at.astimezone(UTC).microsecond)
    assert "97110: 3 → 2 units" in old.changes
    assert any("97140" in c and "removed" in c for c in old.changes)
    card = PanelService(session_factory).panel(pid, TODAY, local_now()).authorizations[0]
    assert card.used == 1


def test_void_keeps_the_visit_and_it_counts_nowhere(
        session_factory: sessionmaker[Session]) -> None:
    pid, vid = _visit(session_factory)
    svc = VisitService(session_factory)
    svc.complete(vid, [ServiceLineDraft("97110", 2, 30)])
    v = svc.void(vid, "Wrong patient")
    assert v.status is VisitStatus.VOIDED
    assert v.void_reason == "Wrong patient"
    assert svc.get(vid).lines  # kept, not deleted
    card = PanelService(session_factory).panel(pid, TODAY, local_now()).authorizations[0]
    assert card.used == 0


def test_diagnoses_are_checked_with_words(session_factory: sessionmaker[Session]) -> None:
    _pid, vid = _visit(session_factory)
    svc = VisitService(session_factory)
    with pytest.raises(ValidationErrors) as e:
        svc.complete(vid, [ServiceLineDraft("97110", 2, 30)], diagnoses=["M54.5", "M54.5Q"])
    assert "category" in e.value.errors["diagnoses.1"]
    assert "M54.50" in e.value.errors["diagnoses.1"]
    assert "not a billable code" in e.value.errors["diagnoses.2"]
    assert VisitService(session_factory).get(vid).status is VisitStatus.BOOKED  # nothing saved


def test_session_override_is_stored_like_check_in(session_factory: sessionmaker[Session]) -> None:
    _pid, vid = _visit(session_factory)
    svc = VisitService(session_factory)
    o = SessionOverride(OverrideDraft(OverrideReason.OTHER, "Payer allows 5 units in contract",
                                      "JD"), local_now(), ("MUE_EXCEEDED",), "97110: 5 units")
    svc.complete(vid, [ServiceLineDraft("97110", 5, 75)], override=o)
    with session_scope(session_factory) as s:
        (row,) = s.execute(select(VisitOverride).where(VisitOverride.visit_id == vid)).scalars()
        assert row.kind is OverrideKind.SESSION
        assert row.rules == "MUE_EXCEEDED"
        assert row.by == "JD"
        assert row.detail.startswith("Payer allows")
