"""The audit's fast path: the same output as `audit.audit_stream_reference`, byte for byte.

What makes it fast (profiled on the 1M-line benchmark; see benchmarks/bench_audit.py):
- rows are parsed through small bounded caches keyed by the raw text (dates, payer and method,
  minutes, billed units and modifiers, authorizations repeat endlessly in a real file);
- visits go through `FastEvaluator` (plain tuples, table lookups remembered) instead of
  `evaluate_visit` (frozen dataclasses);
- output is built from pre-encoded fragments: a finding's JSON or CSV text without its row
  number, a line's JSON text, a date's text, each remembered by its content;
- output is written in batches.
Everything the caches remember is a pure function of its key, so the order of visits cannot
change a byte of output. tests/services/test_audit.py compares both paths on random files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, TextIO

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.fast import FastEvaluator, FastResult, FindingT
from ptdesk.domain.billing.findings import SRC_INPUT, RuleId, Severity
from ptdesk.domain.billing.modifiers import parse_modifiers
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.services.audit_rows import (
    _METHODS,
    _PAYERS,
    MINUTES_PER_DAY,
    AuditInputError,
    AuditSummary,
    _auth,
    _int,
    _money,
    _Parser,
    _SeenIds,
)

_CACHE_MAX = 10_000  # entries per cache: output stays identical, memory stays flat
_INVALID = RuleId.INVALID_ROW
_UNIT_RULES = (RuleId.UNITS_OVERBILLED, RuleId.UNITS_UNDERBILLED)
_FLUSH = 1 << 16  # characters of output gathered before one write
_enc: Callable[[str], str] = json.encoder.encode_basestring
COLUMNS = ("date", "payer_type", "unit_method", "code", "minutes", "assistant_minutes",
           "billed_units", "billed_modifiers", "patient_id", "ytd_allowed_before",
           "auth_visits", "auth_start", "auth_end", "auth_codes", "visit_number",
           "allowed_amount")


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


class _Rows:
    """Row fields by name, with the parse of each repeating piece remembered by its text."""

    def __init__(self, header: list[str]) -> None:
        self.parser = _Parser(header)
        idx = self.parser.idx
        self.vid_i = idx["visit_id"]
        present = [idx[c] for c in COLUMNS]
        self.has_mods = idx["billed_modifiers"] >= 0
        self.need = max(present) + 1
        self.fast = min(present) >= 0
        self.pick = itemgetter(*present) if self.fast else None
        self.idx = present
        self.head: dict[tuple[str, str, str], Any] = {}
        self.codes: dict[str, str] = {}
        self.mins: dict[tuple[str, str], Any] = {}
        self.rest: dict[tuple[str, str, str], Any] = {}
        self.auths: dict[tuple[str, str, str, str], Any] = {}

    def fields(self, row: list[str]) -> tuple[str, ...]:
        if self.pick is not None and len(row) >= self.need:
            return self.pick(row)  # type: ignore[no-any-return]
        n = len(row)
        return tuple(row[i] if 0 <= i < n else "" for i in self.idx)

    def head_of(self, d: str, p: str, m: str) -> Any:
        """(day, payer, method), or the error text, for the row's date/payer/method text."""
        key = (d, p, m)
        hit = self.head.get(key)
        if hit is None:
            try:
                day = self.parser.date(d, "date")
                payer_text = p.strip().lower()
                payer = _PAYERS.get(payer_text)
                if payer is None:
                    raise ValueError(
                        f"payer_type '{payer_text}' is not one of {', '.join(_PAYERS)}"
                    )
                method = _METHODS.get(m.strip().lower())
                if method is None:
                    raise ValueError(f"unit_method '{m}' is not cms or ama")
                hit = (day, payer, method)
            except ValueError as exc:
                hit = str(exc)
            self._put(self.head, key, hit)
        return hit

    def minutes_of(self, m: str, a: str) -> Any:
        key = (m, a)
        hit = self.mins.get(key)
        if hit is None:
            try:
                minutes = _int(m, "minutes", required=True) or 0
                assistant = _int(a, "assistant_minutes") or 0
                if assistant > minutes:
                    raise ValueError(
                        f"assistant_minutes {assistant} is more than minutes {minutes}"
                    )
                hit = (minutes, assistant)
            except ValueError as exc:
                hit = str(exc)
            self._put(self.mins, key, hit)
        return hit

    def rest_of(self, u: str, mods: str, allowed: str) -> Any:
        key = (u, mods, allowed)
        hit = self.rest.get(key)
        if hit is None:
            try:
                hit = (
                    _int(u, "billed_units"),
                    parse_modifiers(mods) if self.has_mods else None,
                    _money(allowed, "allowed_amount"),
                )
            except ValueError as exc:
                hit = str(exc)
            self._put(self.rest, key, hit)
        return hit

    def auth_of(self, visits: str, start: str, end: str, codes: str) -> Any:
        key = (visits, start, end, codes)
        hit = self.auths.get(key, False)
        if hit is False:
            got = {"auth_visits": visits, "auth_start": start, "auth_end": end,
                   "auth_codes": codes}
            try:
                hit = _auth(got.__getitem__, self.parser)
            except ValueError as exc:
                hit = str(exc)
            self._put(self.auths, key, hit)
        return hit

    def code_of(self, text: str) -> str:
        code = self.codes.get(text)
        if code is None:
            code = text.strip().upper()
            self._put(self.codes, text, code)
        return code

    @staticmethod
    def _put(cache: dict[Any, Any], key: Any, value: Any) -> None:
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        cache[key] = value


class _Out:
    """Writes visits as JSON or CSV text, from fragments remembered by their content."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        if fmt not in ("json", "csv"):
            raise ValueError(f"unknown output format {fmt!r}")
        self.out = out
        self.json = fmt == "json"
        self.buf: list[str] = []
        self.size = 0
        self.finding_frag: dict[tuple[Any, ...], str] = {}
        self.line_frag: dict[tuple[Any, ...], str] = {}
        self.days: dict[date | None, str] = {}
        self.first = True
        self._csv_buf = io.StringIO()
        self._csv = csv.writer(self._csv_buf, lineterminator="\n")
        if self.json:
            out.write('{"visits":[')
        else:
            out.write(self._csv_row(("visit_id", "date", "patient_id", "row", "rule", "severity",
                                     "code", "message", "source", "table_version")))

    def _csv_row(self, row: tuple[Any, ...]) -> str:
        b = self._csv_buf
        b.seek(0)
        b.truncate()
        self._csv.writerow(row)
        return b.getvalue()

    def _day(self, day: date | None) -> str:
        text = self.days.get(day)
        if text is None:
            if self.json:
                text = f'"{day.isoformat()}"' if day else "null"
            else:
                text = day.isoformat() if day else ""
            _Rows._put(self.days, day, text)
        return text

    def _finding(self, f: FindingT) -> str:
        key = f[:6]
        frag = self.finding_frag.get(key)
        if frag is None:
            rule, sev, code, message, source, version = key
            if self.json:
                frag = (
                    f'{{"rule":{_enc(rule.value)},"severity":{_enc(sev.value)},"code":'
                    f'{"null" if code is None else _enc(code)},"message":{_enc(message)},'
                    f'"source":{_enc(source)},"table_version":{_enc(version)},"row":'
                )
            else:
                # The row text after the row number: ",rule,severity,...\n".
                frag = self._csv_row(("", rule.value, sev.value, code or "", message, source,
                                      version))
            _Rows._put(self.finding_frag, key, frag)
        return frag

    def _line(self, b: tuple[Any, ...]) -> str:
        code, minutes, units, mods, asst, allowed, note = b
        key = (code, minutes, units, mods, asst, str(allowed), note)
        frag = self.line_frag.get(key)
        if frag is None:
            mod_text = ",".join(_enc(x) for x in mods)
            frag = (
                f'{{"code":{_enc(code)},"minutes":{minutes},'
                f'"units":{"null" if units is None else units},"modifiers":[{mod_text}],'
                f'"allowed_amount":{_enc(key[5])}'
            )
            if asst:
                frag += f',"assistant_minutes":{asst}'
            if note:
                frag += f',"note":{_enc(note)}'
            frag += "}"
            _Rows._put(self.line_frag, key, frag)
        return frag

    def visit(self, vid: str, day: date | None, pid: str, res: FastResult | None,
              findings: list[FindingT]) -> None:
        if self.json:
            parts = [
                ("\n" if self.first else ",\n"),
                '{"visit_id":', _enc(vid), ',"date":', self._day(day),
                ',"patient_id":', _enc(pid),
            ]
            self.first = False
            if res is None:
                parts.append(',"total_timed_minutes":0,"total_timed_units":0,"lines":[')
            else:
                parts.append(f',"total_timed_minutes":{res.total_timed_minutes},'
                             f'"total_timed_units":{res.total_timed_units},"lines":[')
                parts.append(",".join([self._line(b) for b in res.lines]))
            parts.append('],"findings":[')
            parts.append(",".join([
                self._finding(f) + ("null}" if f[6] is None else f"{f[6]}}}") for f in findings
            ]))
            parts.append("]")
            if res is not None and (res.ties or any(f[0] in _UNIT_RULES for f in findings)):
                parts.append(',"explanation":')
                parts.append(_enc(res.explain.text()))
            parts.append("}")
            text = "".join(parts)
        elif findings:
            head = self._csv_row((vid, self._day(day), pid))[:-1] + ","
            text = "".join([
                head + ("" if not f[6] else str(f[6])) + self._finding(f) for f in findings
            ])
        else:
            return
        self.buf.append(text)
        self.size += len(text)
        if self.size > _FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.out.write("".join(self.buf))
            self.buf = []
            self.size = 0

    def close(self, summary: AuditSummary) -> None:
        self.flush()
        if self.json:
            body = {
                "visits": summary.visits,
                "lines": summary.lines,
                "findings_by_rule": summary.findings_by_rule,
                "units_overbilled": summary.units_overbilled,
                "units_underbilled": summary.units_underbilled,
                "invalid_rows": summary.invalid_rows,
            }
            enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
            self.out.write('\n],"summary":' + enc(body) + "}\n")


def audit_fast(
    f: TextIO,
    out: TextIO,
    fmt: str,
    rules: RuleSet,
    progress: Callable[[int], None] | None = None,
) -> AuditSummary:
    """Audit the CSV text `f` into `out`; the same contract as `audit.audit_stream`."""
    reader = csv.reader(f)
    try:
        header = next(reader)
    except StopIteration:
        raise AuditInputError("the file is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AuditInputError(f"the file is not readable CSV text ({exc})") from None
    rows_in = _Rows(header)
    writer = _Out(out, fmt)
    evaluate = FastEvaluator(rules).evaluate
    seen = _SeenIds()
    counts: dict[RuleId, int] = {}
    n_visits = n_lines = n_invalid = over = under = 0
    fields, head_of, code_of = rows_in.fields, rows_in.head_of, rows_in.code_of
    minutes_of, rest_of, auth_of = rows_in.minutes_of, rows_in.rest_of, rows_in.auth_of
    vid_i = rows_in.vid_i
    # The visit being gathered.
    cur: str | None = None
    first_row = 0
    repeated = False
    v_day: date | None = None
    v_pid = ""
    v_head: tuple[Any, ...] = ()
    v_ytd: Decimal | None = None
    v_auth: AuthorizationTerms | None = None
    v_number: int | None = None
    v_minutes = 0
    v_lines: list[tuple[Any, ...]] = []
    v_rows: list[int] = []
    problems: list[FindingT] = []

    def emit(vid: str, day: date | None, pid: str, res: FastResult | None,
             findings: list[FindingT], n_rows: int) -> None:
        nonlocal n_visits, n_lines, n_invalid, over, under
        if res is not None:
            n_visits += 1
            over += res.units_overbilled
            under += res.units_underbilled
        n_lines += n_rows
        for fd in findings:
            rule = fd[0]
            counts[rule] = counts.get(rule, 0) + 1
            if rule is _INVALID:
                n_invalid += 1
                n_lines += 1
        writer.visit(vid, day, pid, res, findings)

    def finish() -> None:
        findings = problems
        if repeated:
            findings.insert(0, _not_contiguous(first_row))
        if not v_lines:
            emit(cur or "", v_day, v_pid, None, findings, 0)
            return
        day, payer, method = v_head
        res = evaluate(day, payer, method, v_lines, v_ytd, v_auth, v_number)
        rows = v_rows
        for fd in res.findings:
            line = fd[6]
            findings.append(fd if line is None else (*fd[:6], rows[line]))
        emit(cur or "", v_day, v_pid, res, findings, len(v_rows))

    n_rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            n_rows += 1
            emit("", None, "", None, [_invalid(reader.line_num, f"unreadable CSV ({exc})", "")],
                 0)
            continue
        n_rows += 1
        if progress is not None and n_rows % 10_000 == 0:
            progress(n_rows)
        if not row:
            continue
        row_no = reader.line_num
        vid = row[vid_i].strip() if vid_i < len(row) else ""
        if not vid:
            emit("", None, "", None, [_invalid(row_no, "visit_id is empty", "")], 0)
            continue
        if vid != cur:
            if cur is not None:
                finish()
            cur, first_row, repeated = vid, row_no, seen.add_and_check(vid)
            v_day, v_pid, v_head, v_minutes = None, "", (), 0
            v_ytd = v_auth = v_number = None
            v_lines, v_rows, problems = [], [], []
        (d, p, m, code_text, mins, asst, units, mods, pid, ytd, a_visits, a_start, a_end,
         a_codes, number, allowed) = fields(row)
        code = code_of(code_text)
        if not code:
            problems.append(_invalid(row_no, "code is empty", code))
            continue
        head = head_of(d, p, m)
        if head.__class__ is str:
            problems.append(_invalid(row_no, head, code))
            continue
        mm = minutes_of(mins, asst)
        if mm.__class__ is str:
            problems.append(_invalid(row_no, mm, code))
            continue
        minutes = mm[0]
        if v_minutes + minutes > MINUTES_PER_DAY:
            problems.append(
                _invalid(row_no, "the visit's minutes would pass 24 hours in one day", code)
            )
            continue
        rest = rest_of(units, mods, allowed)
        if rest.__class__ is str:
            problems.append(_invalid(row_no, rest, code))
            continue
        if not v_lines:
            try:
                ytd_value = _money(ytd, "ytd_allowed_before")
                auth = auth_of(a_visits, a_start, a_end, a_codes)
                if auth.__class__ is str:
                    raise ValueError(auth)
                visit_number = _int(number, "visit_number")
            except ValueError as exc:
                problems.append(_invalid(row_no, str(exc), code))
                continue
            v_head, v_day, v_ytd, v_auth, v_number = head, head[0], ytd_value, auth, visit_number
            v_pid = pid.strip()
        elif head is not v_head and head != v_head:
            problems.append(_invalid(
                row_no, "its date, payer_type or unit_method differs from the visit's first row",
                code,
            ))
            continue
        v_minutes += minutes
        v_lines.append((code, minutes, mm[1], rest[0], rest[1], rest[2]))
        v_rows.append(row_no)
    if cur is not None:
        finish()
    summary = AuditSummary(
        n_visits, n_lines, n_invalid, dict(sorted(counts.items())), over, under
    )
    writer.close(summary)
    return summary
