"""Failed sign-in lockout (issue 12 item 4, left-over): too many wrong passwords or PINs lock
the account, at the sign-in and at the idle lock; a manager unlocks; every failure and lock is
in the trail; two desks at once count exactly (the counter is updated in the database)."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import NotPermitted, Role
from ptdesk.domain.sign_in_lockout import AccountLocked, LockoutPolicy, locked_words
from ptdesk.services.accounts.lockout import Attempt, settle
from ptdesk.services.accounts.users import AccountService, NewUser, SignInRefused
from ptdesk.storage.actor import Actor, set_actor
from ptdesk.storage.audit_trail import verify_chain
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, User

PW = "correct horse"
START = datetime(2026, 12, 1, 10, 27).astimezone()


class Clock:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


def _actions(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with session_scope(factory) as s:
        return [(e.actor, e.action) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _setup(factory: sessionmaker[Session], attempts: int = 3, minutes: int = 15
           ) -> tuple[AccountService, Clock, int]:
    clock = Clock()
    svc = AccountService(factory, now=clock)
    svc.set_lockout_policy(LockoutPolicy(attempts, minutes))
    uid = svc.create_user(NewUser("Dana", frozenset({Role.FRONT_DESK}), PW, PW, "2468")).id
    return svc, clock, uid


def test_words_name_the_time_and_the_manager() -> None:
    until = START + timedelta(minutes=15)
    assert locked_words(until, START) == ("Too many attempts: try again at 10:42 AM or ask "
                                          "the office manager.")
    assert "on Dec 2, 2026" in locked_words(until + timedelta(days=1), START)


def test_default_policy_and_its_limits(session_factory: sessionmaker[Session]) -> None:
    svc = AccountService(session_factory)
    assert svc.lockout_policy() == LockoutPolicy(5, 15)
    with pytest.raises(ValidationErrors) as bad:
        svc.set_lockout_policy(LockoutPolicy(1, 0))
    assert set(bad.value.errors) == {"lockout_attempts", "lockout_minutes"}
    assert svc.set_lockout_policy(LockoutPolicy(4, 30)) == LockoutPolicy(4, 30)
    assert svc.lockout_policy() == LockoutPolicy(4, 30)
    for role in (Role.FRONT_DESK, Role.THERAPIST, Role.BILLER):
        set_actor(Actor(f"a {role.value}", frozenset({role})))
        with pytest.raises(NotPermitted, match="manage users"):
            svc.set_lockout_policy(LockoutPolicy(10, 10))
    assert svc.lockout_policy() == LockoutPolicy(4, 30)


def test_sign_in_locks_after_the_limit_then_opens_after_the_time(
        session_factory: sessionmaker[Session]) -> None:
    svc, clock, uid = _setup(session_factory)
    set_actor(None)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            svc.sign_in("dana", "wrong one")
    with pytest.raises(AccountLocked, match="try again at 10:42 AM or ask the office manager"):
        svc.sign_in("dana", "wrong one")
    # Locked: even the right password is refused, and the lock is not stretched.
    clock.at += timedelta(minutes=14)
    with pytest.raises(AccountLocked, match="10:42 AM"):
        svc.sign_in("Dana", PW)
    with session_scope(session_factory) as s:
        u = s.get(User, uid)
        assert u is not None
        assert u.failed_attempts == 3
    clock.at += timedelta(minutes=1)  # 10:42: the lock has run out
    assert svc.sign_in("Dana", PW).user_id == uid
    with session_scope(session_factory) as s:
        u = s.get(User, uid)
        assert u is not None
        assert (u.failed_attempts, u.locked_until) == (0, None)
    actions = _actions(session_factory)
    assert actions.count(("dana", "sign_in_failed")) == 3
    assert ("dana", "account_locked") in actions
    assert actions.count(("Dana", "sign_in_failed")) == 1  # the right password, while locked
    assert actions[-1] == ("Dana", "sign_in")
    with session_scope(session_factory) as s:
        assert verify_chain(s.connection()).intact


def test_idle_lock_pin_attempts_count_and_lock(session_factory: sessionmaker[Session]) -> None:
    svc, _clock, uid = _setup(session_factory)
    set_actor(None)
    with pytest.raises(SignInRefused):
        svc.sign_in("Dana", "not it")  # one failure at the sign-in ...
    svc.sign_in("Dana", PW)  # ... cleared by the right password
    assert not svc.unlock("1111")
    assert not svc.unlock("2222")
    with pytest.raises(AccountLocked, match="Too many attempts"):
        svc.unlock("3333")
    with pytest.raises(AccountLocked):
        svc.unlock("2468")  # the right PIN, too late
    actions = _actions(session_factory)
    assert actions.count(("Dana", "unlock_failed")) == 4
    assert ("Dana", "account_locked") in actions
    # A manager unlocks it on the Users page: the PIN works again at once.
    set_actor(Actor("Maria", frozenset({Role.MANAGER})))
    view = svc.unlock_account(uid)
    assert view.locked_until is None
    assert _actions(session_factory)[-1] == ("Maria", "account_unlocked")
    set_actor(Actor("Dana", frozenset({Role.FRONT_DESK}), uid))
    with pytest.raises(NotPermitted, match="manage users"):
        svc.unlock_account(uid)
    assert svc.unlock("2468")


def test_users_list_shows_the_lock(session_factory: sessionmaker[Session]) -> None:
    svc, _clock, uid = _setup(session_factory)
    for _ in range(3):
        with pytest.raises((SignInRefused, AccountLocked)):
            svc.sign_in("Dana", "wrong one")
    dana = next(u for u in svc.users() if u.id == uid)
    assert dana.locked_until == START + timedelta(minutes=15)
    assert dana.locked_until.tzinfo is not None


def test_two_desks_at_once_count_every_failure(session_factory: sessionmaker[Session]) -> None:
    """4 desks x 10 wrong secrets at once (threads, each its own connection; on PostgreSQL
    the row is really contended): exactly 40 counted, locked once at the 20th, every try
    from the 20th on told it is locked, 40 failures recorded."""
    _svc, _clock, uid = _setup(session_factory, attempts=20)
    attempt = Attempt(uid, "Dana", "sign_in_failed")
    locks: list[int] = []
    errors: list[BaseException] = []
    gate = threading.Barrier(4)

    def desk() -> None:
        try:
            gate.wait()
            for _ in range(10):
                try:
                    settle(session_factory, attempt, False, START)
                except AccountLocked:
                    locks.append(1)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(locks) == 21  # the 20th try locked it; the 20 after it are told so too
    with session_scope(session_factory) as s:
        u = s.get(User, uid)
        assert u is not None
        assert u.failed_attempts == 40
        assert u.locked_until == START + timedelta(minutes=15)
        assert verify_chain(s.connection()).intact
    actions = _actions(session_factory)
    assert actions.count(("Dana", "sign_in_failed")) == 40
    assert actions.count(("Dana", "account_locked")) == 1
