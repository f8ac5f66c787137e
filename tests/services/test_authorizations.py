"""Authorizations service: validation, overlaps, pending, ending, reallocation (both backends)."""

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationCodeDraft, AuthorizationDraft
from ptdesk.services.board.practice_board import BoardService
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuthorizationUsage, Visit
from tests.services.auth_fixtures import TODAY, make_clinic


def _draft(cov: int, **kw: object) -> AuthorizationDraft:
    base: dict[str, object] = dict(coverage_id=cov, start=date(2026, 3, 1),
                                   end=date(2026, 5, 31), authorized=8, number="A-1")
    base.update(kw)
    return AuthorizationDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kw", "field"), [
    ({"end": date(2026, 2, 1)}, "end"),
    ({"authorized": 0}, "authorized"),
    ({"authorized": -1}, "authorized"),
    ({"end": date(2029, 1, 1)}, "end"),
    ({"codes": (AuthorizationCodeDraft("97110", 4),)}, "codes"),
    ({"counts": AuthUnit.UNITS, "codes": ()}, "codes"),
    ({"counts": AuthUnit.UNITS, "authorized": 30,
      "codes": (AuthorizationCodeDraft("97110", 24), AuthorizationCodeDraft("97140", 12))},
     "authorized"),
    ({"codes": (AuthorizationCodeDraft("9711"),)}, "codes"),
    ({"carried_in": 9}, "carried_in"),
    ({"codes": (AuthorizationCodeDraft("9711X"),)}, "codes"),  # issue 8 #5: a typo
    ({"codes": (AuthorizationCodeDraft("97999"),)}, "codes"),  # well formed, not on the list
])
def test_refused_with_a_clear_message(
    session_factory: sessionmaker[Session], kw: dict[str, object], field: str
) -> None:
    c = make_clinic(session_factory)
    with pytest.raises(ValidationErrors) as e:
        AuthorizationService(session_factory).add(_draft(c.coverage_id, **kw))
    assert field in e.value.errors
    assert e.value.errors[field].endswith((".", ")"))


def test_every_problem_at_once(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    with pytest.raises(ValidationErrors) as e:
        AuthorizationService(session_factory).add(_draft(
            c.coverage_id, end=date(2026, 2, 1), authorized=0,
            codes=(AuthorizationCodeDraft("97110"), AuthorizationCodeDraft("9711X"))))
    assert set(e.value.errors) >= {"end", "authorized", "codes"}
    assert "9711X" in e.value.errors["codes"]
    assert "97110" not in e.value.errors["codes"]


def test_pending_placeholder_with_zero_is_allowed(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    saved = AuthorizationService(session_factory).add(
        _draft(c.coverage_id, state=AuthState.PENDING, authorized=0, number=""))
    assert saved.authorization_id > 0


def test_overlap_is_a_warning_not_an_error(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    svc = AuthorizationService(session_factory)
    first = svc.add(_draft(c.coverage_id))
    assert first.warnings == ()
    second = svc.add(_draft(c.coverage_id, number="A-2", start=date(2026, 5, 1),
                            end=date(2026, 7, 31)))
    assert [w.other_authorization_id for w in second.warnings] == [first.authorization_id]
    assert "A-1" in second.warnings[0].sentence
    # different codes side by side: no warning
    third = svc.add(_draft(c.coverage_id, number="A-3",
                           codes=(AuthorizationCodeDraft("97110"),)))
    fourth = svc.check(_draft(c.coverage_id, number="A-4",
                              codes=(AuthorizationCodeDraft("97140"),)))
    assert third.authorization_id
    assert all(
        w.other_authorization_id != third.authorization_id for w in fourth)


def test_edit_and_end_reallocate_the_visits(session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(session_factory)
    svc = AuthorizationService(session_factory)
    visits = VisitService(session_factory)
    v = visits.book(VisitDraft(c.patient_id, date(2026, 3, 20), c.coverage_id))
    assert v.authorization_id is None  # nothing covers it yet
    a = svc.add(_draft(c.coverage_id))
    assert visits.get(v.id).authorization_id == a.authorization_id
    svc.update(a.authorization_id, _draft(c.coverage_id, start=date(2026, 3, 21)))
    assert visits.get(v.id).authorization_id is None
    svc.update(a.authorization_id, _draft(c.coverage_id, authorized=10))
    assert svc.draft_of(a.authorization_id).authorized == 10
    ended = svc.end(a.authorization_id, date(2026, 3, 18), "Discharged: goals met")
    assert visits.get(v.id).authorization_id is None
    assert ended.change_token > a.change_token
    with pytest.raises(ValidationErrors):
        svc.end(a.authorization_id, date(2026, 1, 1), "x")


def test_reallocate_all_fills_what_the_generator_left_empty(
    session_factory: sessionmaker[Session],
) -> None:
    c = make_clinic(session_factory)
    svc = AuthorizationService(session_factory)
    a = svc.add(_draft(c.coverage_id))
    with session_scope(session_factory) as s:  # a bulk import writes visits directly
        s.add(Visit(patient_id=c.patient_id, coverage_id=c.coverage_id,
                    visit_date=date(2026, 3, 10), status="completed"))
    before = BoardService(session_factory).change_token()
    assert svc.reallocate_all() == 2
    with session_scope(session_factory) as s:
        assert s.scalars(select(Visit.authorization_id)).all() == [a.authorization_id]
        u = s.scalars(select(AuthorizationUsage)).one()
        assert (u.used, u.booked) == (1, 0)
    assert BoardService(session_factory).change_token() > before
    assert TODAY.year == 2026
    assert datetime(2026, 1, 1)
