"""The failed sign-in counter, changed atomically in the database so two desks (PostgreSQL)
never lose a count: the first statement is an UPDATE, which takes the row's lock (PostgreSQL)
or the file's write lock (SQLite) until the commit, and only then is the count read.

Core statements on the session's connection, not the ORM: the counter is not a change
someone made to a record; the service records the failed attempts and the lock as events.
"""

from datetime import datetime

from sqlalchemy import Connection, Table, or_, select, update

from ptdesk.domain.sign_in_lockout import FailureOutcome, LockoutPolicy, after_failure
from ptdesk.storage.models.accounts import User

_users: Table = User.__table__  # type: ignore[assignment]  # a mapped class's Table


def count_failure(conn: Connection, user_id: int, policy: LockoutPolicy,
                  now: datetime) -> FailureOutcome:
    """One more failed attempt for `user_id`; locks the account when it reaches the limit."""
    row = conn.execute(
        update(_users).where(_users.c.id == user_id)
        .values(failed_attempts=_users.c.failed_attempts + 1)
        .returning(_users.c.failed_attempts, _users.c.locked_until)
    ).one()
    outcome = after_failure(policy, row.failed_attempts - 1, row.locked_until, now)
    if outcome.attempts != row.failed_attempts or outcome.locked_until != row.locked_until:
        conn.execute(update(_users).where(_users.c.id == user_id).values(
            failed_attempts=outcome.attempts, locked_until=outcome.locked_until))
    return outcome


def clear_if_open(conn: Connection, user_id: int, now: datetime) -> bool:
    """A right password: the count starts again, unless another desk locked the account in
    the meantime (then False and nothing changes)."""
    done = conn.execute(
        update(_users).where(_users.c.id == user_id,
                             or_(_users.c.locked_until.is_(None), _users.c.locked_until <= now))
        .values(failed_attempts=0, locked_until=None))
    return done.rowcount == 1


def locked_until(conn: Connection, user_id: int) -> datetime | None:
    return conn.execute(select(_users.c.locked_until).where(_users.c.id == user_id)).scalar()


def unlock(conn: Connection, user_id: int) -> bool:
    """An office manager's unlock; False when the account was not locked."""
    done = conn.execute(
        update(_users).where(_users.c.id == user_id,
                             or_(_users.c.locked_until.is_not(None),
                                 _users.c.failed_attempts > 0))
        .values(failed_attempts=0, locked_until=None))
    return done.rowcount == 1
