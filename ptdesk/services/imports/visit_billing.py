"""Bill imported completed visits the way the session form does: the billing engine turns each
visit's code:minutes into units, modifiers and allowed amounts under the payer's unit method,
with the year's PT+SLP total so far for KX (Medicare).

The engine's own lines (`Evaluator.billed_lines`, then `add_kx`), without the findings an
import does not show: the lines before KX depend only on the year, the payer's kind and
method and the code:minutes, so they are remembered per those; KX (which depends on the
patient's total so far) is added to a copy per visit.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ptdesk.domain.billing import RuleSet
from ptdesk.domain.billing.calc import LineOut
from ptdesk.domain.billing.core import evaluator_for
from ptdesk.domain.payers import PayerKind, UnitMethod

# (code, minutes, units, modifiers, allowed amount)
Billed = tuple[str, int, int, str, Decimal | None]
_CACHE_LIMIT = 20_000


class Biller:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._ev = evaluator_for(rules)
        self._cache: dict[tuple[object, ...], list[LineOut]] = {}
        self._plain: dict[tuple[object, ...], tuple[Billed, ...]] = {}

    def unknown_codes(self, lines: Sequence[tuple[str, int]]) -> list[str]:
        return [c for c, _ in lines if c not in self.rules.codes]

    def bill(self, day: date, kind: PayerKind, method: UnitMethod,
             lines: tuple[tuple[str, int], ...], ytd_before: Decimal | None) -> tuple[Billed, ...]:
        kx = ytd_before is not None and self.rules.policy(kind).needs_kx
        key = (day.year, kind, method, lines)
        if not kx:  # the same result for every visit with this key
            hit = self._plain.get(key)
            if hit is not None:
                return hit
        out = self._cache.get(key)
        if out is None:
            out = self._ev.billed_lines(day, kind, method,
                                        [(c, m, 0, None, None, None) for c, m in lines])
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[key] = out
        if kx:
            assert ytd_before is not None
            out = list(out)  # add_kx marks lines in place: never the remembered ones
            self._ev.add_kx(out, ytd_before, day.year)
        billed = tuple((b[0], b[1], b[2] or 0, " ".join(b[3]), b[5]) for b in out)
        if not kx and len(self._plain) < _CACHE_LIMIT:
            self._plain[key] = billed
        return billed
