"""The board export's `check_in` field: go / warn / stop for a visit on the board's day.

TODO(issue 10): the check-in decision (`domain/checkin.py`, engineer "checkin") is not merged
yet; until it is, this reads the decision off the patient's status the way issue 10 words it:
Green and untracked patients go; Yellow, and Red with an authorization still covering the day
with visits left, go with what to do next (warn); Red with nothing left to draw on and
"None" (the payer needs an authorization and none covers the day) stop.
"""

from datetime import date
from enum import StrEnum

from ptdesk.domain.authorization import Phase
from ptdesk.domain.board import BoardRow
from ptdesk.domain.status import Status


class CheckIn(StrEnum):
    GO = "go"
    WARN = "warn"
    STOP = "stop"


def check_in_of(row: BoardRow, day: date) -> CheckIn:
    if row.status in (Status.GREEN, Status.NOT_TRACKED):
        return CheckIn.GO
    if row.status is Status.YELLOW:
        return CheckIn.WARN
    if any(lim.status is Status.RED and lim.remaining == 0 for lim in row.limits):
        return CheckIn.STOP  # the plan-year limit is reached
    if any(c.status is Status.NONE for c in row.coverages):
        return CheckIn.STOP  # the payer needs an authorization and none covers the day
    if row.status is Status.RED:
        covering = [a for a in row.authorizations
                    if a.phase is Phase.IN_FORCE and a.remaining > 0]
        if row.authorizations and not covering:
            return CheckIn.STOP  # expired, exhausted, not yet started or pending only
        return CheckIn.WARN
    return CheckIn.STOP if row.status is Status.NONE else CheckIn.WARN
