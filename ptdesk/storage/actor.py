"""Who is acting on this desk: set at sign-in (or by a command), read by the services'
permission checks and by the audit trail that stamps every write.

One desk process has one person signed in at a time; service calls run on worker threads, so
the holder is process-wide (not a context variable, which a thread would not inherit).
"""

import getpass
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ptdesk.domain.permissions import Role


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[Role]
    user_id: int | None = None  # None: the command line or a system task


_lock = threading.Lock()
_current: Actor | None = None


def set_actor(actor: Actor | None) -> None:
    global _current
    with _lock:
        _current = actor


def current_actor() -> Actor | None:
    with _lock:
        return _current


def command_line_actor() -> Actor:
    """A headless command (`ptdesk import`, `export`, `rules import`, `backup` ...): nobody
    signs in on a command line, so it acts as the OS account that ran it, with the office
    manager's rights, and every write or export is recorded under "command line: <account>".

    Why a manager and not a check of a ptdesk password: whoever can run ptdesk on the clinic's
    file (or holds the server's credentials) can already read and write all of it; a role
    check there would only pretend. Why not every role: the command line is an
    administrator's tool, not a clinician, so it completes no session (as the manager)."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container)
        who = "unknown account"
    return Actor(f"command line: {who}", frozenset({Role.MANAGER}))


def demo_setup_actor() -> Actor:
    """Creating the synthetic demo clinic (no person, no real patient)."""
    return Actor("demo set-up", frozenset(Role))


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Act as `actor` for a block, then whoever acted before again."""
    before = current_actor()
    set_actor(actor)
    try:
        yield
    finally:
        set_actor(before)
