"""The practice board (the biller's daily list) from stored aggregates plus the domain."""

from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorization_dtos import BoardView


class BoardService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def board(self, today: date, now: datetime) -> BoardView:
        raise NotImplementedError

    def change_token(self) -> int:
        """Cheap (one row): poll it and refresh the board when it moved."""
        raise NotImplementedError
