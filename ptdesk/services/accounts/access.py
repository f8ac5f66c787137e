"""The service side of who-may-do-what: `require(permission)` before a write, the signed-in
person (`current_actor`), and `record_event` for what is not a row write (sign-in, lock,
print, export).

Other services call `require(Permission.X)` first thing in a method that changes data; a
refusal is a `NotPermitted` DomainError in words, shown like any other input problem.
"""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.permissions import (
    NotPermitted,
    NotSignedIn,
    Permission,
    Role,
    allows,
    check,
    refusal_words,
)
from ptdesk.storage.actor import Actor, command_line_actor, current_actor, set_actor
from ptdesk.storage.audit_trail import Event, append
from ptdesk.storage.engine import session_scope

log = logging.getLogger(__name__)

__all__ = ["Actor", "NotPermitted", "NotSignedIn", "Permission", "Role", "command_line_actor",
           "current_actor", "exporting", "permitted", "record_event", "require",
           "set_actor", "signed_in", "why_not"]


def signed_in() -> Actor:
    actor = current_actor()
    if actor is None:
        raise NotSignedIn("Nobody is signed in on this desk: sign in first.")
    return actor


def require(permission: Permission) -> Actor:
    """The signed-in person, if their roles allow `permission`; else a `NotPermitted`."""
    actor = signed_in()
    check(actor.name, actor.roles, permission)
    return actor


def permitted(permission: Permission) -> bool:
    """Whether the signed-in person may: for screens that hide or disable what the role
    cannot do (the service refuses anyway)."""
    actor = current_actor()
    return actor is not None and allows(actor.roles, permission)


def why_not(permission: Permission) -> str:
    """The words a disabled control's tooltip shows ("" when permitted)."""
    actor = current_actor()
    if actor is None:
        return "Nobody is signed in on this desk."
    return "" if allows(actor.roles, permission) else refusal_words(actor.name, actor.roles,
                                                                    permission)


def record_event(factory: sessionmaker[Session], action: str, *, table_name: str | None = None,
                 row_id: object = None, patient_id: int | None = None,
                 details: Mapping[str, object] | None = None,
                 actor_name: str | None = None) -> None:
    """Record an event that is not a row write (print, export, sign-in, lock ...) in its own
    transaction. `details` must hold no more patient data than the record itself."""
    with session_scope(factory) as s:
        append(s.connection(), [Event(action, table_name,
                                      None if row_id is None else str(row_id), patient_id,
                                      None, details)], actor_name)


# The screens record prints and exports through this (one line at each print path); the app
# points it at the clinic's database at start. Unset (a page built alone in a test): no-op.
_event_factory: sessionmaker[Session] | None = None


def set_event_database(factory: sessionmaker[Session] | None) -> None:
    global _event_factory
    _event_factory = factory


def forget_event_database(factory: sessionmaker[Session]) -> None:
    """The window of `factory`'s database closed (a newer one may have taken its place)."""
    global _event_factory
    if _event_factory is factory:
        _event_factory = None


def record_ui_event(action: str, *, patient_id: int | None = None,
                    **details: object) -> None:
    """A print or export done on a screen, recorded for the signed-in person."""
    if _event_factory is None:
        return
    try:
        record_event(_event_factory, action, patient_id=patient_id, details=details or None)
    except Exception:  # the page is already printed: say so in the log, never break the print
        log.exception("could not record a %s in the audit trail", action)


@contextmanager
def exporting(what: str, *, patient_id: int | None = None) -> Iterator[None]:
    """A file written on a screen (a table's CSV, a PDF saved): refused before anything is
    written when the role may not export, recorded in the trail once it is written.

        with exporting("board CSV"):
            write_the_file()
    """
    require(Permission.EXPORT_DATA)
    yield
    record_ui_event("export", patient_id=patient_id, what=what)
