"""One patient's authorization panel, and the status column of the patient lookup."""

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import PanelView, StatusChipView


class PanelService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def panel(self, patient_id: int, today: date, now: datetime) -> PanelView:
        """Every authorization, limit, KX and request of the patient, with the status and
        every reason (the per-visit path: `domain.patient_status.patient_panel`)."""
        raise NotImplementedError

    def statuses_for(self, patient_ids: Iterable[int], today: date) -> dict[int, StatusChipView]:
        """The lookup's status column for a page of patients (~100), from stored counts."""
        raise NotImplementedError
