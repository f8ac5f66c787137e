"""What the board page asks of its service, as a Protocol."""

from datetime import date, datetime
from typing import Protocol

from ptdesk.services.board.dtos import BoardView


class BoardApi(Protocol):
    def board(self, today: date, now: datetime) -> BoardView: ...

    def change_token(self) -> int: ...
