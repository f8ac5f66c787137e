"""Bill imported completed visits the way the session form does: the billing engine turns each
visit's code:minutes into units, modifiers and allowed amounts under the payer's unit method,
with the year's PT+SLP total so far for KX (Medicare)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ptdesk.domain.billing import RuleSet, ServiceLine, VisitInput, evaluate_visit
from ptdesk.domain.payers import PayerKind, UnitMethod

# (code, minutes, units, modifiers, allowed amount)
Billed = tuple[str, int, int, str, Decimal | None]


class Biller:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._cache: dict[tuple[object, ...], tuple[Billed, ...]] = {}

    def unknown_codes(self, lines: Sequence[tuple[str, int]]) -> list[str]:
        return [c for c, _ in lines if c not in self.rules.codes]

    def bill(self, day: date, kind: PayerKind, method: UnitMethod,
             lines: tuple[tuple[str, int], ...], ytd_before: Decimal | None) -> tuple[Billed, ...]:
        kx = self.rules.policy(kind).needs_kx and ytd_before is not None
        key = (day.year, kind, method, lines, ytd_before if kx else None)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = evaluate_visit(VisitInput(
            day, kind, method, tuple(ServiceLine(c, m) for c, m in lines),
            ytd_before if kx else None), self.rules)
        out = tuple((b.code, b.minutes, b.units or 0, " ".join(b.modifiers),
                     b.allowed_amount)
                    for b in result.lines)
        if len(self._cache) < 20_000:
            self._cache[key] = out
        return out
