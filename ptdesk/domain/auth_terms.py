"""The terms of one authorization and the three questions every rule asks of them.

Shared by the billing engine (does this visit's claim fall inside the authorization?) and the
authorization tracker (which authorization does a visit draw from?), so both answer alike.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class AuthUnit(StrEnum):
    """What an authorization counts: whole visits, or units of specific codes."""

    VISITS = "visits"
    UNITS = "units"


@dataclass(frozen=True, slots=True)
class AuthorizationTerms:
    start: date
    end: date
    # The number of visits (or units, for a units-counted authorization) the payer approved.
    authorized: int
    # Codes the authorization names; empty means "any therapy code" (many payers approve visits).
    codes: frozenset[str] = frozenset()
    counts: AuthUnit = AuthUnit.VISITS
    number: str = ""

    def covers_date(self, day: date) -> bool:
        return self.start <= day <= self.end

    def covers_code(self, code: str) -> bool:
        return not self.codes or code in self.codes

    def uncovered_codes(self, codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """Codes of a visit that this authorization does not name, in the order given."""
        return tuple(c for c in codes if not self.covers_code(c))
