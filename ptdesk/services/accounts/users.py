"""Users, sign-in, the first manager, unlocking, and the idle-lock time.

Every sign-in, failed sign-in, sign-out, lock and unlock is recorded in the audit trail;
creating or changing a user is recorded by the trail's flush event (hashes never written).
Too many failed attempts lock the account (services/accounts/lockout.py), at the sign-in and
at the idle lock alike.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import ROLE_LABELS, Permission, Role, format_roles, parse_roles
from ptdesk.domain.sign_in_lockout import LockoutPolicy, is_locked, until_words
from ptdesk.services.accounts.access import record_event, require, signed_in
from ptdesk.services.accounts.lockout import (
    Attempt,
    manager_unlock,
    read_policy,
    refuse_if_locked,
    save_policy,
    settle,
)
from ptdesk.services.accounts.passwords import (
    hash_secret,
    needs_rehash,
    password_problem,
    pin_problem,
    verify_secret,
)
from ptdesk.storage.actor import Actor, current_actor, set_actor
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AppSetting, User

IDLE_KEY = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
IDLE_RANGE = (1, 240)
DEMO_USER = "Demo user"
DEMO_PASSWORD = "demo-clinic"  # synthetic clinic only; shown on its lock screen
DEMO_PIN = "1234"


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    roles: frozenset[Role]
    active: bool
    has_pin: bool
    locked_until: datetime | None = None  # set while refused after too many attempts
    failed_attempts: int = 0

    def locked(self, now: datetime) -> bool:
        return is_locked(self.locked_until, now)

    def describe(self, now: datetime) -> str:
        """One line for the Users page and `ptdesk users list`."""
        parts = [self.name, ", ".join(ROLE_LABELS[r] for r in Role if r in self.roles)]
        if self.has_pin:
            parts.append("PIN")
        if not self.active:
            parts.append("switched off")
        if self.locked_until is not None and self.locked(now):
            parts.append(f"LOCKED until {until_words(self.locked_until, now)} "
                         "(too many attempts)")
        return " · ".join(parts)


@dataclass(frozen=True)
class NewUser:
    name: str
    roles: frozenset[Role]
    password: str
    password_again: str
    pin: str = ""


class SignInRefused(DomainError):
    """Wrong name or password (which of the two is not said)."""

    def __init__(self) -> None:
        super().__init__("That name and password do not match an active user.")


def _view(u: User) -> UserView:
    return UserView(u.id, u.name, parse_roles(u.roles), u.active, bool(u.pin_hash),
                    u.locked_until, u.failed_attempts or 0)


def _system_now() -> datetime:
    return datetime.now().astimezone()


def _actor(u: User) -> Actor:
    return Actor(u.name, parse_roles(u.roles), u.id)


class AccountService:
    def __init__(self, session_factory: sessionmaker[Session],
                 now: Callable[[], datetime] = _system_now) -> None:
        self._factory = session_factory
        self._now = now  # the app passes its clock (app/clock.py local_now)

    def has_users(self) -> bool:
        with session_scope(self._factory) as s:
            return s.execute(select(User.id).limit(1)).first() is not None

    def users(self) -> tuple[UserView, ...]:
        with session_scope(self._factory) as s:
            return tuple(_view(u) for u in s.scalars(select(User).order_by(User.name)))

    # --- creating users -------------------------------------------------------------------
    def create_first_manager(self, new: NewUser) -> Actor:
        """The first start of a real clinic: the office manager, who then creates the rest.
        Signs them in."""
        if self.has_users():
            raise DomainError("This clinic already has users: sign in instead.")
        set_actor(Actor("first start", frozenset()))
        try:
            view = self._create(new, frozenset(new.roles | {Role.MANAGER}))
        finally:
            set_actor(None)
        actor = Actor(view.name, view.roles, view.id)
        set_actor(actor)
        record_event(self._factory, "sign_in", table_name="users", row_id=view.id)
        return actor

    def create_user(self, new: NewUser) -> UserView:
        require(Permission.MANAGE_USERS)
        return self._create(new, new.roles)

    def set_active(self, user_id: int, active: bool) -> UserView:
        actor = require(Permission.MANAGE_USERS)
        if actor.user_id == user_id and not active:
            raise DomainError("You cannot switch off your own account while signed in.")
        with session_scope(self._factory) as s:
            u = s.get(User, user_id)
            if u is None:
                raise DomainError("That user no longer exists.")
            u.active = active
            return _view(u)

    def _create(self, new: NewUser, roles: frozenset[Role]) -> UserView:
        errors: dict[str, str] = {}
        name = " ".join(new.name.split())
        if not name or len(name) > 80:
            errors["name"] = "Give the user a name (up to 80 characters)."
        if not roles:
            errors["roles"] = "Choose at least one role."
        problem = password_problem(new.password, new.password_again)
        if problem:
            errors["password"] = problem
        problem = pin_problem(new.pin)
        if problem:
            errors["pin"] = problem
        if errors:
            raise ValidationErrors(errors)
        with session_scope(self._factory) as s:
            taken = s.execute(select(User.id).where(func.lower(User.name) == name.lower()))
            if taken.first() is not None:
                raise ValidationErrors({"name": f"There is already a user named {name}."})
            u = User(name=name, roles=format_roles(roles), password_hash=hash_secret(new.password),
                     pin_hash=hash_secret(new.pin) if new.pin else None, active=True)
            s.add(u)
            s.flush()
            return _view(u)

    # --- signing in and out ---------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> Actor:
        """Raises `SignInRefused` (wrong name or password) or `AccountLocked` (too many
        failed attempts: the words say until when)."""
        name = " ".join(name.split())
        typed = name[:80] or "(no name)"
        with session_scope(self._factory) as s:
            u = s.scalars(select(User).where(func.lower(User.name) == name.lower())).first()
            known = (u.id, u.password_hash, u.locked_until) if u is not None and u.active \
                else None
            uid = u.id if u is not None else None
        if known is None:
            # The name typed is recorded (it is not patient data), never the password. No
            # account: nothing to count (the lockout protects accounts).
            record_event(self._factory, "sign_in_failed", table_name="users", row_id=uid,
                         details={"name": name[:80], "reason": "no active user of this name"},
                         actor_name=typed)
            raise SignInRefused()
        user_id, stored_hash, locked_until = known
        attempt = Attempt(user_id, typed, "sign_in_failed")
        now = self._now()
        refuse_if_locked(self._factory, attempt, locked_until, now)
        if not settle(self._factory, attempt, verify_secret(stored_hash, password), now):
            raise SignInRefused()
        with session_scope(self._factory) as s:
            u = s.get(User, user_id)
            if u is None or not u.active:  # switched off by a manager a moment ago
                raise SignInRefused()
            if needs_rehash(u.password_hash):
                u.password_hash = hash_secret(password)  # newer argon2 parameters
            actor = _actor(u)
        set_actor(actor)
        record_event(self._factory, "sign_in", table_name="users", row_id=actor.user_id)
        return actor

    def sign_in_demo(self) -> Actor:
        """The demo clinic signs in by itself (synthetic data, a newcomer sees it at once)."""
        with session_scope(self._factory) as s:
            u = s.scalars(select(User).where(User.name == DEMO_USER)).first()
        if u is None:
            set_actor(Actor("demo set-up", frozenset()))
            try:
                view = self._create(NewUser(DEMO_USER, frozenset({Role.MANAGER, Role.THERAPIST}),
                                            DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PIN),
                                    frozenset({Role.MANAGER, Role.THERAPIST}))
            finally:
                set_actor(None)
            actor = Actor(view.name, view.roles, view.id)
        else:
            actor = _actor(u)
        set_actor(actor)
        record_event(self._factory, "sign_in", table_name="users", row_id=actor.user_id)
        return actor

    def sign_out(self) -> None:
        actor = current_actor()
        if actor is not None:
            record_event(self._factory, "sign_out", table_name="users", row_id=actor.user_id)
        set_actor(None)

    # --- the idle lock --------------------------------------------------------------------
    def record_lock(self) -> None:
        actor = signed_in()
        record_event(self._factory, "lock", table_name="users", row_id=actor.user_id)

    def unlock(self, secret: str) -> bool:
        """The signed-in person's password or PIN unlocks; the attempt is recorded. Too many
        wrong ones lock the account (`AccountLocked`), as at the sign-in."""
        actor = signed_in()
        with session_scope(self._factory) as s:
            u = s.get(User, actor.user_id) if actor.user_id is not None else None
            known = (u.password_hash, u.pin_hash, u.locked_until) if u is not None \
                and u.active else None
        if known is None or actor.user_id is None:
            record_event(self._factory, "unlock_failed", table_name="users",
                         row_id=actor.user_id)
            return False
        password_hash, pin_hash, locked_until = known
        attempt = Attempt(actor.user_id, actor.name, "unlock_failed")
        now = self._now()
        refuse_if_locked(self._factory, attempt, locked_until, now)
        ok = verify_secret(password_hash, secret) or verify_secret(pin_hash, secret)
        if not settle(self._factory, attempt, ok, now):
            return False
        record_event(self._factory, "unlock", table_name="users", row_id=actor.user_id)
        return True

    # --- the lockout (a manager's settings and unlock) -----------------------------------
    def lockout_policy(self) -> LockoutPolicy:
        with session_scope(self._factory) as s:
            return read_policy(s)

    def set_lockout_policy(self, policy: LockoutPolicy) -> LockoutPolicy:
        return save_policy(self._factory, policy)

    def unlock_account(self, user_id: int) -> UserView:
        """An office manager opens an account locked after too many attempts."""
        manager_unlock(self._factory, user_id)
        with session_scope(self._factory) as s:
            u = s.get(User, user_id)
            if u is None:
                raise DomainError("That user no longer exists.")
            return _view(u)

    def now(self) -> datetime:
        return self._now()

    def idle_minutes(self) -> int:
        with session_scope(self._factory) as s:
            row = s.get(AppSetting, IDLE_KEY)
        try:
            value = int(row.value) if row is not None else DEFAULT_IDLE_MINUTES
        except ValueError:
            return DEFAULT_IDLE_MINUTES
        return min(max(value, IDLE_RANGE[0]), IDLE_RANGE[1])

    def set_idle_minutes(self, minutes: int) -> int:
        require(Permission.EDIT_CLINIC)
        if not IDLE_RANGE[0] <= minutes <= IDLE_RANGE[1]:
            raise ValidationErrors({"idle_minutes": f"The lock time is {IDLE_RANGE[0]} to "
                                    f"{IDLE_RANGE[1]} minutes."})
        with session_scope(self._factory) as s:
            row = s.get(AppSetting, IDLE_KEY)
            if row is None:
                s.add(AppSetting(key=IDLE_KEY, value=str(minutes)))
            else:
                row.value = str(minutes)
        return minutes
