"""The billing engine: one visit's service lines in, billed lines and findings out.

This is the only implementation of the billing rules. The session form reaches it through
`engine.evaluate_visit` (frozen dataclasses, a view over this result); the audit calls
`Evaluator.evaluate` directly on plain tuples, a million lines at a time.

How a visit is evaluated:
1. lines of one code are merged (pt-rules B6.5) into `calc.Merged`;
2. timed minutes become units by the payer's method, CMS or AMA (`units.py`);
3. each code's units are billed, split into CQ and non-CQ parts (`assistant.py`), priced from
   the fee schedule or the allowed amount given, and KX is added past the year's threshold
   (`kx.py`);
4. every rule in `RULES` runs, in order, over the resulting `calc.VisitCalc`.

WHERE A NEW RULE GOES: write one function `rule(v: VisitCalc, findings: list[FindingT]) ->
None` in checks.py (rules on what was billed) or edit_checks.py (rules from CMS tables and
payer terms), or a new module beside them when it is its own subject, and add it to `RULES`
below at the place its findings should be reported. A rule reads `v` (the visit, its merged
codes, the lines billed, `v.tables` for remembered table lookups) and appends finding tuples
in `Finding` field order. It never changes `v`. Nothing else is needed: the screens and the
audit both see it.

Money is rounded in two places only: `Tables.fee_amount` (fee x units x CQ factor) and the
share of a given allowed amount in `_bill_code`, both half-up to the cent with
`domain.money.round_cents` (one rounding rule for the whole project, issue 11; until then the
engine rounded half-even and the rest of ptdesk half-up).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing import checks, edit_checks
from ptdesk.domain.billing.assistant import (
    CQ_REDUCTION_FROM,
    CQ_REQUIRED_FROM,
    cq_split_timed,
    cq_split_untimed,
)
from ptdesk.domain.billing.calc import (
    FindingT,
    LineIn,
    LineOut,
    Merged,
    VisitCalc,
    money_text,
)
from ptdesk.domain.billing.explain import explain_units
from ptdesk.domain.billing.findings import SRC_CODES, SRC_KX, RuleId, Severity
from ptdesk.domain.billing.kx import kx_for_lines
from ptdesk.domain.billing.modifiers import CQ, GP, KX
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.billing.tables import Tables
from ptdesk.domain.billing.units import Allocation, ama_units, cms_units
from ptdesk.domain.money import round_cents
from ptdesk.domain.payers import PayerKind, UnitMethod

Rule = Callable[[VisitCalc, list[FindingT]], None]

# Every rule that reports on a billed visit, in the order its findings appear.
RULES: tuple[Rule, ...] = (
    checks.billed_lines,
    edit_checks.pfs_status,
    edit_checks.mue,
    edit_checks.ncci,
    edit_checks.authorization,
    checks.reevaluation_reason,
)

_ZERO = Decimal(0)
_CQ_NOTE = "CQ: paid at 85% of the fee schedule (15% reduction since 2022)"
_W = Severity.WARNING
_UNITS_RULES = (RuleId.UNITS_OVERBILLED, RuleId.UNITS_UNDERBILLED)


class Outcome:
    """One evaluated visit: billed lines and findings as tuples (see calc.py), plus totals."""

    __slots__ = (
        "allocation",
        "alternative",
        "cq_reasons",
        "findings",
        "lines",
        "units_overbilled",
        "units_underbilled",
        "ytd_after",
    )

    def __init__(self, lines: list[LineOut], findings: list[FindingT], allocation: Allocation,
                 alternative: Allocation, cq_reasons: list[tuple[str, str]], over: int,
                 under: int, ytd_after: Decimal | None) -> None:
        self.lines = lines
        self.findings = findings
        self.allocation = allocation
        self.alternative = alternative
        self.cq_reasons = cq_reasons
        self.units_overbilled = over
        self.units_underbilled = under
        self.ytd_after = ytd_after

    @property
    def ties(self) -> tuple[str, ...]:
        return self.allocation.tied_codes

    def explanation(self) -> str:
        text = explain_units(self.allocation, self.alternative)
        extra = [f"{code}: {why}" for code, why in self.cq_reasons if why]
        return text if not extra else text + ". CQ: " + "; ".join(extra)


def _allocate(merged: list[Merged], method: UnitMethod,
              tie_preference: tuple[str, ...]) -> tuple[Allocation, Allocation]:
    timed = [(m.code, m.minutes) for m in merged if m.info is not None and m.info.is_timed]
    cms = cms_units(timed, tie_preference)
    if cms.tied_codes:
        # A billed choice among tied codes is the therapist's to make: honour it.
        billed_pref = tuple(
            m.code for m in merged
            if m.code in cms.tied_codes and m.billed_units is not None
            and m.billed_units == m.minutes // 15 + 1
        )
        if billed_pref:
            cms = cms_units(timed, billed_pref + tie_preference)
    ama = ama_units(timed)
    return (cms, ama) if method is UnitMethod.CMS else (ama, cms)


class Evaluator:
    """Evaluates visits against one RuleSet (which never changes), remembering table lookups."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.tables = Tables(rules)

    def evaluate(
        self,
        day: date,
        payer: PayerKind,
        method: UnitMethod,
        lines: Sequence[LineIn],
        ytd: Decimal | None = None,
        auth: AuthorizationTerms | None = None,
        visit_number: int | None = None,
        tie_preference: tuple[str, ...] = (),
        reeval_reason: str | None = None,
    ) -> Outcome:
        merged, out, owner, alloc, other, cq_reasons, findings = self._billed(
            day, payer, method, lines, tie_preference)
        policy = self.rules.policies[payer]
        ytd_after = None
        if policy.needs_kx and ytd is not None:
            ytd_after = self._add_kx(out, ytd, day.year, findings)
        v = VisitCalc(day, policy, self.tables, merged, out, owner, alloc, ytd, auth,
                      visit_number, reeval_reason)
        over = under = 0
        for k, m in enumerate(merged):
            if m.info is not None and m.billed_units is not None:
                diff = m.billed_units - v.expected[k]
                if diff > 0:
                    over += diff
                else:
                    under -= diff
        for rule in RULES:
            rule(v, findings)
        return Outcome(out, findings, alloc, other, cq_reasons, over, under, ytd_after)

    def billed_lines(self, day: date, payer: PayerKind, method: UnitMethod,
                     lines: Sequence[LineIn]) -> list[LineOut]:
        """Only the billed lines before KX (no rules, no findings): what an import of
        already-performed visits writes; `add_kx` then marks them for the year's total."""
        return self._billed(day, payer, method, lines, ())[1]

    def add_kx(self, out: list[LineOut], ytd: Decimal, year: int) -> Decimal | None:
        """KX on `out` in place past the year's threshold; the PT+SLP total after (None: no
        threshold for that year, as `evaluate` reports it)."""
        return self._add_kx(out, ytd, year, [])

    def _billed(
        self, day: date, payer: PayerKind, method: UnitMethod, lines: Sequence[LineIn],
        tie_preference: tuple[str, ...],
    ) -> tuple[list[Merged], list[LineOut], list[int], Allocation, Allocation,
               list[tuple[str, str]], list[FindingT]]:
        rules = self.rules
        policy = rules.policies[payer]
        merged: list[Merged] = []
        by_code: dict[str, Merged] = {}
        for i, line in enumerate(lines):
            m = by_code.get(line[0])
            if m is None:
                m = by_code[line[0]] = Merged(line, i, self.tables.code(line[0]))
                merged.append(m)
            else:
                m.add(line, i)
        for m in merged:
            rows = m.billed_modifier_rows
            if m.billed_units is not None and rows is not None:
                m.billed_cq_units = sum(
                    u or 0 for u, r in zip(m.billed_unit_rows, rows, strict=True) if CQ in r
                )
        alloc, other = _allocate(merged, method, tie_preference)
        findings: list[FindingT] = []
        out: list[LineOut] = []
        owner: list[int] = []  # index into merged of each billed line
        cq_reasons: list[tuple[str, str]] = []
        units_by_code = alloc.as_dict()
        cq_on = policy.needs_cq and day >= CQ_REQUIRED_FROM
        cq_reduced = day >= CQ_REDUCTION_FROM
        base: tuple[str, ...] = (GP,) if policy.needs_gp else ()
        for k, m in enumerate(merged):
            if m.info is None:
                findings.append((
                    RuleId.UNKNOWN_CODE, _W, m.code,
                    f"ptdesk does not know code {m.code}: its units, modifiers and edits were "
                    "not checked and its minutes are not in the timed total.",
                    SRC_CODES, rules.codes_version, m.input_lines[0],
                ))
                out.append((m.code, m.minutes, None, (), m.assistant_minutes,
                            m.allowed_given or _ZERO, ""))
                owner.append(k)
                continue
            units = units_by_code.get(m.code, 0) if m.info.is_timed else 1
            for b in self._bill_code(m, units, day, cq_on, cq_reduced, base, cq_reasons):
                out.append(b)
                owner.append(k)
        return merged, out, owner, alloc, other, cq_reasons, findings

    def _bill_code(self, m: Merged, units: int, day: date, cq_on: bool, cq_reduced: bool,
                   base: tuple[str, ...], cq_reasons: list[tuple[str, str]]) -> list[LineOut]:
        """One known code's billed line(s): a CQ part and a non-CQ part when the assistant's
        share calls for it (pt-rules D3), each priced."""
        code, minutes, asst, info = m.code, m.minutes, m.assistant_minutes, m.info
        assert info is not None
        with_cq = 0
        if cq_on and info.cq_applies and asst > 0:
            split = (cq_split_timed if info.is_timed else cq_split_untimed)(minutes, asst, units)
            with_cq = split.units_with_cq
            cq_reasons.append((code, split.explanation))
        given = m.allowed_given
        unit_fee = _ZERO if given is not None else self.tables.fee(code, day.year)[0]
        parts: list[tuple[int, bool]] = []
        if units - with_cq > 0 or units == 0:
            parts.append((units - with_cq, False))
        if with_cq > 0:
            parts.append((with_cq, True))
        two = len(parts) == 2
        billed: list[LineOut] = []
        for part_units, is_cq in parts:
            if two:
                p_min = asst if is_cq else minutes - asst
                p_asst = asst if is_cq else 0
            else:
                p_min, p_asst = minutes, asst
            if given is not None:
                share = given * part_units / units if units else given
                allowed = round_cents(share)
            else:
                allowed = self.tables.fee_amount(unit_fee, part_units, is_cq and cq_reduced)
            note = _CQ_NOTE if is_cq and cq_reduced else ""
            mods = (*base, CQ) if is_cq else base
            billed.append((code, p_min, part_units, mods, p_asst, allowed, note))
        return billed

    def _add_kx(self, out: list[LineOut], ytd: Decimal, year: int,
                findings: list[FindingT]) -> Decimal | None:
        """KX on every line past the year's PT+SLP threshold (pt-rules D2); the total after."""
        threshold = self.rules.kx.get(year)
        if threshold is None:
            findings.append((
                RuleId.KX_THRESHOLD_UNKNOWN, _W, None,
                f"ptdesk has no KX threshold for {year}: KX was not checked. Enter the year's "
                "amount in the rule tables.",
                SRC_KX, "kx_thresholds (no row for this year)", None,
            ))
            return None
        kx = kx_for_lines(ytd, [b[5] for b in out], threshold)
        for j, need in enumerate(kx.needs_kx):
            b = out[j]
            if need and b[2]:
                out[j] = (b[0], b[1], b[2], (*b[3], KX), b[4], b[5], b[6])
        if kx.crossed_review:
            review = threshold.review or _ZERO
            verb = "passes" if ytd <= review else "is already above"
            findings.append((
                RuleId.KX_REVIEW_THRESHOLD, _W, None,
                f"This patient's PT+SLP total for {threshold.year} {verb} the "
                f"{money_text(review)} targeted medical review amount "
                f"({money_text(kx.total_after)} after this visit): claims may be reviewed; keep "
                "KX and the documentation of medical necessity complete.",
                SRC_KX, threshold.version, None,
            ))
        return kx.total_after


def needs_explanation(res: Outcome, findings: Sequence[FindingT]) -> bool:
    """The audit explains a visit with a tie or a units finding."""
    return bool(res.allocation.tied_codes) or any(f[0] in _UNITS_RULES for f in findings)


_EVALUATORS: dict[int, tuple[RuleSet, Evaluator]] = {}


def evaluator_for(rules: RuleSet) -> Evaluator:
    """The evaluator of `rules`, kept while the RuleSet is in use (a few at most)."""
    hit = _EVALUATORS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_EVALUATORS) >= 4:
        _EVALUATORS.clear()
    ev = Evaluator(rules)
    _EVALUATORS[id(rules)] = (rules, ev)
    return ev
