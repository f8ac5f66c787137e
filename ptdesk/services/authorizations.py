"""Add, edit and end authorizations; keep each patient's visit allocation current (issue 5).

Every method is one transaction (`session_scope`) and returns frozen rows from
`authorization_dtos`. Validation is the domain's (`AuthorizationRecord` refuses an end before
the start, negative counts); what needs the database (overlaps with the coverage's other
authorizations) comes back as warnings, not errors. After every change the patient's visits
are re-allocated (`domain.visit_allocation.allocate`) and the change counter is bumped.
"""

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import (
    AuthorizationDraft,
    AuthorizationSaved,
    OverlapWarning,
)


class AuthorizationService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def check(
        self, draft: AuthorizationDraft, authorization_id: int | None = None
    ) -> tuple[OverlapWarning, ...]:
        """Validate without saving: raises `ValidationErrors` (by field) for what is refused,
        returns the overlap warnings the dialog shows before saving."""
        raise NotImplementedError

    def add(self, draft: AuthorizationDraft) -> AuthorizationSaved:
        """Add an approved authorization or a pending placeholder; re-allocate the visits."""
        raise NotImplementedError

    def update(self, authorization_id: int, draft: AuthorizationDraft) -> AuthorizationSaved:
        raise NotImplementedError

    def end(self, authorization_id: int, ended_on: date, reason: str) -> AuthorizationSaved:
        """Close early (discharge, replaced): visits after `ended_on` stop drawing from it."""
        raise NotImplementedError

    def draft_of(self, authorization_id: int) -> AuthorizationDraft:
        raise NotImplementedError

    def reallocate_patient(self, patient_id: int) -> int:
        """Rewrite the patient's stored allocation and usage; returns visits touched."""
        raise NotImplementedError

    def reallocate_all(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every patient (after a bulk import or the demo generator); returns patients done."""
        raise NotImplementedError
