"""`evaluate_visit`: one visit's service lines in, billable lines, modifiers and findings out."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing import checks
from ptdesk.domain.billing.assistant import (
    CQ_PAYMENT_FACTOR,
    CQ_REDUCTION_FROM,
    CQ_REQUIRED_FROM,
    cq_split_timed,
    cq_split_untimed,
)
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.explain import explain_units
from ptdesk.domain.billing.findings import SRC_CODES, Finding, RuleId, Severity
from ptdesk.domain.billing.kx import kx_for_lines
from ptdesk.domain.billing.modifiers import CQ, GP, KX
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.billing.units import Allocation, ama_units, cms_units
from ptdesk.domain.payers import PayerKind, UnitMethod

_CENT = Decimal("0.01")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """One block of service as documented (several blocks of one code are merged)."""

    code: str
    minutes: int
    assistant_minutes: int = 0  # minutes the assistant furnished independently
    billed_units: int | None = None  # what was (or is about to be) billed, when known
    billed_modifiers: frozenset[str] | None = None
    allowed_amount: Decimal | None = None  # for the whole line; None = default fee schedule


@dataclass(frozen=True, slots=True)
class VisitInput:
    day: date
    payer_kind: PayerKind
    unit_method: UnitMethod
    lines: tuple[ServiceLine, ...]
    ytd_allowed_before: Decimal | None = None  # PT+SLP allowed this year before this visit
    authorization: AuthorizationTerms | None = None
    visit_number: int | None = None  # this visit's number within the authorization
    # Codes the therapist prefers when CMS lets them choose (equal remainders), first = most.
    tie_preference: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BilledLine:
    code: str
    minutes: int
    units: int | None  # None for a code ptdesk does not know (not computed)
    modifiers: tuple[str, ...]
    assistant_minutes: int = 0
    allowed_amount: Decimal = _ZERO
    note: str = ""


@dataclass(frozen=True, slots=True)
class MergedCode:
    """All input lines of one code on the visit, minutes added (pt-rules B6.5)."""

    code: str
    info: CodeInfo | None
    minutes: int
    assistant_minutes: int
    input_lines: tuple[int, ...]
    billed_units: int | None  # sum over its lines when every line gave one
    billed_unit_rows: tuple[int | None, ...]
    billed_modifier_rows: tuple[frozenset[str], ...] | None  # per input line, when given
    billed_cq_units: int | None
    allowed_given: Decimal | None


@dataclass(frozen=True, slots=True)
class VisitResult:
    lines: tuple[BilledLine, ...]
    findings: tuple[Finding, ...]
    total_timed_minutes: int
    total_timed_units: int
    allocation: Allocation  # by the payer's method
    alternative: Allocation  # by the other method, for "would give N"
    cq_reasons: Mapping[str, str] = field(default_factory=dict)
    ytd_after: Decimal | None = None
    units_overbilled: int = 0
    units_underbilled: int = 0

    @property
    def ties(self) -> tuple[str, ...]:
        """Codes the therapist may choose between for the last unit(s) (empty: no choice)."""
        return self.allocation.tied_codes

    def explanation(self) -> str:
        text = explain_units(self.allocation, self.alternative)
        extra = [f"{code}: {why}" for code, why in self.cq_reasons.items() if why]
        return text if not extra else text + ". CQ: " + "; ".join(extra)


def _sum_money(amounts: list[Decimal | None]) -> Decimal | None:
    total = _ZERO
    for a in amounts:
        if a is None:
            return None
        total += a
    return total


def merge_lines(lines: tuple[ServiceLine, ...], rules: RuleSet) -> list[MergedCode]:
    order: list[str] = []
    groups: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line.code not in groups:
            groups[line.code] = []
            order.append(line.code)
        groups[line.code].append(i)
    merged = []
    for code in order:
        idx = groups[code]
        rows = [lines[i] for i in idx]
        units = [r.billed_units for r in rows]
        mods = [r.billed_modifiers for r in rows]
        allowed = [r.allowed_amount for r in rows]
        billed_units = None if any(u is None for u in units) else sum(u or 0 for u in units)
        mod_rows = None if any(m is None for m in mods) else tuple(m or frozenset() for m in mods)
        cq_units = None
        if billed_units is not None and mod_rows is not None:
            cq_units = sum(
                r.billed_units or 0 for r, m in zip(rows, mod_rows, strict=True) if CQ in m
            )
        merged.append(
            MergedCode(
                code=code,
                info=rules.codes.get(code),
                minutes=sum(r.minutes for r in rows),
                assistant_minutes=sum(r.assistant_minutes for r in rows),
                input_lines=tuple(idx),
                billed_units=billed_units,
                billed_unit_rows=tuple(units),
                billed_modifier_rows=mod_rows,
                billed_cq_units=cq_units,
                allowed_given=_sum_money(allowed),
            )
        )
    return merged


def allocate(
    merged: list[MergedCode], method: UnitMethod, tie_preference: tuple[str, ...]
) -> tuple[Allocation, Allocation]:
    timed = [(m.code, m.minutes) for m in merged if m.info is not None and m.info.is_timed]
    cms = cms_units(timed, tie_preference)
    if cms.tied_codes:
        # A billed choice among tied codes is the therapist's to make: honour it.
        billed_pref = tuple(
            m.code
            for m in merged
            if m.code in cms.tied_codes
            and m.billed_units is not None
            and m.billed_units == m.minutes // 15 + 1
        )
        if billed_pref:
            cms = cms_units(timed, billed_pref + tie_preference)
    ama = ama_units(timed)
    return (cms, ama) if method is UnitMethod.CMS else (ama, cms)


def evaluate_visit(visit: VisitInput, rules: RuleSet) -> VisitResult:
    policy = rules.policy(visit.payer_kind)
    merged = merge_lines(visit.lines, rules)
    allocation, alternative = allocate(merged, visit.unit_method, visit.tie_preference)
    units_by_code = allocation.as_dict()
    year = visit.day.year
    cq_on = policy.needs_cq and visit.day >= CQ_REQUIRED_FROM
    cq_reduced = visit.day >= CQ_REDUCTION_FROM
    findings: list[Finding] = []
    out: list[BilledLine] = []
    owners: list[MergedCode] = []
    cq_reasons: dict[str, str] = {}
    for m in merged:
        info = m.info
        if info is None:
            findings.append(
                Finding(
                    RuleId.UNKNOWN_CODE,
                    Severity.WARNING,
                    m.code,
                    f"ptdesk does not know code {m.code}: its units, modifiers and edits were not "
                    "checked and its minutes are not in the timed total.",
                    SRC_CODES,
                    rules.codes_version,
                    m.input_lines[0],
                )
            )
            out.append(
                BilledLine(
                    m.code, m.minutes, None, (), m.assistant_minutes, m.allowed_given or _ZERO
                )
            )
            owners.append(m)
            continue
        units = units_by_code.get(m.code, 0) if info.is_timed else 1
        with_cq = 0
        if cq_on and info.cq_applies and m.assistant_minutes > 0:
            split = (cq_split_timed if info.is_timed else cq_split_untimed)(
                m.minutes, m.assistant_minutes, units
            )
            with_cq = split.units_with_cq
            cq_reasons[m.code] = split.explanation
        base = (GP,) if policy.needs_gp else ()
        fee = rules.fee(m.code, year)
        unit_fee = _ZERO if fee is None or fee.status in ("B", "I", "C") else fee.amount
        parts: list[tuple[int, bool]] = []
        if units - with_cq > 0 or units == 0:
            parts.append((units - with_cq, False))
        if with_cq > 0:
            parts.append((with_cq, True))
        for part_units, is_cq in parts:
            if len(parts) == 2:
                minutes = m.assistant_minutes if is_cq else m.minutes - m.assistant_minutes
                assistant = m.assistant_minutes if is_cq else 0
            else:
                minutes, assistant = m.minutes, m.assistant_minutes
            if m.allowed_given is not None:
                share = m.allowed_given * part_units / units if units else m.allowed_given
                allowed = share.quantize(_CENT)
            else:
                factor = CQ_PAYMENT_FACTOR if is_cq and cq_reduced else Decimal(1)
                allowed = (unit_fee * part_units * factor).quantize(_CENT)
            note = ""
            if is_cq and cq_reduced:
                note = "CQ: paid at 85% of the fee schedule (15% reduction since 2022)"
            mods = (*base, CQ) if is_cq else base
            out.append(BilledLine(m.code, minutes, part_units, mods, assistant, allowed, note))
            owners.append(m)
    ytd_after = None
    if policy.needs_kx and visit.ytd_allowed_before is not None:
        threshold = rules.kx.get(year)
        if threshold is None:
            findings.append(checks.kx_unknown(year, rules))
        else:
            kx = kx_for_lines(
                visit.ytd_allowed_before, [line.allowed_amount for line in out], threshold
            )
            ytd_after = kx.total_after
            out = [
                BilledLine(
                    b.code,
                    b.minutes,
                    b.units,
                    (*b.modifiers, KX),
                    b.assistant_minutes,
                    b.allowed_amount,
                    b.note,
                )
                if need and b.units
                else b
                for b, need in zip(out, kx.needs_kx, strict=True)
            ]
            if kx.crossed_review:
                findings.append(
                    checks.review_warning(visit.ytd_allowed_before, kx.total_after, threshold)
                )
    over, under = checks.compare_billed(
        merged, out, owners, policy, visit, rules, allocation, findings
    )
    checks.status_checks(merged, year, policy, rules, findings)
    checks.mue_checks(merged, out, owners, visit.day, policy, rules, findings)
    checks.ncci_checks(merged, out, owners, visit.day, policy, rules, findings)
    if visit.authorization is not None:
        checks.auth_checks(merged, visit, findings)
    return VisitResult(
        lines=tuple(out),
        findings=tuple(findings),
        total_timed_minutes=allocation.total_minutes,
        total_timed_units=allocation.total_units,
        allocation=allocation,
        alternative=alternative,
        cq_reasons=cq_reasons,
        ytd_after=ytd_after,
        units_overbilled=over,
        units_underbilled=under,
    )
