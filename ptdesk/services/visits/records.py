"""Record visits: book, check in, complete with service lines, cancel, no-show, void.

Each call is one transaction that also re-allocates the patient's visits to authorizations
(`auth_records.refresh_patient`) and bumps the change counter, so every workstation's board
and panel notice. Counting (domain.visit_allocation): checked-in and completed visits are used,
booked ones projected; cancelled, no-show and voided never count.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.records import coverage_patient, refresh_patient
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft, VisitView
from ptdesk.services.visits.history import (
    Correction,
    SessionOverride,
    VisitHistoryService,
    VisitHistoryView,
    save_visit_content,
)
from ptdesk.storage.concurrency import retry_conflicts
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, Visit


class VisitNotFound(DomainError):
    """The visit was removed (another desk may have changed it)."""


_DONE = frozenset({VisitStatus.CANCELLED, VisitStatus.NO_SHOW, VisitStatus.VOIDED})


class VisitService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    @retry_conflicts
    def book(self, draft: VisitDraft) -> VisitView:
        require(Permission.SCHEDULE_VISITS)
        with session_scope(self._factory) as s:
            if s.get(Patient, draft.patient_id) is None:
                raise ValidationErrors({"patient_id": "This patient is no longer in the database."})
            if draft.coverage_id is not None and (
                coverage_patient(s, draft.coverage_id) != draft.patient_id
            ):
                raise ValidationErrors({"coverage_id": "Choose one of this patient's coverages."})
            v = Visit(patient_id=draft.patient_id, coverage_id=draft.coverage_id,
                      visit_date=draft.day, scheduled_time=draft.scheduled_time,
                      provider_id=draft.provider_id, notes=draft.notes,
                      status=VisitStatus.BOOKED)
            s.add(v)
            s.flush()
            return self._done(s, v)

    @retry_conflicts
    def check_in(self, visit_id: int, at: datetime) -> VisitView:
        require(Permission.SCHEDULE_VISITS)
        with session_scope(self._factory) as s:
            v = self._get(s, visit_id, allow=(VisitStatus.BOOKED,))
            v.status = VisitStatus.CHECKED_IN
            v.checked_in_at = at
            return self._done(s, v)

    @retry_conflicts
    def complete(self, visit_id: int, lines: Sequence[ServiceLineDraft], *,
                 diagnoses: Sequence[str] = (), reeval_reason: str = "",
                 override: SessionOverride | None = None,
                 correction: Correction | None = None) -> VisitView:
        """Completed with its service lines (replacing any); booked visits may skip check-in.
        A completed visit is corrected only with `correction` (who, when, why): the previous
        version is kept (services.visit_history). Only a therapist completes a session."""
        require(Permission.COMPLETE_SESSION)
        errors: dict[str, str] = {}
        for i, ln in enumerate(lines, 1):
            if not ln.code.strip():
                errors[f"lines.{i}.code"] = f"Line {i} needs a code."
            if ln.units < 0 or ln.minutes < 0 or not 0 <= ln.assistant_minutes <= ln.minutes:
                errors[f"lines.{i}.units"] = f"Line {i}: units and minutes cannot be negative."
        if errors:
            raise ValidationErrors(errors)
        with session_scope(self._factory) as s:
            v = self._get(s, visit_id, allow=(VisitStatus.BOOKED, VisitStatus.CHECKED_IN,
                                               VisitStatus.COMPLETED))
            save_visit_content(s, v, lines, diagnoses, reeval_reason, override, correction)
            v.status = VisitStatus.COMPLETED
            return self._done(s, v)

    def cancel(self, visit_id: int) -> VisitView:
        require(Permission.SCHEDULE_VISITS)
        return self._set(visit_id, VisitStatus.CANCELLED, (VisitStatus.BOOKED,))

    def no_show(self, visit_id: int) -> VisitView:
        require(Permission.SCHEDULE_VISITS)
        return self._set(visit_id, VisitStatus.NO_SHOW, (VisitStatus.BOOKED,))

    @retry_conflicts
    def void(self, visit_id: int, reason: str) -> VisitView:
        """A visit recorded in error (wrong patient or date): it stops counting."""
        require(Permission.VOID_VISIT)
        if not reason.strip():
            raise ValidationErrors({"void_reason": "Say why the visit is voided."})
        with session_scope(self._factory) as s:
            v = self._get(s, visit_id, allow=(VisitStatus.BOOKED, VisitStatus.CHECKED_IN,
                                               VisitStatus.COMPLETED))
            v.status = VisitStatus.VOIDED
            v.void_reason = reason.strip()[:200]
            return self._done(s, v)

    def history(self, visit_id: int) -> VisitHistoryView:
        """The visit's versions (issue 10 item 5), for the record's "History…"."""
        return VisitHistoryService(self._factory).history(visit_id)

    def get(self, visit_id: int) -> VisitView:
        with session_scope(self._factory) as s:
            return _view(self._get(s, visit_id, allow=tuple(VisitStatus)), 0)

    @retry_conflicts
    def _set(self, visit_id: int, status: VisitStatus,
             allow: tuple[VisitStatus, ...]) -> VisitView:
        with session_scope(self._factory) as s:
            v = self._get(s, visit_id, allow=allow)
            v.status = status
            return self._done(s, v)

    @staticmethod
    def _get(s: Session, visit_id: int, allow: tuple[VisitStatus, ...]) -> Visit:
        v = s.get(Visit, visit_id)
        if v is None:
            raise VisitNotFound("This visit is no longer in the database.")
        if v.status not in allow:
            raise ValidationErrors({"status": f"This visit is already {v.status.label.lower()}."})
        return v

    @staticmethod
    def _done(s: Session, v: Visit) -> VisitView:
        s.flush()
        _, token = refresh_patient(s, v.patient_id)
        s.refresh(v, ["authorization_id"])
        return _view(v, token)


def _view(v: Visit, token: int) -> VisitView:
    return VisitView(
        id=v.id, patient_id=v.patient_id, coverage_id=v.coverage_id, day=v.visit_date,
        scheduled_time=v.scheduled_time, provider_id=v.provider_id, status=v.status,
        authorization_id=v.authorization_id,
        lines=tuple(ServiceLineDraft(ln.code, ln.units, ln.minutes, ln.assistant_minutes,
                                     ln.modifiers, ln.allowed_amount) for ln in v.lines),
        void_reason=v.void_reason, change_token=token, reeval_reason=v.reeval_reason,
    )
