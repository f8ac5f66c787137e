"""Record visits: book, check in, complete with service lines, cancel, no-show, void.

Each call is one transaction that also re-allocates the patient's visits to authorizations
and bumps the change counter, so every workstation's board and panel notice.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import ServiceLineDraft, VisitDraft, VisitView


class VisitService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def book(self, draft: VisitDraft) -> VisitView:
        raise NotImplementedError

    def check_in(self, visit_id: int, at: datetime) -> VisitView:
        raise NotImplementedError

    def complete(self, visit_id: int, lines: Sequence[ServiceLineDraft]) -> VisitView:
        raise NotImplementedError

    def cancel(self, visit_id: int) -> VisitView:
        raise NotImplementedError

    def no_show(self, visit_id: int) -> VisitView:
        raise NotImplementedError

    def void(self, visit_id: int, reason: str) -> VisitView:
        raise NotImplementedError
