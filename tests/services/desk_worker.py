"""A front desk in its own process, for the concurrency tests (multiprocessing, spawn).

Top-level functions only: a spawned process imports this module by name and calls them.
"""

from datetime import datetime

from ptdesk.services.visits.dtos import ServiceLineDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.engine import create_engine_for, make_session_factory

BUSY_TRIES = 5  # as the forms do (ui/widgets/saving_dialog.py): retryable errors are tried again


def check_in_and_complete(url: str, visit_ids: list[int]) -> list[str]:
    """Check in then complete each visit as a desk's form does; returns the errors the person
    would have seen (one line each), and one "busy-retry" line per automatic try."""
    engine = create_engine_for(url)
    from ptdesk.domain.permissions import Role
    from ptdesk.storage.actor import Actor, set_actor

    # A desk of its own: a therapist is signed in there (only a therapist completes).
    set_actor(Actor("desk therapist", frozenset({Role.THERAPIST})))
    svc = VisitService(make_session_factory(engine))
    errors: list[str] = []
    try:
        for vid in visit_ids:
            for step in ("check_in", "complete"):
                for attempt in range(BUSY_TRIES + 1):
                    try:
                        if step == "check_in":
                            svc.check_in(vid, datetime(2026, 3, 20, 8, 55).astimezone())
                        else:
                            svc.complete(vid, [ServiceLineDraft("97110", 2)])
                        break
                    except Exception as exc:  # every error reaching the person is counted
                        if getattr(exc, "retryable", False) and attempt < BUSY_TRIES:
                            errors.append("busy-retry")
                            continue
                        errors.append(f"{step} {vid}: {type(exc).__name__}: {exc}"[:300])
                        break
    finally:
        engine.dispose()
    return errors


def upgrade(url: str) -> str:
    """Upgrade the schema to head; returns the revision reached or the error's type and text."""
    from ptdesk.storage.migrate import upgrade_to_head

    engine = create_engine_for(url)
    try:
        return str(upgrade_to_head(engine).to_revision)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    finally:
        engine.dispose()
