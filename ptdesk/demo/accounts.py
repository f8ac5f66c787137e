"""A second demo account, locked after too many wrong passwords (issue 12), so the Users page
shows its locked state and its Unlock account button at work. Locked through the same counter
a desk's failed sign-ins use; the lock lasts a day (the clinic's lockout time would let it
lapse before a newcomer reaches the page)."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.permissions import Role
from ptdesk.domain.sign_in_lockout import LockoutPolicy
from ptdesk.services.accounts.users import AccountService, NewUser
from ptdesk.storage import sign_in_attempts
from ptdesk.storage.engine import session_scope

LOCKED_USER = "Front desk (demo)"
_PASSWORD = "front-desk-demo"  # synthetic, like the demo user's


def add_locked_account(factory: sessionmaker[Session], *, now: datetime) -> None:
    """Once (the caller creates the demo clinic once)."""
    view = AccountService(factory).create_user(
        NewUser(LOCKED_USER, frozenset({Role.FRONT_DESK}), _PASSWORD, _PASSWORD, ""))
    policy = LockoutPolicy(minutes=int(timedelta(days=1).total_seconds() // 60))
    with session_scope(factory) as s:
        conn = s.connection()
        for _ in range(policy.attempts):
            sign_in_attempts.count_failure(conn, view.id, policy, now)
