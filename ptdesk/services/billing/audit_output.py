"""The audit's output text, JSON or CSV, built from fragments remembered by their content.

A finding's JSON or CSV text without its row number, a billed line's JSON text and a date's
text repeat endlessly in a large file; each is built once and remembered in a bounded cache.
Everything remembered is a pure function of its key, so neither the order of visits nor the
process that renders them can change a byte of output.

JSON: `{"visits":[` then each visit as `,\\n{...}` (the very first one `\\n{...}`), then
`\\n],"summary":{...}}\\n`. CSV: a header row, then one row per finding.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from ptdesk.domain.billing.calc import FindingT, LineOut
from ptdesk.domain.billing.core import Outcome, needs_explanation
from ptdesk.services.billing.audit_rows import AuditSummary

_CACHE_MAX = 10_000
_enc: Callable[[str], str] = json.encoder.encode_basestring
CSV_COLUMNS = ("visit_id", "date", "patient_id", "row", "rule", "severity", "code", "message",
               "source", "table_version")


def _put(cache: dict[Any, str], key: Any, value: str) -> None:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value


class Renderer:
    """Turns audited visits into output text (see the module docstring for the shapes)."""

    def __init__(self, fmt: str) -> None:
        if fmt not in ("json", "csv"):
            raise ValueError(f"unknown output format {fmt!r}")
        self.json = fmt == "json"
        self.finding_frag: dict[tuple[Any, ...], str] = {}
        self.line_frag: dict[tuple[Any, ...], str] = {}
        self.days: dict[date | None, str] = {}
        self._csv_buf = io.StringIO()
        self._csv = csv.writer(self._csv_buf, lineterminator="\n")

    def head(self) -> str:
        return '{"visits":[' if self.json else self._csv_row(CSV_COLUMNS)

    def tail(self, summary: AuditSummary) -> str:
        if not self.json:
            return ""
        body = {
            "visits": summary.visits,
            "lines": summary.lines,
            "findings_by_rule": summary.findings_by_rule,
            "units_overbilled": summary.units_overbilled,
            "units_underbilled": summary.units_underbilled,
            "invalid_rows": summary.invalid_rows,
        }
        enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        return '\n],"summary":' + enc(body) + "}\n"

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
            _put(self.days, day, text)
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
            _put(self.finding_frag, key, frag)
        return frag

    def _line(self, b: LineOut) -> str:
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
            _put(self.line_frag, key, frag)
        return frag

    def visit(self, vid: str, day: date | None, pid: str, res: Outcome | None,
              findings: list[FindingT]) -> str:
        """One visit's text; JSON visits start with ",\\n" (the caller fixes the first)."""
        if self.json:
            parts = [',\n{"visit_id":', _enc(vid), ',"date":', self._day(day),
                     ',"patient_id":', _enc(pid)]
            if res is None:
                parts.append(',"total_timed_minutes":0,"total_timed_units":0,"lines":[')
            else:
                a = res.allocation
                parts.append(f',"total_timed_minutes":{a.total_minutes},'
                             f'"total_timed_units":{a.total_units},"lines":[')
                parts.append(",".join([self._line(b) for b in res.lines]))
            parts.append('],"findings":[')
            parts.append(",".join([
                self._finding(f) + ("null}" if f[6] is None else f"{f[6]}}}") for f in findings
            ]))
            parts.append("]")
            if res is not None and needs_explanation(res, findings):
                parts.append(',"explanation":')
                parts.append(_enc(res.explanation()))
            parts.append("}")
            return "".join(parts)
        if not findings:
            return ""
        head = self._csv_row((vid, self._day(day), pid))[:-1] + ","
        return "".join([
            head + ("" if not f[6] else str(f[6])) + self._finding(f) for f in findings
        ])
