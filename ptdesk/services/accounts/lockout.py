"""The failed sign-in lockout as the account service uses it: the clinic's policy (a manager
setting), settling an attempt (the count and its audit events in one transaction), and a
manager's unlock.

Every failed attempt is in the audit trail (`sign_in_failed` at the sign-in dialog,
`unlock_failed` at the idle lock), and so is every lock (`account_locked`) and every
manager's unlock (`account_unlocked`). The name typed is recorded, never the secret.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.domain.sign_in_lockout import (
    DEFAULT_ATTEMPTS,
    DEFAULT_MINUTES,
    AccountLocked,
    LockoutPolicy,
    is_locked,
)
from ptdesk.services.accounts.access import require
from ptdesk.storage import sign_in_attempts
from ptdesk.storage.audit_trail import Event, append
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AppSetting

ATTEMPTS_KEY = "sign_in_attempts"
MINUTES_KEY = "sign_in_lock_minutes"


def _int_setting(s: Session, key: str, default: int) -> int:
    row = s.get(AppSetting, key)
    try:
        return int(row.value) if row is not None else default
    except ValueError:
        return default


def read_policy(s: Session) -> LockoutPolicy:
    policy = LockoutPolicy(_int_setting(s, ATTEMPTS_KEY, DEFAULT_ATTEMPTS),
                           _int_setting(s, MINUTES_KEY, DEFAULT_MINUTES))
    return policy if not policy.problems() else LockoutPolicy()


def save_policy(factory: sessionmaker[Session], policy: LockoutPolicy) -> LockoutPolicy:
    """A manager's setting; the change itself is recorded by the trail (app_settings rows)."""
    require(Permission.MANAGE_USERS)
    problems = policy.problems()
    if problems:
        raise ValidationErrors(problems)
    with session_scope(factory) as s:
        for key, value in ((ATTEMPTS_KEY, policy.attempts), (MINUTES_KEY, policy.minutes)):
            row = s.get(AppSetting, key)
            if row is None:
                s.add(AppSetting(key=key, value=str(value)))
            elif row.value != str(value):
                row.value = str(value)
    return policy


@dataclass(frozen=True)
class Attempt:
    """Who tried (the account's id, the name typed) and where (the action recorded on a
    failure: `sign_in_failed` or `unlock_failed`)."""

    user_id: int
    name: str
    failed_action: str


def _failed(attempt: Attempt, reason: str, extra: Mapping[str, object] | None = None) -> Event:
    return Event(attempt.failed_action, "users", str(attempt.user_id), None, None,
                 {"name": attempt.name, "reason": reason, **(extra or {})})


def refuse_if_locked(factory: sessionmaker[Session], attempt: Attempt,
                     until: datetime | None, now: datetime) -> None:
    """A locked account is refused before its secret is even checked (the attempt is
    recorded, the count not raised: the lock is not stretched by more tries)."""
    if not is_locked(until, now):
        return
    assert until is not None
    with session_scope(factory) as s:
        append(s.connection(), [_failed(attempt, "account locked")], attempt.name)
    raise AccountLocked(until.astimezone(now.tzinfo), now)


def settle(factory: sessionmaker[Session], attempt: Attempt, ok: bool, now: datetime) -> bool:
    """Count a wrong secret (and lock at the limit) or clear the count after a right one, in
    one transaction with the audit events. True: let the person in. False: a wrong secret.
    Raises `AccountLocked` when this attempt locked the account, or another desk did."""
    locked: datetime | None = None
    with session_scope(factory) as s:
        conn = s.connection()
        if ok:
            if sign_in_attempts.clear_if_open(conn, attempt.user_id, now):
                return True
            locked = sign_in_attempts.locked_until(conn, attempt.user_id)
            append(conn, [_failed(attempt, "account locked")], attempt.name)
        else:
            policy = read_policy(s)
            outcome = sign_in_attempts.count_failure(conn, attempt.user_id, policy, now)
            events = [_failed(attempt, "wrong password or PIN",
                              {"attempts": outcome.attempts})]
            if outcome.newly_locked and outcome.locked_until is not None:
                events.append(Event("account_locked", "users", str(attempt.user_id), None,
                                    None, {"attempts": outcome.attempts,
                                           "until": outcome.locked_until}))
            if is_locked(outcome.locked_until, now):  # this try locked it, or another desk's
                locked = outcome.locked_until
            append(conn, events, attempt.name)
    if locked is not None:
        raise AccountLocked(locked.astimezone(now.tzinfo), now)
    return False


def manager_unlock(factory: sessionmaker[Session], user_id: int) -> bool:
    """An office manager opens a locked account at once (and its count starts again)."""
    require(Permission.MANAGE_USERS)
    with session_scope(factory) as s:
        conn = s.connection()
        done = sign_in_attempts.unlock(conn, user_id)
        if done:
            append(conn, [Event("account_unlocked", "users", str(user_id))])
    return done
