"""One chunk of the audit: rows parsed into visits, each visit evaluated and rendered.

Runs in the reading process for a small file and in worker processes for a large one (see
audit.py); its answer depends only on the chunk, never on what ran before in the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.calc import FindingT, LineIn
from ptdesk.domain.billing.core import Evaluator, Outcome
from ptdesk.domain.billing.findings import SRC_INPUT, RuleId, Severity
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.services.billing.audit_output import Renderer
from ptdesk.services.billing.audit_rows import MINUTES_PER_DAY, AuditSummary, _int, _money, _Rows

# ("visit", visit_id, first_row, repeated, [(row_no, fields)], (rows_dropped, first_dropped))
# or ("bad", row_no, problem): a row that belongs to no visit.
Item = tuple[Any, ...]
_INVALID = RuleId.INVALID_ROW
_DIFFERS = "its date, payer_type or unit_method differs from the visit's first row"


def _invalid(row_no: int, problem: str, code: str) -> FindingT:
    return (_INVALID, Severity.ERROR, code or None,
            f"Row {row_no}: {problem}; the row was not audited.", SRC_INPUT, "", row_no)


def _not_contiguous(first_row: int) -> FindingT:
    return (
        RuleId.VISIT_ROWS_NOT_CONTIGUOUS, Severity.WARNING, None,
        f"Rows for this visit_id appeared earlier in the file; rows from {first_row} on "
        "were audited as a separate visit, so units may be misstated. Sort the file by "
        "visit_id.",
        SRC_INPUT, "", first_row,
    )


@dataclass
class ChunkStats:
    visits: int = 0
    lines: int = 0
    invalid: int = 0
    over: int = 0
    under: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, o: ChunkStats) -> None:
        self.visits += o.visits
        self.lines += o.lines
        self.invalid += o.invalid
        self.over += o.over
        self.under += o.under
        for k, n in o.counts.items():
            self.counts[k] = self.counts.get(k, 0) + n

    def summary(self) -> AuditSummary:
        return AuditSummary(self.visits, self.lines, self.invalid,
                            dict(sorted(self.counts.items())), self.over, self.under)


class _Visit:
    """The service lines of one visit as its rows are parsed."""

    __slots__ = ("auth", "day", "head", "lines", "minutes", "number", "pid", "rows", "ytd")

    def __init__(self) -> None:
        self.head: tuple[Any, ...] = ()
        self.day: date | None = None
        self.pid = ""
        self.ytd: Decimal | None = None
        self.auth: AuthorizationTerms | None = None
        self.number: int | None = None
        self.minutes = 0
        self.lines: list[LineIn] = []
        self.rows: list[int] = []


class ChunkAuditor:
    def __init__(self, rules: RuleSet, fmt: str, header: list[str]) -> None:
        self.renderer = Renderer(fmt)
        self.rows_in = _Rows(header)
        self.evaluate = Evaluator(rules).evaluate

    def run(self, items: list[Item]) -> tuple[str, ChunkStats]:
        stats = ChunkStats()
        texts: list[str] = []
        for item in items:
            if item[0] == "bad":
                self._emit(texts, stats, "", None, "", None, [_invalid(item[1], item[2], "")], 0)
            else:
                self._visit(texts, stats, item)
        return "".join(texts), stats

    def _emit(self, texts: list[str], stats: ChunkStats, vid: str, day: date | None, pid: str,
              res: Outcome | None, findings: list[FindingT], n_rows: int) -> None:
        if res is not None:
            stats.visits += 1
            stats.over += res.units_overbilled
            stats.under += res.units_underbilled
        stats.lines += n_rows
        counts = stats.counts
        for fd in findings:
            rule = fd[0]
            counts[rule] = counts.get(rule, 0) + 1
            if rule is _INVALID:
                stats.invalid += 1
                stats.lines += 1
        text = self.renderer.visit(vid, day, pid, res, findings)
        if text:
            texts.append(text)

    def _visit(self, texts: list[str], stats: ChunkStats, item: Item) -> None:
        _, vid, first_row, repeated, rows, dropped = item
        v = _Visit()
        problems: list[FindingT] = [_not_contiguous(first_row)] if repeated else []
        for row_no, fields in rows:
            problem = self._add_row(v, row_no, fields)
            if problem is not None:
                problems.append(problem)
        n_dropped, first_dropped = dropped
        if n_dropped:
            problems.append((
                _INVALID, Severity.ERROR, None,
                f"Row {first_dropped}: this visit has more than {len(rows):,} rows; the "
                f"{n_dropped:,} rows from here on were not audited (check the file's visit_id "
                "column).", SRC_INPUT, "", first_dropped,
            ))
        if not v.lines:
            self._emit(texts, stats, vid, v.day, v.pid, None, problems, 0)
            return
        day, payer, method = v.head
        res = self.evaluate(day, payer, method, v.lines, v.ytd, v.auth, v.number)
        line_rows = v.rows
        for fd in res.findings:
            line = fd[6]
            problems.append(fd if line is None else (*fd[:6], line_rows[line]))
        self._emit(texts, stats, vid, v.day, v.pid, res, problems, len(line_rows))

    def _add_row(self, v: _Visit, row_no: int, fields: tuple[str, ...]) -> FindingT | None:
        """Adds the row's service line to `v`, or returns why the row cannot be audited."""
        r = self.rows_in
        (d, p, m, code_text, mins, asst, units, mods, pid, ytd, a_visits, a_start, a_end,
         a_codes, number, allowed) = fields
        too_long = r.too_long(fields)
        if too_long is not None:
            return _invalid(row_no, too_long, "")
        code = r.code_of(code_text)
        if not code:
            return _invalid(row_no, "code is empty", code)
        head = r.head_of(d, p, m)
        if head.__class__ is str:
            return _invalid(row_no, head, code)
        mm = r.minutes_of(mins, asst)
        if mm.__class__ is str:
            return _invalid(row_no, mm, code)
        minutes = mm[0]
        if v.minutes + minutes > MINUTES_PER_DAY:
            return _invalid(row_no, "the visit's minutes would pass 24 hours in one day", code)
        rest = r.rest_of(units, mods, allowed)
        if rest.__class__ is str:
            return _invalid(row_no, rest, code)
        if not v.lines:
            try:
                ytd_value = _money(ytd, "ytd_allowed_before")
                auth = r.auth_of(a_visits, a_start, a_end, a_codes)
                if auth.__class__ is str:
                    raise ValueError(auth)
                visit_number = _int(number, "visit_number")
            except ValueError as exc:
                return _invalid(row_no, str(exc), code)
            v.head, v.day, v.ytd, v.auth, v.number = head, head[0], ytd_value, auth, visit_number
            v.pid = pid.strip()
        elif head is not v.head and head != v.head:
            return _invalid(row_no, _DIFFERS, code)
        v.minutes += minutes
        v.lines.append((code, minutes, mm[1], rest[0], rest[1], rest[2]))
        v.rows.append(row_no)
        return None
