"""Failed sign-in lockout: after `attempts` wrong passwords or PINs in a row for one account,
that account is refused for `minutes` (or until an office manager unlocks it).

HIPAA and ONC 170.315(d) give no number. NIST SP 800-63B §5.2.2 (rate limiting) only sets a
ceiling: no more than 100 consecutive failed attempts on one account. ptdesk's default, 5
attempts then 15 minutes, is ptdesk's own choice below that ceiling: a desk unlocks with a
4-digit PIN (10,000 values), so 100 tries would give a guesser a 1% chance; 5 tries per
15 minutes keep it near 1 in 2,000 per 15 minutes while a person who mistypes twice is
not stopped. The clinic's office manager can change both (Users page).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ptdesk.domain.dates import clock, long_date
from ptdesk.domain.errors import DomainError

DEFAULT_ATTEMPTS = 5
DEFAULT_MINUTES = 15
ATTEMPTS_RANGE = (3, 20)
MINUTES_RANGE = (1, 1440)  # up to a day; a manager can always unlock sooner
SOURCE = ("ptdesk's choice, under NIST SP 800-63B §5.2.2's ceiling of 100 consecutive "
          "failed attempts")


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = DEFAULT_ATTEMPTS
    minutes: int = DEFAULT_MINUTES

    def problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        lo, hi = ATTEMPTS_RANGE
        if not lo <= self.attempts <= hi:
            out["lockout_attempts"] = f"The number of attempts is {lo} to {hi}."
        lo, hi = MINUTES_RANGE
        if not lo <= self.minutes <= hi:
            out["lockout_minutes"] = f"The lock time is {lo} to {hi} minutes."
        return out


@dataclass(frozen=True)
class FailureOutcome:
    """An account's count after one more failed attempt, and whether that attempt locked it."""

    attempts: int
    locked_until: datetime | None
    newly_locked: bool


def after_failure(policy: LockoutPolicy, attempts_before: int,
                  locked_until: datetime | None, now: datetime) -> FailureOutcome:
    """One more failed attempt. A lock that has run out starts a fresh count (the person gets
    the full number of tries again, as after a manager's unlock)."""
    if locked_until is not None and locked_until <= now:
        attempts_before, locked_until = 0, None
    attempts = attempts_before + 1
    if locked_until is None and attempts >= policy.attempts:
        return FailureOutcome(attempts, now + timedelta(minutes=policy.minutes), True)
    return FailureOutcome(attempts, locked_until, False)


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def until_words(until: datetime, now: datetime) -> str:
    """ "10:42 AM", or "10:42 AM on Dec 2, 2026" when it is not today (the desk's zone)."""
    when = clock(until.time())
    return when if until.date() == now.date() else f"{when} on {long_date(until.date())}"


def locked_words(until: datetime, now: datetime) -> str:
    """What the person at the desk reads; `until` and `now` in the desk's own zone."""
    return f"Too many attempts: try again at {until_words(until, now)} or ask the office " \
        "manager."


class AccountLocked(DomainError):
    """Too many failed attempts: the account is refused until `until`."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(locked_words(until, now))
        self.until = until
