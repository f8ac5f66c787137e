"""`Tables`: the rule tables of one `RuleSet`, each lookup done once and remembered.

A RuleSet never changes once built, so everything here is a pure function of its key and the
order in which visits are evaluated cannot change an answer. Each memo is bounded (cleared when
full) so memory stays flat on a file of any size.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ptdesk.domain.billing.assistant import CQ_PAYMENT_FACTOR
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.edits import PtpEdit
from ptdesk.domain.billing.ruleset import RuleSet

CACHE_MAX = 10_000
_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)
# Fee statuses that are never paid separately: their allowed amount is 0.
_UNPAID = ("B", "I", "C")


class Tables:
    __slots__ = ("_allowed", "_codes", "_fees", "_ncci", "_ptp_codes", "rules")

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._codes: dict[str, CodeInfo | None] = {}
        self._fees: dict[tuple[str, int], tuple[Decimal, str | None, str]] = {}
        self._allowed: dict[tuple[Decimal, int, bool], Decimal] = {}
        self._ncci: dict[tuple[tuple[str, ...], date], list[PtpEdit]] = {}
        self._ptp_codes = rules.ptp.codes()

    def code(self, code: str) -> CodeInfo | None:
        try:
            return self._codes[code]
        except KeyError:
            pass
        info = self.rules.codes.get(code)
        if len(self._codes) >= CACHE_MAX:
            self._codes.clear()
        self._codes[code] = info
        return info

    def fee(self, code: str, year: int) -> tuple[Decimal, str | None, str]:
        """(amount per unit as paid, PFS status, table version); (0, None, "") when unknown."""
        key = (code, year)
        hit = self._fees.get(key)
        if hit is None:
            fee = self.rules.fee(code, year)
            if fee is None:
                hit = (_ZERO, None, "")
            else:
                unit = _ZERO if fee.status in _UNPAID else fee.amount
                hit = (unit, fee.status, fee.version)
            if len(self._fees) >= CACHE_MAX:
                self._fees.clear()
            self._fees[key] = hit
        return hit

    def fee_amount(self, unit_fee: Decimal, units: int, cq_reduced: bool) -> Decimal:
        """The fee schedule's allowed amount for `units` units (CQ reduced or not).

        Money is rounded here, to the cent with the Decimal context's rounding (half-even).
        """
        key = (unit_fee, units, cq_reduced)
        hit = self._allowed.get(key)
        if hit is None:
            factor = CQ_PAYMENT_FACTOR if cq_reduced else _ONE
            hit = (unit_fee * units * factor).quantize(_CENT)
            if len(self._allowed) >= CACHE_MAX:
                self._allowed.clear()
            self._allowed[key] = hit
        return hit

    def ncci_edits(self, codes: list[str], day: date) -> list[PtpEdit]:
        """The NCCI edits in force among `codes` on `day`."""
        relevant = tuple(sorted(c for c in codes if c in self._ptp_codes))
        if len(relevant) < 2:
            return []
        key = (relevant, day)
        hit = self._ncci.get(key)
        if hit is None:
            hit = self.rules.ptp.edits_in_force(relevant, day)
            if len(self._ncci) >= CACHE_MAX:
                self._ncci.clear()
            self._ncci[key] = hit
        return hit
