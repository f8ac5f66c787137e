"""Rules on what was billed: units billed against units supported, and the therapy modifiers.

Each rule is one function `rule(v: VisitCalc, findings: list[FindingT]) -> None` that reads the
visit's working state and appends its findings; `core.RULES` lists them in the order their
findings are reported. Messages are the words the session form and the audit both show.
"""

from __future__ import annotations

from ptdesk.domain.billing.assistant import CQ_REQUIRED_FROM
from ptdesk.domain.billing.calc import FindingT, VisitCalc, money_text
from ptdesk.domain.billing.findings import (
    SRC_CQ,
    SRC_GP,
    SRC_KX,
    SRC_REEVAL,
    SRC_UNITS_AMA,
    SRC_UNITS_CMS,
    RuleId,
    Severity,
)
from ptdesk.domain.billing.modifiers import CQ, GP, KX, WRONG_DISCIPLINE
from ptdesk.domain.words import agree, plural

E = Severity.ERROR
W = Severity.WARNING
_NONE: frozenset[str] = frozenset()


def billed_lines(v: VisitCalc, findings: list[FindingT]) -> None:
    """Each code's units and modifiers as billed against as computed, code by code."""
    for k, m in enumerate(v.merged):
        if m.info is not None:
            _units_billed(v, k, findings)
            _modifiers_billed(v, k, findings)


def _units_billed(v: VisitCalc, k: int, findings: list[FindingT]) -> None:
    """Units billed for a code above or below what its minutes support (pt-rules B, C)."""
    m = v.merged[k]
    billed = m.billed_units
    expected = v.expected[k]
    if m.info is not None and billed is not None and billed != expected:
        a = v.allocation
        src = SRC_UNITS_CMS if a.method == "cms" else SRC_UNITS_AMA
        version = v.rules.codes_version
        code = m.code
        if m.info.is_timed:
            why = (
                f"{plural(m.minutes, 'minute')} of {code} support {plural(expected, 'unit')} "
                f"({a.total_minutes} timed minutes in the visit = "
                f"{plural(a.total_units, 'unit')}, {a.method.upper()} method)"
            )
        else:
            why = f"{code} is billed as 1 unit per day whatever its minutes"
        if billed > expected:
            msg = f"{plural(billed, 'unit')} of {code} billed; {why}."
            findings.append((RuleId.UNITS_OVERBILLED, E, code, msg, src, version, m.input_lines[0]))
        else:
            msg = f"Only {plural(billed, 'unit')} of {code} billed; {why}."
            findings.append(
                (RuleId.UNITS_UNDERBILLED, W, code, msg, src, version, m.input_lines[0])
            )


def _modifiers_billed(v: VisitCalc, k: int, findings: list[FindingT]) -> None:
    """GP, KX and CQ as billed against as needed; OT/SLP modifiers on PT (pt-rules D1-D3)."""
    m = v.merged[k]
    rows = m.billed_modifier_rows
    if m.info is not None and rows is not None:
        policy = v.policy
        day = v.day
        kx_t = v.rules.kx.get(day.year) if policy.needs_kx and v.ytd is not None else None
        cq_known = policy.needs_cq and day >= CQ_REQUIRED_FROM
        version = policy.version
        code = m.code
        mine = v.lines_of[k]
        expected = v.expected[k]
        line_no = m.input_lines[0]
        if policy.needs_gp and expected and any(GP not in r for r in rows):
            msg = f"{code} needs modifier GP (service under a PT plan of care)."
            findings.append((RuleId.MODIFIER_MISSING, E, code, msg, SRC_GP, version, line_no))
        billed_any = rows[0] if len(rows) == 1 else _NONE.union(*rows)
        if kx_t is not None:
            want_kx = any(KX in b[3] for b in mine)
            if want_kx and KX not in billed_any:
                msg = (
                    f"{code} needs modifier KX: the year's PT+SLP total passes the "
                    f"{money_text(kx_t.pt_slp)} threshold with this line; "
                    "without KX Medicare denies it."
                )
                findings.append(
                    (RuleId.MODIFIER_MISSING, E, code, msg, SRC_KX, kx_t.version, line_no)
                )
            elif not want_kx and KX in billed_any and expected:
                msg = (
                    f"{code} carries KX but the year's PT+SLP total stays within the "
                    f"{money_text(kx_t.pt_slp)} threshold with this line."
                )
                findings.append(
                    (RuleId.MODIFIER_UNEXPECTED, W, code, msg, SRC_KX, kx_t.version, line_no)
                )
        if cq_known and m.info.cq_applies:
            want_cq = sum(b[2] or 0 for b in mine if CQ in b[3])
            have_cq = m.billed_cq_units
            if have_cq is None:
                have_cq = (m.billed_units or expected) if CQ in billed_any else 0
                has_missing = want_cq > 0 and CQ not in billed_any
                has_extra = want_cq == 0 and CQ in billed_any
            else:
                has_missing = have_cq < want_cq
                has_extra = have_cq > want_cq
            if has_missing:
                msg = (
                    f"{code} needs modifier CQ on {plural(want_cq, 'unit')} (billed with CQ: "
                    f"{have_cq}): the assistant furnished more than 10% of that part of "
                    "the service."
                )
                findings.append((RuleId.MODIFIER_MISSING, E, code, msg, SRC_CQ, version, line_no))
            elif has_extra:
                msg = (
                    f"{code} carries CQ on {plural(have_cq, 'unit')} but only {want_cq} "
                    f"{agree(want_cq, 'needs')} it: "
                    "CQ lowers payment by 15%."
                )
                findings.append(
                    (RuleId.MODIFIER_UNEXPECTED, W, code, msg, SRC_CQ, version, line_no)
                )
        if not billed_any.isdisjoint(WRONG_DISCIPLINE):
            wrong = sorted(billed_any & WRONG_DISCIPLINE)
            msg = (
                f"{code} carries {', '.join(wrong)}, which belong to occupational or speech "
                "therapy; a PT plan of care uses GP (and CQ for an assistant)."
            )
            findings.append((RuleId.MODIFIER_UNEXPECTED, W, code, msg, SRC_GP, version, line_no))


REEVALUATION = "97164"


def reevaluation_reason(v: VisitCalc, findings: list[FindingT]) -> None:
    """A re-evaluation (97164) billed without the significant change that justifies it: new
    clinical findings, a significant change in condition or failure to respond to treatment
    (pt-rules F4). Only where the reason is asked (the session form); the audit's files do not
    carry it."""
    if v.reeval_reason is None or v.reeval_reason.strip():
        return
    for m in v.merged:
        if m.code == REEVALUATION:
            findings.append((
                RuleId.REEVAL_REASON_MISSING, E, m.code,
                "Re-evaluation (97164) is not routine: say which significant change justifies "
                "it (new clinical findings, a significant change in condition, or no response "
                "to treatment).", SRC_REEVAL, "", m.input_lines[0]))
