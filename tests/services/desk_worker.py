"""A front desk in its own process, for the concurrency tests (multiprocessing, spawn).

Top-level functions only: a spawned process imports this module by name and calls them.
"""

from datetime import datetime

from ptdesk.services.authorization_dtos import ServiceLineDraft
from ptdesk.services.visits import VisitService
from ptdesk.storage.engine import create_engine_for, make_session_factory


def check_in_and_complete(url: str, visit_ids: list[int]) -> list[str]:
    """Check in then complete each visit; returns the errors a caller saw (one line each)."""
    engine = create_engine_for(url)
    svc = VisitService(make_session_factory(engine))
    errors: list[str] = []
    try:
        for vid in visit_ids:
            for step in ("check_in", "complete"):
                try:
                    if step == "check_in":
                        svc.check_in(vid, datetime(2026, 3, 20, 8, 55).astimezone())
                    else:
                        svc.complete(vid, [ServiceLineDraft("97110", 2)])
                except Exception as exc:  # every error reaching the caller is what we count
                    errors.append(f"{step} {vid}: {type(exc).__name__}: {exc}"[:300])
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
