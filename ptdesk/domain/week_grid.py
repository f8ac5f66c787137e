"""The week view's grid (issue 10 #2): the clinic's time slots and which slot a visit sits in.

Rows are slots from opening to closing (default 8:00 to 18:00 in 30-minute slots); a visit
sits in the slot that contains its time; one before opening sits in the first slot and one
at or after closing in the last, so no visit is ever hidden. Pure.
"""

from dataclasses import dataclass
from datetime import time
from functools import lru_cache

from ptdesk.domain.errors import ValidationErrors


@dataclass(frozen=True, slots=True)
class ClinicHours:
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    slot_minutes: int = 30

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if not _minutes(self.opens) < _minutes(self.closes):
            errors["closes"] = "The clinic must close after it opens."
        if self.slot_minutes not in (10, 15, 20, 30, 45, 60):
            errors["slot_minutes"] = "A slot is 10, 15, 20, 30, 45 or 60 minutes."
        if errors:
            raise ValidationErrors(errors)

    def slots(self) -> tuple[time, ...]:
        return _slots(self.opens, self.closes, self.slot_minutes)

    def slot_of(self, at: time) -> int:
        n = len(self.slots())
        i = (_minutes(at) - _minutes(self.opens)) // self.slot_minutes
        return min(max(i, 0), n - 1)


@lru_cache(maxsize=16)  # asked for every visit and every cell painted
def _slots(opens: time, closes: time, minutes: int) -> tuple[time, ...]:
    start, end = _minutes(opens), _minutes(closes)
    return tuple(time(m // 60, m % 60) for m in range(start, end, minutes))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def parse_hours(opens: str, closes: str, slot: str) -> ClinicHours:
    """From the stored settings ('08:00', '18:00', '30'); the defaults when unset or bad."""
    try:
        return ClinicHours(time.fromisoformat(opens), time.fromisoformat(closes), int(slot))
    except (ValueError, ValidationErrors):
        return ClinicHours()
