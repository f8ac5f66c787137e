"""Password and PIN hashing: argon2id (argon2-cffi's maintained defaults, memory-hard).

A hash made with older parameters is replaced at the next successful sign-in
(`needs_rehash`), so raising the cost later reaches every account.
"""

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_PASSWORD = 8
PIN_DIGITS = (4, 8)


@cache
def _hasher() -> "PasswordHasher":
    # argon2 (a C extension, ~15 ms) loads at the first sign-in or password change, not with
    # the window (issue 9 #3, start-up).
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher().hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored or not secret:
        return False
    try:
        return _hasher().verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    from argon2.exceptions import InvalidHashError

    try:
        return _hasher().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def password_problem(password: str, again: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"The password needs at least {MIN_PASSWORD} characters."
    if password != again:
        return "The two passwords are not the same."
    return None


def pin_problem(pin: str) -> str | None:
    if pin and not (pin.isdigit() and PIN_DIGITS[0] <= len(pin) <= PIN_DIGITS[1]):
        return f"A PIN is {PIN_DIGITS[0]} to {PIN_DIGITS[1]} digits (or leave it empty)."
    return None
