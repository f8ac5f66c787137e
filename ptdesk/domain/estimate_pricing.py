"""What one unit of a code costs in an estimate: the payer's allowed amount, else the default
schedule (CMS non-facility total RVU x the year's conversion factor x the clinic's locality
factor, pt-rules I2), and the clinic's self-pay price (else that allowed amount)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate_model import EstimatePayer, EstimateRequest, EstimateTables
from ptdesk.domain.money import ZERO, round_cents


@dataclass(slots=True)
class PriceBook:
    """Prices the visits of one request; remembers which codes came from the default schedule
    (the estimate says so in its assumptions)."""

    request: EstimateRequest
    tables: EstimateTables
    from_default: dict[tuple[int, str], str] = field(default_factory=dict)  # -> version
    bundled: set[str] = field(default_factory=set)

    def allowed(self, code: str, day: date) -> Decimal:
        given = self.request.fees.allowed.get(code)
        if given is not None:
            return given
        year_table = self.tables.default_fees.get(day.year)
        if year_table is None:
            years = ", ".join(str(y) for y in sorted(self.tables.default_fees)) or "none"
            raise ValidationError(
                f"fees: no allowed amount for {code} and ptdesk has no default fee schedule "
                f"for {day.year} (it has {years}); give {code}'s allowed amount in fees",
                field="fees",
            )
        entry = year_table.get(code)
        if entry is None:
            raise ValidationError(
                f"fees: {code} has no allowed amount and is not in the {day.year} CMS fee "
                "schedule; give its allowed amount in fees",
                field="fees",
            )
        medicare = self.request.payer_type is EstimatePayer.MEDICARE
        if entry.status == "C" or (medicare and entry.status == "I"):
            why = "carrier-priced (PFS status C)" if entry.status == "C" else (
                "not valid for Medicare (PFS status I; bill G0283)"
            )
            raise ValidationError(
                f"fees: {code} is {why} in the {day.year} CMS fee schedule; "
                "give its allowed amount in fees",
                field="fees",
            )
        if medicare and entry.status == "B":
            self.bundled.add(code)  # bundled: Medicare never pays it on its own
            return ZERO
        self.from_default[(day.year, code)] = entry.version
        return round_cents(
            entry.total_rvu * entry.conversion_factor * self.request.fees.locality_factor
        )

    def self_pay(self, code: str, day: date) -> Decimal:
        price = self.request.fees.self_pay.get(code)
        return price if price is not None else self.allowed(code, day)

    def knows(self, code: str) -> bool:
        """A code ptdesk can price at all (checked before any arithmetic)."""
        fees = self.request.fees
        return (
            code in fees.allowed
            or code in fees.self_pay
            or any(code in t for t in self.tables.default_fees.values())
        )
