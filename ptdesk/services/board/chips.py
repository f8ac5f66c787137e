"""Status chips for a set of patients: the lookup's status column, the Today list, the week
view. Computed by the board's own loader, so a chip and the board row never disagree."""

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.board.practice_board import statuses_for
from ptdesk.storage.engine import session_scope


class StatusChipsApi(Protocol):
    def statuses_for(
        self, patient_ids: Iterable[int], today: date
    ) -> dict[int, StatusChipView]: ...


class StatusChips:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def statuses_for(self, patient_ids: Iterable[int], today: date) -> dict[int, StatusChipView]:
        """The chips of a page of patients (~100), from stored counts."""
        with session_scope(self._factory) as s:
            return statuses_for(s, list(patient_ids), today)
