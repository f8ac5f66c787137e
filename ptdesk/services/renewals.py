"""Renewal (extension) requests: record, send, decide; an approval extends or adds the
authorization (`domain.renewal.approval_change`) in the same transaction."""

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import (
    DecisionRecorded,
    RenewalDecision,
    RenewalRequestDraft,
    RequestView,
)


class RenewalService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def create(self, draft: RenewalRequestDraft, now: datetime) -> RequestView:
        raise NotImplementedError

    def update(self, request_id: int, draft: RenewalRequestDraft, now: datetime) -> RequestView:
        raise NotImplementedError

    def mark_sent(self, request_id: int, sent_at: datetime, now: datetime) -> RequestView:
        raise NotImplementedError

    def record_decision(
        self, request_id: int, decision: RenewalDecision, now: datetime
    ) -> DecisionRecorded:
        raise NotImplementedError

    def appeal(self, request_id: int, appealed_at: datetime, now: datetime) -> RequestView:
        raise NotImplementedError

    def for_patient(self, patient_id: int, now: datetime) -> tuple[RequestView, ...]:
        raise NotImplementedError
