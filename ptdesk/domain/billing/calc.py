"""The working state of one visit inside the engine, shared by the engine and its rules.

Plain tuples and small slotted objects, not frozen dataclasses: the audit evaluates a million
lines through the same code the session form uses, and object churn per line is what it costs.
The field order of the tuples is the field order of the dataclasses the screens see
(`engine.BilledLine`, `findings.Finding`), so the view over them is `Class(*t)`.

This module imports no rule: the rules (checks.py, edit_checks.py) and the engine (core.py)
import it, so there is no circle between them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.findings import RuleId, Severity
from ptdesk.domain.billing.modifiers import PayerPolicy
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.billing.tables import Tables
from ptdesk.domain.billing.units import Allocation

# (code, minutes, assistant_minutes, billed_units, billed_modifiers, allowed_amount)
LineIn = tuple[str, int, int, int | None, frozenset[str] | None, Decimal | None]
# (code, minutes, units, modifiers, assistant_minutes, allowed_amount, note)
LineOut = tuple[str, int, int | None, tuple[str, ...], int, Decimal, str]
# (rule, severity, code, message, source, table_version, line)
FindingT = tuple[RuleId, Severity, str | None, str, str, str, int | None]


def money_text(x: Decimal) -> str:
    return f"${x:,.2f}"


class Merged:
    """All input lines of one code on the visit, minutes added (pt-rules B6.5)."""

    __slots__ = (
        "allowed_given",
        "assistant_minutes",
        "billed_cq_units",
        "billed_modifier_rows",
        "billed_unit_rows",
        "billed_units",
        "code",
        "info",
        "input_lines",
        "minutes",
    )

    def __init__(self, line: LineIn, index: int, info: CodeInfo | None) -> None:
        code, minutes, asst, billed, mods, allowed = line
        self.code = code
        self.info = info
        self.minutes = minutes
        self.assistant_minutes = asst
        self.input_lines = [index]
        self.billed_units = billed  # sum over its lines when every line gave one
        self.billed_unit_rows: list[int | None] = [billed]
        # Per input line, when every line gave its modifiers.
        self.billed_modifier_rows: list[frozenset[str]] | None = None if mods is None else [mods]
        self.billed_cq_units: int | None = None
        self.allowed_given: Decimal | None = None if allowed is None else Decimal(0) + allowed

    def add(self, line: LineIn, index: int) -> None:
        _, minutes, asst, billed, mods, allowed = line
        self.minutes += minutes
        self.assistant_minutes += asst
        self.input_lines.append(index)
        self.billed_units = (
            None if billed is None or self.billed_units is None else self.billed_units + billed
        )
        self.billed_unit_rows.append(billed)
        rows = self.billed_modifier_rows
        self.billed_modifier_rows = None if mods is None or rows is None else [*rows, mods]
        given = self.allowed_given
        self.allowed_given = None if allowed is None or given is None else given + allowed


class VisitCalc:
    """What every rule may read: the visit, its merged codes and the lines the engine billed.

    `lines_of[k]` are the billed lines of `merged[k]`; `expected[k]` their units.
    """

    __slots__ = (
        "allocation",
        "auth",
        "day",
        "expected",
        "lines_of",
        "merged",
        "out",
        "policy",
        "reeval_reason",
        "rules",
        "tables",
        "visit_number",
        "ytd",
    )

    def __init__(
        self,
        day: date,
        policy: PayerPolicy,
        tables: Tables,
        merged: list[Merged],
        out: list[LineOut],
        owner: list[int],
        allocation: Allocation,
        ytd: Decimal | None,
        auth: AuthorizationTerms | None,
        visit_number: int | None,
        reeval_reason: str | None = None,
    ) -> None:
        self.day = day
        # Why a re-evaluation (97164) was done: None = not asked (the audit's files do not
        # carry it), "" = asked and not given.
        self.reeval_reason = reeval_reason
        self.policy = policy
        self.tables = tables
        self.rules: RuleSet = tables.rules
        self.merged = merged
        self.out = out
        self.allocation = allocation
        self.ytd = ytd
        self.auth = auth
        self.visit_number = visit_number
        lines_of: list[list[LineOut]] = [[] for _ in merged]
        for b, k in zip(out, owner, strict=True):
            lines_of[k].append(b)
        self.lines_of = lines_of
        self.expected = [sum(b[2] or 0 for b in mine) for mine in lines_of]

    def claimed(self, k: int) -> int:
        """Units claimed for merged code k: as billed when every line gave one, else computed."""
        billed = self.merged[k].billed_units
        return self.expected[k] if billed is None else billed
