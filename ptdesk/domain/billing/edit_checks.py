"""Rules from the CMS tables and the payer's authorization: PFS status, MUE, NCCI, auth terms.

Each rule is one function `rule(v: VisitCalc, findings: list[FindingT]) -> None` (see core.py
for where rules are listed).
"""

from __future__ import annotations

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.billing.calc import FindingT, VisitCalc
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.edits import MAI_MEANING
from ptdesk.domain.billing.findings import (
    SRC_AUTH,
    SRC_MUE,
    SRC_NCCI,
    SRC_PFS,
    RuleId,
    Severity,
)
from ptdesk.domain.billing.modifiers import DISTINCT_SERVICE

E = Severity.ERROR
_STATUS_RULES = (RuleId.CODE_BUNDLED, RuleId.CODE_NOT_VALID_MEDICARE)


def status_message(code: str, info: CodeInfo, status: str | None) -> tuple[RuleId, str] | None:
    """The rule and words for a code whose PFS status is B (bundled) or I (not valid)."""
    if status == "B":
        msg = (
            f"{code} is bundled for Medicare (PFS status B): it is never paid "
            "separately; do not expect payment for it."
        )
        return RuleId.CODE_BUNDLED, msg
    if status == "I":
        tail = f" {info.note}." if info.note else ""
        msg = f"{code} is not valid for Medicare (PFS status I).{tail}"
        return RuleId.CODE_NOT_VALID_MEDICARE, msg
    return None


def pfs_status(v: VisitCalc, findings: list[FindingT]) -> None:
    sev = v.policy.pfs_status_severity
    if sev is None:
        return
    year = v.day.year
    for m in v.merged:
        if m.info is None:
            continue
        _, status, version = v.tables.fee(m.code, year)
        said = status_message(m.code, m.info, status)
        if said is not None:
            findings.append((said[0], sev, m.code, said[1], SRC_PFS, version, m.input_lines[0]))


def mue(v: VisitCalc, findings: list[FindingT]) -> None:
    sev = v.policy.edits_severity
    if sev is None:
        return
    flagged = {f[2] for f in findings if f[0] in _STATUS_RULES}
    lookup = v.rules.mue.lookup
    for k, m in enumerate(v.merged):
        code = m.code
        if code in flagged:
            continue
        entry = lookup(code, v.day)
        if entry is None:
            continue
        if entry.mai == 1:
            per_line = [u for u in m.billed_unit_rows if u is not None] or [
                b[2] or 0 for b in v.lines_of[k]
            ]
            units = max(per_line, default=0)
        else:
            units = v.claimed(k)
        if units > entry.limit:
            msg = (
                f"{units} unit(s) of {code}; the per-day limit (MUE) is {entry.limit} "
                f"(MAI {entry.mai}: {MAI_MEANING.get(entry.mai, 'unknown indicator')})."
            )
            findings.append(
                (RuleId.MUE_EXCEEDED, sev, code, msg, SRC_MUE, entry.version, m.input_lines[0])
            )


def ncci(v: VisitCalc, findings: list[FindingT]) -> None:
    sev = v.policy.edits_severity
    merged = v.merged
    if sev is None or len(merged) < 2:
        return
    present = {m.code: m for k, m in enumerate(merged) if v.claimed(k) > 0}
    if len(present) < 2:
        return
    for e in v.tables.ncci_edits(list(present), v.day):
        col2 = present[e.column2]
        line_no = col2.input_lines[0]
        if e.indicator == 0:
            msg = (
                f"{e.column2} is not paid with {e.column1} on the same day (CMS NCCI edit, "
                "modifier indicator 0: no modifier allows the pair)."
            )
            findings.append(
                (RuleId.NCCI_NOT_TOGETHER, E, e.column2, msg, SRC_NCCI, e.version, line_no)
            )
            continue
        if any(r & DISTINCT_SERVICE for r in col2.billed_modifier_rows or ()):
            continue
        msg = (
            f"{e.column2} with {e.column1} on the same day is denied unless the services were "
            f"truly distinct (CMS NCCI edit, modifier indicator 1). Only if the documentation "
            f"supports it, add 59 or XE/XS/XP/XU to {e.column2}; ptdesk never adds it."
        )
        findings.append(
            (RuleId.NCCI_MODIFIER_NEEDED, sev, e.column2, msg, SRC_NCCI, e.version, line_no)
        )


def authorization(v: VisitCalc, findings: list[FindingT]) -> None:
    terms = v.auth
    if terms is None:
        return
    number = f" {terms.number}" if terms.number else ""
    day = v.day
    if not terms.covers_date(day):
        msg = (
            f"The visit date {day.isoformat()} is outside authorization{number} "
            f"({terms.start.isoformat()} to {terms.end.isoformat()})."
        )
        findings.append((RuleId.AUTH_DATE_OUTSIDE, E, None, msg, SRC_AUTH, "", None))
    n = v.visit_number
    if terms.counts is AuthUnit.VISITS and n is not None and n > terms.authorized:
        msg = f"This is visit {n} but authorization{number} allows {terms.authorized} visit(s)."
        findings.append((RuleId.AUTH_VISITS_EXCEEDED, E, None, msg, SRC_AUTH, "", None))
    for m in v.merged:
        if not terms.covers_code(m.code):
            msg = (
                f"{m.code} is not among the codes authorization{number} names "
                f"({', '.join(sorted(terms.codes))})."
            )
            findings.append(
                (RuleId.AUTH_CODE_NOT_COVERED, E, m.code, msg, SRC_AUTH, "", m.input_lines[0])
            )
