"""Patients whose derived rows a save made stale, re-derived before the save commits.

The derived rows (`visits.authorization_id`, the usage tables, `board_inputs`) are rewritten by
the services right after they change a patient's visits, authorizations or coverages
(`services.authorizations.records.refresh_patient`). This is the safety net under that rule:
every ORM flush that writes a coverage, an authorization or its codes, a visit or a service
line marks the patient, the derivation unmarks the patients it rewrote, and whatever is still
marked when the transaction commits is re-derived first, in the same transaction. So a write
path that forgets the derivation (a new service, a test fixture) cannot leave the board reading
stale inputs. Core bulk writes (imports) bypass the ORM and derive their patients themselves.

The derivation lives in the services (above this layer): they register it once
(`set_rederive`). A session that takes the derivation on itself for a whole batch (the demo
generator) sets `session.info[DERIVE_LATER] = True`.
"""

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from ptdesk.storage.concurrency import patient_of

_KEY = "ptdesk.underived_patients"
DERIVE_LATER = "ptdesk.derive_later"

_rederive: Callable[[Session, list[int]], None] | None = None


def set_rederive(fn: Callable[[Session, list[int]], None]) -> None:
    """The services' derivation of these patients (inside the session's transaction)."""
    global _rederive
    _rederive = fn


def _watched() -> tuple[type[Any], ...]:
    from ptdesk.storage.models import (
        Authorization,
        AuthorizationCode,
        Coverage,
        ServiceLine,
        Visit,
    )

    return (Coverage, Authorization, AuthorizationCode, Visit, ServiceLine)


def mark_before_flush(session: Session, _context: object, _instances: object) -> None:
    """`before_flush`: mark the patients whose derived inputs this flush changes."""
    if session.info.get(DERIVE_LATER):
        return
    watched = _watched()
    changed = [o for o in (*session.new, *session.dirty, *session.deleted)
               if isinstance(o, watched)]
    if not changed:
        return
    marked: set[int] = session.info.setdefault(_KEY, set())
    with session.no_autoflush:
        for o in changed:
            pid = patient_of(session, o)
            if pid is not None:
                marked.add(pid)


def derived(session: Session, patient_ids: Iterable[int]) -> None:
    """The derivation rewrote these patients from what is flushed: unmark them."""
    marked: set[int] | None = session.info.get(_KEY)
    if marked:
        marked.difference_update(patient_ids)


def rederive_before_commit(session: Session) -> None:
    """`before_commit`: derive the patients still marked (flushing what is pending first)."""
    if session.info.get(DERIVE_LATER):
        return
    session.flush()
    marked: set[int] | None = session.info.pop(_KEY, None)
    if marked and _rederive is not None:
        _rederive(session, sorted(marked))
        session.info.pop(_KEY, None)


def forget_marks(session: Session, *_args: object) -> None:
    session.info.pop(_KEY, None)
