"""`FastEvaluator`: the same answer as `evaluate_visit`, for bulk work (the audit).

Same rules, same words, same order of findings; the difference is only in representation and
in what is remembered. Results are plain tuples in the field order of the engine's dataclasses
(`BilledLine`, `Finding`), and everything that depends only on the rule tables (a code's
catalogue entry, its fee for a year, a payer's policy, the NCCI edits among a set of codes on a
date) is looked up once and remembered in small bounded dictionaries. Nothing depends on the
order in which visits are evaluated. `tests/domain/billing/test_fast.py` checks it against
`evaluate_visit` on random visits (ties, CQ splits, KX straddles, NCCI, MUE, authorizations).

Input lines are tuples in `ServiceLine` field order:
`(code, minutes, assistant_minutes, billed_units, billed_modifiers, allowed_amount)`.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.billing import checks
from ptdesk.domain.billing.assistant import (
    CQ_PAYMENT_FACTOR,
    CQ_REDUCTION_FROM,
    CQ_REQUIRED_FROM,
    cq_split_timed,
    cq_split_untimed,
)
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.edits import MAI_MEANING, PtpEdit
from ptdesk.domain.billing.findings import (
    SRC_AUTH,
    SRC_CODES,
    SRC_CQ,
    SRC_GP,
    SRC_KX,
    SRC_MUE,
    SRC_NCCI,
    SRC_UNITS_AMA,
    SRC_UNITS_CMS,
    Finding,
    RuleId,
    Severity,
)
from ptdesk.domain.billing.modifiers import CQ, DISTINCT_SERVICE, GP, KX, WRONG_DISCIPLINE
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.domain.words import agree, plural

# (code, minutes, assistant_minutes, billed_units, billed_modifiers, allowed_amount)
LineIn = tuple[str, int, int, int | None, frozenset[str] | None, Decimal | None]
# (code, minutes, units, modifiers, assistant_minutes, allowed_amount, note)
LineOut = tuple[str, int, int | None, tuple[str, ...], int, Decimal, str]
# (rule, severity, code, message, source, table_version, line)
FindingT = tuple[RuleId, Severity, str | None, str, str, str, int | None]

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_CQ_NOTE = "CQ: paid at 85% of the fee schedule (15% reduction since 2022)"
_CACHE_MAX = 10_000
_E = Severity.ERROR
_W = Severity.WARNING
_UNITS_RULES = (RuleId.UNITS_OVERBILLED, RuleId.UNITS_UNDERBILLED)


def finding_tuple(f: Finding) -> FindingT:
    return (f.rule, f.severity, f.code, f.message, f.source, f.table_version, f.line)


def _money(x: Decimal) -> str:
    return f"${x:,.2f}"


class _Alloc:
    """A lean `Allocation`: parallel lists, one entry per timed code, in input order."""

    __slots__ = (
        "codes",
        "method",
        "minutes",
        "tied",
        "total_minutes",
        "total_units",
        "units",
        "winners",
    )

    def __init__(self, method: str, codes: list[str], minutes: list[int], units: list[int],
                 total_minutes: int, total_units: int, tied: tuple[str, ...] = (),
                 winners: tuple[str, ...] = ()) -> None:
        self.method = method
        self.codes = codes
        self.minutes = minutes
        self.units = units
        self.total_minutes = total_minutes
        self.total_units = total_units
        self.tied = tied
        self.winners = winners


def _cms(codes: list[str], minutes: list[int], pref: Sequence[str]) -> _Alloc:
    """`units.cms_units` over parallel lists (minutes already checked non-negative)."""
    total = sum(minutes)
    n_units = (total + 7) // 15 if total > 0 else 0
    units = [m // 15 for m in minutes]
    extra_left = n_units - sum(units)
    tied: tuple[str, ...] = ()
    tie_winners: tuple[str, ...] = ()
    if extra_left > 0:
        rems = [m % 15 for m in minutes]
        prefs = {code: i for i, code in enumerate(pref)}
        big = len(prefs)
        order = sorted(
            (i for i in range(len(codes)) if rems[i] > 0),
            key=lambda i: (-rems[i], prefs.get(codes[i], big), -minutes[i], i),
        )
        chosen = order[:extra_left]
        for i in chosen:
            units[i] += 1
        cut = rems[chosen[-1]]
        at_cut = [i for i in order if rems[i] == cut]
        picked = [i for i in at_cut if i in chosen]
        if len(at_cut) > len(picked):
            tied = tuple(codes[i] for i in at_cut)
            tie_winners = tuple(codes[i] for i in picked)
    return _Alloc("cms", codes, minutes, units, total, n_units, tied, tie_winners)


def _ama(codes: list[str], minutes: list[int]) -> _Alloc:
    units = [(m + 7) // 15 if m > 0 else 0 for m in minutes]
    return _Alloc("ama", codes, minutes, units, sum(minutes), sum(units))


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth")


def _explain_one(a: _Alloc) -> str:
    """`explain.explain_allocation` for a lean allocation."""
    if not a.codes:
        return "no timed minutes"
    if a.method == "ama":
        parts = [f"{c} {m} min = {plural(u, 'unit')}"
                 for c, m, u in zip(a.codes, a.minutes, a.units, strict=True)]
        return (
            f"AMA per-code: {'; '.join(parts)} (each code on its own clock, 8+ minutes per "
            f"unit); total {plural(a.total_units, 'unit')}"
        )
    head = f"{a.total_minutes} timed minutes = {plural(a.total_units, 'unit')}"
    parts = []
    full_total = 0
    extras = []
    for i, (c, m) in enumerate(zip(a.codes, a.minutes, strict=True)):
        full, rem = divmod(m, 15)
        full_total += full
        parts.append(f"{c} {15 * full} + {rem} remaining" if full else f"{c} {rem} remaining")
        if a.units[i] > full:
            extras.append((-rem, a.winners.index(c) if c in a.winners else 0, i))
    text = f"{head}; {', '.join(parts)}"
    if extras:
        extras.sort(key=lambda t: (t[0], t[1]))  # stable, as `sorted` with the same key
        gives = []
        for k, (_, _, i) in enumerate(extras):
            n = full_total + k + 1
            ordinal = _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"unit {n}"
            gives.append(f"{ordinal} unit to {a.codes[i]}")
        text += ": " + ", ".join(gives)
    elif a.total_units == 0 and a.total_minutes > 0:
        text += ": under 8 minutes in total, nothing to bill"
    if a.tied:
        text += (
            f" ({' and '.join(a.tied)} have equal remaining minutes: CMS lets the "
            f"therapist choose; ptdesk picked {', '.join(a.winners)})"
        )
    return text


class Explanation:
    """What `VisitResult.explanation()` says, computed only when asked for."""

    __slots__ = ("chosen", "cq_reasons", "other")

    def __init__(self, chosen: _Alloc, other: _Alloc, cq_reasons: list[tuple[str, str]]) -> None:
        self.chosen = chosen
        self.other = other
        self.cq_reasons = cq_reasons

    def text(self) -> str:
        a, b = self.chosen, self.other
        text = _explain_one(a)
        if a.units != b.units:
            per_code = ", ".join(f"{c} {u}" for c, u in zip(b.codes, b.units, strict=True))
            name = "AMA per-code" if b.method == "ama" else "CMS total-time"
            text += f". {name} would give {plural(b.total_units, 'unit')} ({per_code})"
        extra = [f"{code}: {why}" for code, why in self.cq_reasons if why]
        return text if not extra else text + ". CQ: " + "; ".join(extra)


class FastResult:
    """`VisitResult`'s content as plain tuples (see the module docstring)."""

    __slots__ = (
        "explain",
        "findings",
        "lines",
        "ties",
        "total_timed_minutes",
        "total_timed_units",
        "units_overbilled",
        "units_underbilled",
        "ytd_after",
    )

    def __init__(self, lines: list[LineOut], findings: list[FindingT], total_minutes: int,
                 total_units: int, over: int, under: int, ties: tuple[str, ...],
                 ytd_after: Decimal | None, explain: Explanation) -> None:
        self.lines = lines
        self.findings = findings
        self.total_timed_minutes = total_minutes
        self.total_timed_units = total_units
        self.units_overbilled = over
        self.units_underbilled = under
        self.ties = ties
        self.ytd_after = ytd_after
        self.explain = explain

    def needs_explanation(self) -> bool:
        """The audit explains a visit with a tie or a units finding."""
        return bool(self.ties) or any(f[0] in _UNITS_RULES for f in self.findings)


class FastEvaluator:
    """Evaluates visits against one RuleSet (which never changes), remembering table lookups."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._codes: dict[str, CodeInfo | None] = {}
        self._fees: dict[tuple[str, int], tuple[Decimal, str | None, str]] = {}
        self._allowed: dict[tuple[Decimal, int, bool], Decimal] = {}
        self._status: dict[tuple[str, int, Severity], FindingT | None] = {}
        self._ncci: dict[tuple[tuple[str, ...], date], list[PtpEdit]] = {}
        self._ptp_codes = rules.ptp.codes()

    # ---- table lookups, remembered ---------------------------------------------------------

    def _fee(self, code: str, year: int) -> tuple[Decimal, str | None, str]:
        key = (code, year)
        hit = self._fees.get(key)
        if hit is None:
            fee = self.rules.fee(code, year)
            if fee is None:
                hit = (_ZERO, None, "")
            else:
                unit = _ZERO if fee.status in ("B", "I", "C") else fee.amount
                hit = (unit, fee.status, fee.version)
            self._fees[key] = hit
        return hit

    def _fee_amount(self, unit_fee: Decimal, units: int, reduced: bool) -> Decimal:
        key = (unit_fee, units, reduced)
        hit = self._allowed.get(key)
        if hit is None:
            factor = CQ_PAYMENT_FACTOR if reduced else _ONE
            hit = (unit_fee * units * factor).quantize(_CENT)
            if len(self._allowed) > _CACHE_MAX:
                self._allowed.clear()
            self._allowed[key] = hit
        return hit

    def _edits(self, codes: list[str], day: date) -> list[PtpEdit]:
        relevant = tuple(sorted(c for c in codes if c in self._ptp_codes))
        if len(relevant) < 2:
            return []
        key = (relevant, day)
        hit = self._ncci.get(key)
        if hit is None:
            hit = self.rules.ptp.edits_in_force(relevant, day)
            if len(self._ncci) > _CACHE_MAX:
                self._ncci.clear()
            self._ncci[key] = hit
        return hit

    def _status_finding(
        self, code: str, info: CodeInfo, year: int, sev: Severity
    ) -> FindingT | None:
        key = (code, year, sev)
        if key in self._status:
            return self._status[key]
        f = checks.status_finding(code, info, self.rules.fee(code, year), sev, None)
        hit = None if f is None else finding_tuple(f)
        self._status[key] = hit
        return hit

    # ---- the visit ---------------------------------------------------------------------------

    def evaluate(
        self,
        day: date,
        payer: PayerKind,
        method: UnitMethod,
        lines: Sequence[LineIn],
        ytd: Decimal | None = None,
        auth: AuthorizationTerms | None = None,
        visit_number: int | None = None,
    ) -> FastResult:
        rules = self.rules
        policy = rules.policies[payer]
        codes_table = self._codes
        # Merge the lines of one code (pt-rules B6.5); m = [code, info, minutes, assistant,
        # input_lines, billed_units, billed_unit_rows, billed_modifier_rows, cq_units, allowed]
        merged: list[list[Any]] = []
        by_code: dict[str, list[Any]] = {}
        for i, (code, minutes, asst, billed, mods, allowed) in enumerate(lines):
            m = by_code.get(code)
            if m is None:
                info = codes_table.get(code, False)
                if info is False:
                    info = codes_table[code] = rules.codes.get(code)
                m = [code, info, minutes, asst, [i], billed, [billed],
                     None if mods is None else [mods], None,
                     None if allowed is None else _ZERO + allowed]
                by_code[code] = m
                merged.append(m)
            else:
                m[2] += minutes
                m[3] += asst
                m[4].append(i)
                m[5] = None if billed is None or m[5] is None else m[5] + billed
                m[6].append(billed)
                m[7] = None if mods is None or m[7] is None else [*m[7], mods]
                m[9] = None if allowed is None or m[9] is None else m[9] + allowed
        for m in merged:
            if m[5] is not None and m[7] is not None:
                m[8] = sum(u or 0 for u, r in zip(m[6], m[7], strict=True) if CQ in r)
        # Allocate timed minutes by both methods (engine.allocate).
        t_codes = [m[0] for m in merged if m[1] is not None and m[1].is_timed]
        t_minutes = [m[2] for m in merged if m[1] is not None and m[1].is_timed]
        for mm in t_minutes:
            if mm < 0:
                raise ValueError("minutes cannot be negative")
        cms = _cms(t_codes, t_minutes, ())
        if cms.tied:
            billed_pref = tuple(
                m[0] for m in merged
                if m[0] in cms.tied and m[5] is not None and m[5] == m[2] // 15 + 1
            )
            if billed_pref:
                cms = _cms(t_codes, t_minutes, billed_pref)
        ama = _ama(t_codes, t_minutes)
        alloc, other = (cms, ama) if method is UnitMethod.CMS else (ama, cms)
        units_by_code = dict(zip(alloc.codes, alloc.units, strict=True))
        year = day.year
        cq_on = policy.needs_cq and day >= CQ_REQUIRED_FROM
        cq_reduced = day >= CQ_REDUCTION_FROM
        base: tuple[str, ...] = (GP,) if policy.needs_gp else ()
        base_cq = (*base, CQ)
        findings: list[FindingT] = []
        out: list[LineOut] = []
        owner: list[int] = []  # index into merged of each output line
        cq_reasons: list[tuple[str, str]] = []
        for k, m in enumerate(merged):
            code, info, minutes, asst = m[0], m[1], m[2], m[3]
            if info is None:
                findings.append((
                    RuleId.UNKNOWN_CODE, _W, code,
                    f"ptdesk does not know code {code}: its units, modifiers and edits were not "
                    "checked and its minutes are not in the timed total.",
                    SRC_CODES, rules.codes_version, m[4][0],
                ))
                out.append((code, minutes, None, (), asst, m[9] or _ZERO, ""))
                owner.append(k)
                continue
            units = units_by_code.get(code, 0) if info.is_timed else 1
            with_cq = 0
            if cq_on and info.cq_applies and asst > 0:
                split = (cq_split_timed if info.is_timed else cq_split_untimed)(
                    minutes, asst, units
                )
                with_cq = split.units_with_cq
                cq_reasons.append((code, split.explanation))
            given = m[9]
            unit_fee = _ZERO if given is not None else self._fee(code, year)[0]
            if with_cq <= 0:
                if given is not None:
                    allowed = (given * units / units if units else given).quantize(_CENT)
                else:
                    allowed = self._fee_amount(unit_fee, units, False)
                out.append((code, minutes, units, base, asst, allowed, ""))
                owner.append(k)
                continue
            parts: list[tuple[int, bool]] = []
            if units - with_cq > 0 or units == 0:
                parts.append((units - with_cq, False))
            parts.append((with_cq, True))
            two = len(parts) == 2
            for part_units, is_cq in parts:
                if two:
                    p_min = asst if is_cq else minutes - asst
                    p_asst = asst if is_cq else 0
                else:
                    p_min, p_asst = minutes, asst
                if given is not None:
                    share = given * part_units / units if units else given
                    allowed = share.quantize(_CENT)
                else:
                    allowed = self._fee_amount(unit_fee, part_units, is_cq and cq_reduced)
                note = _CQ_NOTE if is_cq and cq_reduced else ""
                out.append((code, p_min, part_units, base_cq if is_cq else base, p_asst,
                            allowed, note))
                owner.append(k)
        ytd_after = None
        if policy.needs_kx and ytd is not None:
            threshold = rules.kx.get(year)
            if threshold is None:
                findings.append(finding_tuple(checks.kx_unknown(year, rules)))
            else:
                running = ytd
                limit = threshold.pt_slp
                for j, b in enumerate(out):
                    running += b[5]
                    if running > limit and b[2]:
                        out[j] = (b[0], b[1], b[2], (*b[3], KX), b[4], b[5], b[6])
                ytd_after = running
                if threshold.review is not None and running > threshold.review:
                    findings.append(finding_tuple(checks.review_warning(ytd, running, threshold)))
        # Units and modifiers as billed (checks.compare_billed).
        n_merged = len(merged)
        lines_of: list[list[LineOut]] = [[] for _ in range(n_merged)]
        for b, k in zip(out, owner, strict=True):
            lines_of[k].append(b)
        over = under = 0
        src_units = SRC_UNITS_CMS if alloc.method == "cms" else SRC_UNITS_AMA
        kx_t = rules.kx.get(year) if policy.needs_kx and ytd is not None else None
        cq_known = policy.needs_cq and day >= CQ_REQUIRED_FROM
        codes_version = rules.codes_version
        expected_of = [0] * n_merged
        for k, m in enumerate(merged):
            info = m[1]
            if info is None:
                continue
            code = m[0]
            mine = lines_of[k]
            expected = sum(b[2] or 0 for b in mine)
            expected_of[k] = expected
            line_no = m[4][0]
            billed = m[5]
            if billed is not None and billed != expected:
                if info.is_timed:
                    why = (
                        f"{plural(m[2], 'minute')} of {code} support {plural(expected, 'unit')} "
                        f"({alloc.total_minutes} timed minutes in the visit = "
                        f"{plural(alloc.total_units, 'unit')}, {alloc.method.upper()} method)"
                    )
                else:
                    why = f"{code} is billed as 1 unit per day whatever its minutes"
                if billed > expected:
                    over += billed - expected
                    findings.append((
                        RuleId.UNITS_OVERBILLED, _E, code,
                        f"{plural(billed, 'unit')} of {code} billed; {why}.",
                        src_units, codes_version, line_no,
                    ))
                else:
                    under += expected - billed
                    findings.append((
                        RuleId.UNITS_UNDERBILLED, _W, code,
                        f"Only {plural(billed, 'unit')} of {code} billed; {why}.",
                        src_units, codes_version, line_no,
                    ))
            rows = m[7]
            if rows is None:
                continue
            if policy.needs_gp and expected and any(GP not in r for r in rows):
                findings.append((
                    RuleId.MODIFIER_MISSING, _E, code,
                    f"{code} needs modifier GP (service under a PT plan of care).",
                    SRC_GP, policy.version, line_no,
                ))
            billed_any = rows[0] if len(rows) == 1 else frozenset().union(*rows)
            if kx_t is not None:
                want_kx = any(KX in b[3] for b in mine)
                if want_kx and KX not in billed_any:
                    findings.append((
                        RuleId.MODIFIER_MISSING, _E, code,
                        f"{code} needs modifier KX: the year's PT+SLP total passes the "
                        f"{_money(kx_t.pt_slp)} threshold with this line; "
                        "without KX Medicare denies it.",
                        SRC_KX, kx_t.version, line_no,
                    ))
                elif not want_kx and KX in billed_any and expected:
                    findings.append((
                        RuleId.MODIFIER_UNEXPECTED, _W, code,
                        f"{code} carries KX but the year's PT+SLP total stays within the "
                        f"{_money(kx_t.pt_slp)} threshold with this line.",
                        SRC_KX, kx_t.version, line_no,
                    ))
            if cq_known and info.cq_applies:
                want_cq = sum(b[2] or 0 for b in mine if CQ in b[3])
                have_cq = m[8]
                if have_cq is None:
                    have_cq = (billed or expected) if CQ in billed_any else 0
                    has_missing = want_cq > 0 and CQ not in billed_any
                    has_extra = want_cq == 0 and CQ in billed_any
                else:
                    has_missing = have_cq < want_cq
                    has_extra = have_cq > want_cq
                if has_missing:
                    findings.append((
                        RuleId.MODIFIER_MISSING, _E, code,
                        f"{code} needs modifier CQ on {plural(want_cq, 'unit')} (billed with CQ: "
                        f"{have_cq}): the assistant furnished more than 10% of that part of "
                        "the service.",
                        SRC_CQ, policy.version, line_no,
                    ))
                elif has_extra:
                    findings.append((
                        RuleId.MODIFIER_UNEXPECTED, _W, code,
                        f"{code} carries CQ on {plural(have_cq, 'unit')} but only {want_cq} "
                        f"{agree(want_cq, 'needs')} it: "
                        "CQ lowers payment by 15%.",
                        SRC_CQ, policy.version, line_no,
                    ))
            if not billed_any.isdisjoint(WRONG_DISCIPLINE):
                wrong = sorted(billed_any & WRONG_DISCIPLINE)
                findings.append((
                    RuleId.MODIFIER_UNEXPECTED, _W, code,
                    f"{code} carries {', '.join(wrong)}, which belong to occupational or speech "
                    "therapy; a PT plan of care uses GP (and CQ for an assistant).",
                    SRC_GP, policy.version, line_no,
                ))
        # PFS status (checks.status_checks).
        flagged: set[str] = set()
        sev = policy.pfs_status_severity
        if sev is not None:
            for m in merged:
                if m[1] is None:
                    continue
                status = self._fee(m[0], year)[1]
                if status != "B" and status != "I":
                    continue
                f = self._status_finding(m[0], m[1], year, sev)
                if f is not None:
                    findings.append((*f[:6], m[4][0]))
                    flagged.add(m[0])
        # Claimed units: as billed when every line gave one, else as computed.
        claimed = [
            m[5] if m[5] is not None else sum(b[2] or 0 for b in lines_of[k])
            for k, m in enumerate(merged)
        ]
        sev = policy.edits_severity
        if sev is not None:
            lookup = rules.mue.lookup
            for k, m in enumerate(merged):
                code = m[0]
                if code in flagged:
                    continue
                entry = lookup(code, day)
                if entry is None:
                    continue
                if entry.mai == 1:
                    per_line = [u for u in m[6] if u is not None] or [
                        b[2] or 0 for b in lines_of[k]
                    ]
                    units = max(per_line, default=0)
                else:
                    units = claimed[k]
                if units > entry.limit:
                    findings.append((
                        RuleId.MUE_EXCEEDED, sev, code,
                        f"{plural(units, 'unit')} of {code}; the per-day limit (MUE) is "
                        f"{entry.limit} "
                        f"(MAI {entry.mai}: {MAI_MEANING.get(entry.mai, 'unknown indicator')}).",
                        SRC_MUE, entry.version, m[4][0],
                    ))
            if n_merged >= 2:
                present = {m[0]: m for k, m in enumerate(merged) if claimed[k] > 0}
                if len(present) >= 2:
                    for e in self._edits(list(present), day):
                        col2 = present[e.column2]
                        line_no = col2[4][0]
                        if e.indicator == 0:
                            findings.append((
                                RuleId.NCCI_NOT_TOGETHER, _E, e.column2,
                                f"{e.column2} is not paid with {e.column1} on the same day (CMS "
                                "NCCI edit, modifier indicator 0: no modifier allows the pair).",
                                SRC_NCCI, e.version, line_no,
                            ))
                            continue
                        if any(r & DISTINCT_SERVICE for r in col2[7] or ()):
                            continue
                        findings.append((
                            RuleId.NCCI_MODIFIER_NEEDED, sev, e.column2,
                            f"{e.column2} with {e.column1} on the same day is denied unless the "
                            "services were truly distinct (CMS NCCI edit, modifier indicator 1). "
                            f"Only if the documentation supports it, add 59 or XE/XS/XP/XU to "
                            f"{e.column2}; ptdesk never adds it.",
                            SRC_NCCI, e.version, line_no,
                        ))
        if auth is not None:
            number = f" {auth.number}" if auth.number else ""
            if not auth.start <= day <= auth.end:
                findings.append((
                    RuleId.AUTH_DATE_OUTSIDE, _E, None,
                    f"The visit date {day.isoformat()} is outside authorization{number} "
                    f"({auth.start.isoformat()} to {auth.end.isoformat()}).",
                    SRC_AUTH, "", None,
                ))
            if (
                auth.counts is AuthUnit.VISITS
                and visit_number is not None
                and visit_number > auth.authorized
            ):
                findings.append((
                    RuleId.AUTH_VISITS_EXCEEDED, _E, None,
                    f"This is visit {visit_number} but authorization{number} allows "
                    f"{plural(auth.authorized, 'visit')}.",
                    SRC_AUTH, "", None,
                ))
            if auth.codes:
                for m in merged:
                    if m[0] not in auth.codes:
                        findings.append((
                            RuleId.AUTH_CODE_NOT_COVERED, _E, m[0],
                            f"{m[0]} is not among the codes authorization{number} names "
                            f"({', '.join(sorted(auth.codes))}).",
                            SRC_AUTH, "", m[4][0],
                        ))
        return FastResult(
            out, findings, alloc.total_minutes, alloc.total_units, over, under, alloc.tied,
            ytd_after, Explanation(alloc, other, cq_reasons),
        )

