"""Accounts and roles (issue 12 item 4): sign-in, argon2, refusals in the services."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import NotPermitted, NotSignedIn, Role
from ptdesk.services.accounts.access import record_event
from ptdesk.services.accounts.users import AccountService, NewUser, SignInRefused
from ptdesk.services.authorizations.status_settings import StatusSettingsService, default_draft
from ptdesk.services.billing.fee_schedules import DEFAULT, FeeScheduleService
from ptdesk.services.clinic.details import ClinicDetailsService
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.actor import Actor, set_actor
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, User
from tests.services.auth_fixtures import make_clinic

PW = "correct horse"


def _as(role: Role) -> None:
    set_actor(Actor(f"a {role.value}", frozenset({role})))


def _entries(factory: sessionmaker[Session]) -> list[AuditEntry]:
    with session_scope(factory) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_first_manager_then_sign_in_and_failures_recorded(
        session_factory: sessionmaker[Session]) -> None:
    svc = AccountService(session_factory)
    set_actor(None)
    assert not svc.has_users()
    with pytest.raises(ValidationErrors) as bad:
        svc.create_first_manager(NewUser("Maria", frozenset(), PW, "other one", "12"))
    assert set(bad.value.errors) == {"password", "pin"}
    actor = svc.create_first_manager(NewUser("Maria  Lopez", frozenset(), PW, PW, "4321"))
    assert actor.name == "Maria Lopez"
    assert actor.roles == {Role.MANAGER}
    svc.sign_out()
    with pytest.raises(SignInRefused):
        svc.sign_in("maria lopez", "wrong password")
    assert svc.sign_in("maria lopez", PW).name == "Maria Lopez"
    actions = [(e.actor, e.action) for e in _entries(session_factory)]
    assert ("first start", "create") in actions
    assert ("maria lopez", "sign_in_failed") in actions
    assert actions[-1] == ("Maria Lopez", "sign_in")
    # Never a hash (nor the password) in the trail.
    with session_scope(session_factory) as s:
        stored = s.scalars(select(User)).one()
    text = " ".join(f"{e.before} {e.after}" for e in _entries(session_factory))
    assert stored.password_hash.startswith("$argon2id$")
    assert stored.password_hash not in text
    assert PW not in text
    assert "$argon2" not in text
    # Unlock with the PIN or the password, not with anything else.
    assert svc.unlock("4321")
    assert svc.unlock(PW)
    assert not svc.unlock("1111")


def test_rehash_on_sign_in_when_parameters_changed(
        session_factory: sessionmaker[Session]) -> None:
    svc = AccountService(session_factory)
    svc.create_user(NewUser("Theo", frozenset({Role.THERAPIST}), PW, PW))
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PW)
    with session_scope(session_factory) as s:
        s.execute(update(User).where(User.name == "Theo").values(password_hash=weak))
    svc.sign_in("Theo", PW)
    with session_scope(session_factory) as s:
        now = s.scalars(select(User.password_hash).where(User.name == "Theo")).one()
    assert now != weak
    assert not PasswordHasher().check_needs_rehash(now)


def test_only_a_manager_manages_users(session_factory: sessionmaker[Session]) -> None:
    svc = AccountService(session_factory)
    for role in (Role.FRONT_DESK, Role.THERAPIST, Role.BILLER):
        _as(role)
        with pytest.raises(NotPermitted, match="manage users"):
            svc.create_user(NewUser("X", frozenset({Role.BILLER}), PW, PW))
    _as(Role.MANAGER)
    svc.create_user(NewUser("Bea", frozenset({Role.BILLER}), PW, PW))
    with pytest.raises(ValidationErrors, match="already a user"):
        svc.create_user(NewUser("bea", frozenset({Role.BILLER}), PW, PW))
    set_actor(None)
    with pytest.raises(NotSignedIn):
        svc.create_user(NewUser("Y", frozenset({Role.BILLER}), PW, PW))


def test_front_desk_cannot_change_fees_bands_or_clinic(
        session_factory: sessionmaker[Session]) -> None:
    _as(Role.FRONT_DESK)
    with pytest.raises(NotPermitted, match="fee schedules"):
        FeeScheduleService(session_factory).save(DEFAULT, 2026, [])
    with pytest.raises(NotPermitted, match="status bands"):
        StatusSettingsService(session_factory).save_clinic(
            replace(default_draft(), red_visits=3))
    with pytest.raises(NotPermitted, match="clinic's details"):
        ClinicDetailsService(session_factory).save(ClinicDetailsDraft(name="X"))
    with pytest.raises(NotPermitted, match="clinic's details"):
        AccountService(session_factory).set_idle_minutes(5)
    _as(Role.MANAGER)
    assert AccountService(session_factory).set_idle_minutes(5) == 5
    assert AccountService(session_factory).idle_minutes() == 5


def test_only_a_therapist_completes_a_visit(session_factory: sessionmaker[Session]) -> None:
    clinic = make_clinic(session_factory)
    visits = VisitService(session_factory)
    v = visits.book(VisitDraft(clinic.patient_id, datetime.now(UTC).date(), clinic.coverage_id))
    for role in (Role.FRONT_DESK, Role.BILLER, Role.MANAGER):
        _as(role)
        with pytest.raises(NotPermitted, match="only a therapist"):
            visits.complete(v.id, [ServiceLineDraft("97110", 2)])
    _as(Role.THERAPIST)
    done = visits.complete(v.id, [ServiceLineDraft("97110", 2)])
    assert done.status.value == "completed"


def test_record_event_names_the_actor(session_factory: sessionmaker[Session]) -> None:
    _as(Role.BILLER)
    record_event(session_factory, "print", table_name="visits", row_id=7, patient_id=3,
                 details={"what": "board"})
    e = _entries(session_factory)[-1]
    assert (e.actor, e.action, e.row_id, e.patient_id) == ("a biller", "print", "7", 3)
    assert e.at.tzinfo is not None
