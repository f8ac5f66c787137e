"""The findings of one visit beyond the units themselves: billed vs expected, edits, auth."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.billing.assistant import CQ_REQUIRED_FROM
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.edits import MAI_MEANING
from ptdesk.domain.billing.findings import (
    SRC_AUTH,
    SRC_CQ,
    SRC_GP,
    SRC_KX,
    SRC_MUE,
    SRC_NCCI,
    SRC_PFS,
    SRC_UNITS_AMA,
    SRC_UNITS_CMS,
    Finding,
    RuleId,
    Severity,
)
from ptdesk.domain.billing.kx import KxThreshold
from ptdesk.domain.billing.modifiers import (
    CQ,
    DISTINCT_SERVICE,
    GP,
    KX,
    WRONG_DISCIPLINE,
    PayerPolicy,
)
from ptdesk.domain.billing.ruleset import FeeEntry, RuleSet
from ptdesk.domain.billing.units import Allocation
from ptdesk.domain.words import agree, plural

if TYPE_CHECKING:
    from ptdesk.domain.billing.engine import BilledLine, MergedCode, VisitInput

E = Severity.ERROR
W = Severity.WARNING


def _money(x: Decimal) -> str:
    return f"${x:,.2f}"


def kx_unknown(year: int, rules: RuleSet) -> Finding:
    return Finding(
        RuleId.KX_THRESHOLD_UNKNOWN,
        W,
        None,
        f"ptdesk has no KX threshold for {year}: KX was not checked. Enter the year's amount "
        "in the rule tables.",
        SRC_KX,
        "kx_thresholds (no row for this year)",
    )


def review_warning(before: Decimal, after: Decimal, t: KxThreshold) -> Finding:
    review = t.review or Decimal(0)
    verb = "passes" if before <= review else "is already above"
    return Finding(
        RuleId.KX_REVIEW_THRESHOLD,
        W,
        None,
        f"This patient's PT+SLP total for {t.year} {verb} the {_money(review)} targeted "
        f"medical review amount ({_money(after)} after this visit): claims may be reviewed; "
        "keep KX and the documentation of medical necessity complete.",
        SRC_KX,
        t.version,
    )


def _lines_of(
    m: MergedCode, out: Sequence[BilledLine], owners: Sequence[MergedCode]
) -> list[BilledLine]:
    return [b for b, o in zip(out, owners, strict=True) if o is m]


def compare_billed(
    merged: Sequence[MergedCode],
    out: Sequence[BilledLine],
    owners: Sequence[MergedCode],
    policy: PayerPolicy,
    visit: VisitInput,
    rules: RuleSet,
    allocation: Allocation,
    findings: list[Finding],
) -> tuple[int, int]:
    over = under = 0
    src_units = SRC_UNITS_CMS if allocation.method == "cms" else SRC_UNITS_AMA
    kx_known = (
        policy.needs_kx and visit.ytd_allowed_before is not None and visit.day.year in rules.kx
    )
    cq_known = policy.needs_cq and visit.day >= CQ_REQUIRED_FROM
    for m in merged:
        if m.info is None:
            continue
        lines = _lines_of(m, out, owners)
        expected = sum(b.units or 0 for b in lines)
        line_no = m.input_lines[0]
        if m.billed_units is not None and m.billed_units != expected:
            if m.info.is_timed:
                why = (
                    f"{plural(m.minutes, 'minute')} of {m.code} support {plural(expected, 'unit')} "
                    f"({allocation.total_minutes} timed minutes in the visit = "
                    f"{plural(allocation.total_units, 'unit')}, {allocation.method.upper()} method)"
                )
            else:
                why = f"{m.code} is billed as 1 unit per day whatever its minutes"
            if m.billed_units > expected:
                over += m.billed_units - expected
                findings.append(
                    Finding(
                        RuleId.UNITS_OVERBILLED,
                        E,
                        m.code,
                        f"{plural(m.billed_units, 'unit')} of {m.code} billed; {why}.",
                        src_units,
                        rules.codes_version,
                        line_no,
                    )
                )
            else:
                under += expected - m.billed_units
                findings.append(
                    Finding(
                        RuleId.UNITS_UNDERBILLED,
                        W,
                        m.code,
                        f"Only {plural(m.billed_units, 'unit')} of {m.code} billed; {why}.",
                        src_units,
                        rules.codes_version,
                        line_no,
                    )
                )
        rows = m.billed_modifier_rows
        if rows is None:
            continue
        if policy.needs_gp and any(GP not in r for r in rows) and expected:
            findings.append(
                Finding(
                    RuleId.MODIFIER_MISSING,
                    E,
                    m.code,
                    f"{m.code} needs modifier GP (service under a PT plan of care).",
                    SRC_GP,
                    policy.version,
                    line_no,
                )
            )
        billed_any = frozenset().union(*rows)
        if kx_known:
            want_kx = any(KX in b.modifiers for b in lines)
            if want_kx and KX not in billed_any:
                findings.append(
                    Finding(
                        RuleId.MODIFIER_MISSING,
                        E,
                        m.code,
                        f"{m.code} needs modifier KX: the year's PT+SLP total passes the "
                        f"{_money(rules.kx[visit.day.year].pt_slp)} threshold with this line; "
                        "without KX Medicare denies it.",
                        SRC_KX,
                        rules.kx[visit.day.year].version,
                        line_no,
                    )
                )
            elif not want_kx and KX in billed_any and expected:
                findings.append(
                    Finding(
                        RuleId.MODIFIER_UNEXPECTED,
                        W,
                        m.code,
                        f"{m.code} carries KX but the year's PT+SLP total stays within the "
                        f"{_money(rules.kx[visit.day.year].pt_slp)} threshold with this line.",
                        SRC_KX,
                        rules.kx[visit.day.year].version,
                        line_no,
                    )
                )
        if cq_known and m.info.cq_applies:
            want_cq = sum(b.units or 0 for b in lines if CQ in b.modifiers)
            have_cq = m.billed_cq_units
            if have_cq is None:
                have_cq = (m.billed_units or expected) if CQ in billed_any else 0
                has_missing = want_cq > 0 and CQ not in billed_any
                has_extra = want_cq == 0 and CQ in billed_any
            else:
                has_missing = have_cq < want_cq
                has_extra = have_cq > want_cq
            if has_missing:
                findings.append(
                    Finding(
                        RuleId.MODIFIER_MISSING,
                        E,
                        m.code,
                        f"{m.code} needs modifier CQ on {plural(want_cq, 'unit')} (billed with CQ: "
                        f"{have_cq}): the assistant furnished more than 10% of that part of "
                        "the service.",
                        SRC_CQ,
                        policy.version,
                        line_no,
                    )
                )
            elif has_extra:
                findings.append(
                    Finding(
                        RuleId.MODIFIER_UNEXPECTED,
                        W,
                        m.code,
                        f"{m.code} carries CQ on {plural(have_cq, 'unit')} but only {want_cq} "
                        f"{agree(want_cq, 'needs')} it: "
                        "CQ lowers payment by 15%.",
                        SRC_CQ,
                        policy.version,
                        line_no,
                    )
                )
        wrong = sorted(billed_any & WRONG_DISCIPLINE)
        if wrong:
            findings.append(
                Finding(
                    RuleId.MODIFIER_UNEXPECTED,
                    W,
                    m.code,
                    f"{m.code} carries {', '.join(wrong)}, which belong to occupational or speech "
                    "therapy; a PT plan of care uses GP (and CQ for an assistant).",
                    SRC_GP,
                    policy.version,
                    line_no,
                )
            )
    return over, under


def _claimed_units(m: MergedCode, out: Sequence[BilledLine], owners: Sequence[MergedCode]) -> int:
    if m.billed_units is not None:
        return m.billed_units
    return sum(b.units or 0 for b in _lines_of(m, out, owners))


def status_checks(
    merged: Sequence[MergedCode],
    year: int,
    policy: PayerPolicy,
    rules: RuleSet,
    findings: list[Finding],
) -> None:
    sev = policy.pfs_status_severity
    if sev is None:
        return
    for m in merged:
        if m.info is None:
            continue
        f = status_finding(m.code, m.info, rules.fee(m.code, year), sev, m.input_lines[0])
        if f is not None:
            findings.append(f)


def status_finding(
    code: str, info: CodeInfo, fee: FeeEntry | None, sev: Severity, line: int | None
) -> Finding | None:
    """The finding for a code whose PFS status is B (bundled) or I (not valid), else None."""
    if fee is None or fee.status not in ("B", "I"):
        return None
    if fee.status == "B":
        msg = (
            f"{code} is bundled for Medicare (PFS status B): it is never paid "
            "separately; do not expect payment for it."
        )
        rule = RuleId.CODE_BUNDLED
    else:
        tail = f" {info.note}." if info.note else ""
        msg = f"{code} is not valid for Medicare (PFS status I).{tail}"
        rule = RuleId.CODE_NOT_VALID_MEDICARE
    return Finding(rule, sev, code, msg, SRC_PFS, fee.version, line)


def mue_checks(
    merged: Sequence[MergedCode],
    out: Sequence[BilledLine],
    owners: Sequence[MergedCode],
    day: date,
    policy: PayerPolicy,
    rules: RuleSet,
    findings: list[Finding],
) -> None:
    sev = policy.edits_severity
    if sev is None:
        return
    flagged = {
        f.code for f in findings if f.rule in (RuleId.CODE_BUNDLED, RuleId.CODE_NOT_VALID_MEDICARE)
    }
    for m in merged:
        if m.code in flagged:
            continue
        entry = rules.mue.lookup(m.code, day)
        if entry is None:
            continue
        if entry.mai == 1:
            per_line = [u for u in m.billed_unit_rows if u is not None] or [
                b.units or 0 for b in _lines_of(m, out, owners)
            ]
            units = max(per_line, default=0)
        else:
            units = _claimed_units(m, out, owners)
        if units > entry.limit:
            findings.append(
                Finding(
                    RuleId.MUE_EXCEEDED,
                    sev,
                    m.code,
                    f"{plural(units, 'unit')} of {m.code}; the per-day limit (MUE) is "
                    f"{entry.limit} "
                    f"(MAI {entry.mai}: {MAI_MEANING.get(entry.mai, 'unknown indicator')}).",
                    SRC_MUE,
                    entry.version,
                    m.input_lines[0],
                )
            )


def ncci_checks(
    merged: Sequence[MergedCode],
    out: Sequence[BilledLine],
    owners: Sequence[MergedCode],
    day: date,
    policy: PayerPolicy,
    rules: RuleSet,
    findings: list[Finding],
) -> None:
    sev = policy.edits_severity
    if sev is None or len(merged) < 2:
        return
    by_code = {m.code: m for m in merged if _claimed_units(m, out, owners) > 0}
    if len(by_code) < 2:
        return
    for e in rules.ptp.edits_in_force(by_code, day):
        col2 = by_code[e.column2]
        line_no = col2.input_lines[0]
        if e.indicator == 0:
            findings.append(
                Finding(
                    RuleId.NCCI_NOT_TOGETHER,
                    E,
                    e.column2,
                    f"{e.column2} is not paid with {e.column1} on the same day (CMS NCCI edit, "
                    "modifier indicator 0: no modifier allows the pair).",
                    SRC_NCCI,
                    e.version,
                    line_no,
                )
            )
            continue
        rows = col2.billed_modifier_rows or ()
        if any(r & DISTINCT_SERVICE for r in rows):
            continue
        findings.append(
            Finding(
                RuleId.NCCI_MODIFIER_NEEDED,
                sev,
                e.column2,
                f"{e.column2} with {e.column1} on the same day is denied unless the services were "
                f"truly distinct (CMS NCCI edit, modifier indicator 1). Only if the documentation "
                f"supports it, add 59 or XE/XS/XP/XU to {e.column2}; ptdesk never adds it.",
                SRC_NCCI,
                e.version,
                line_no,
            )
        )


def auth_checks(merged: Sequence[MergedCode], visit: VisitInput, findings: list[Finding]) -> None:
    terms = visit.authorization
    if terms is None:
        return
    number = f" {terms.number}" if terms.number else ""
    if not terms.covers_date(visit.day):
        findings.append(
            Finding(
                RuleId.AUTH_DATE_OUTSIDE,
                E,
                None,
                f"The visit date {visit.day.isoformat()} is outside authorization{number} "
                f"({terms.start.isoformat()} to {terms.end.isoformat()}).",
                SRC_AUTH,
            )
        )
    if (
        terms.counts is AuthUnit.VISITS
        and visit.visit_number is not None
        and visit.visit_number > terms.authorized
    ):
        findings.append(
            Finding(
                RuleId.AUTH_VISITS_EXCEEDED,
                E,
                None,
                f"This is visit {visit.visit_number} but authorization{number} allows "
                f"{plural(terms.authorized, 'visit')}.",
                SRC_AUTH,
            )
        )
    for m in merged:
        if not terms.covers_code(m.code):
            findings.append(
                Finding(
                    RuleId.AUTH_CODE_NOT_COVERED,
                    E,
                    m.code,
                    f"{m.code} is not among the codes authorization{number} names "
                    f"({', '.join(sorted(terms.codes))}).",
                    SRC_AUTH,
                    "",
                    m.input_lines[0],
                )
            )
