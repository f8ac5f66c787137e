"""The audit's plain reference (evaluate_visit per visit, dataclasses, json.dumps): the oracle
`ptdesk.services.billing.audit.audit_stream` is held to, byte for byte, on random files.

Test code only: this was the product's reference path before the audit had one path.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TextIO

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.engine import ServiceLine, VisitInput, VisitResult, evaluate_visit
from ptdesk.domain.billing.findings import SRC_INPUT, Finding, RuleId, Severity
from ptdesk.domain.billing.modifiers import parse_modifiers
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.services.billing.audit_rows import (
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


def _invalid(row_no: int, problem: str, code: str | None = None) -> Finding:
    return Finding(
        RuleId.INVALID_ROW,
        Severity.ERROR,
        code or None,
        f"Row {row_no}: {problem}; the row was not audited.",
        SRC_INPUT,
        "",
        row_no,
    )



@dataclass(frozen=True, slots=True)
class VisitRecord:
    visit_id: str
    day: date | None
    patient_id: str
    result: VisitResult | None  # None when no row of the visit could be audited
    findings: list[Finding]  # `line` holds the file's row number
    line_rows: list[int]


@dataclass
class _Visit:
    visit_id: str
    first_row: int
    day: date | None = None
    patient_id: str = ""
    payer: PayerKind | None = None
    method: UnitMethod = UnitMethod.CMS
    ytd: Decimal | None = None
    auth: AuthorizationTerms | None = None
    visit_number: int | None = None
    minutes: int = 0
    lines: list[ServiceLine] = field(default_factory=list)
    line_rows: list[int] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    repeated: bool = False


def _add_row(v: _Visit, row: list[str], row_no: int, p: _Parser) -> None:
    idx = p.idx

    def get(name: str) -> str:
        i = idx[name]
        return row[i] if 0 <= i < len(row) else ""

    code = get("code").strip().upper()
    try:
        if not code:
            raise ValueError("code is empty")
        day = p.date(get("date"), "date")
        payer_text = get("payer_type").strip().lower()
        payer = _PAYERS.get(payer_text)
        if payer is None:
            raise ValueError(f"payer_type '{payer_text}' is not one of {', '.join(_PAYERS)}")
        method = _METHODS.get(get("unit_method").strip().lower())
        if method is None:
            raise ValueError(f"unit_method '{get('unit_method')}' is not cms or ama")
        minutes = _int(get("minutes"), "minutes", required=True) or 0
        assistant = _int(get("assistant_minutes"), "assistant_minutes") or 0
        if assistant > minutes:
            raise ValueError(f"assistant_minutes {assistant} is more than minutes {minutes}")
        if v.minutes + minutes > MINUTES_PER_DAY:
            raise ValueError("the visit's minutes would pass 24 hours in one day")
        billed_units = _int(get("billed_units"), "billed_units")
        mods = parse_modifiers(get("billed_modifiers")) if idx["billed_modifiers"] >= 0 else None
        allowed = _money(get("allowed_amount"), "allowed_amount")
        if not v.lines:
            ytd = _money(get("ytd_allowed_before"), "ytd_allowed_before")
            auth = _auth(get, p)
            visit_number = _int(get("visit_number"), "visit_number")
        elif day != v.day or payer is not v.payer or method is not v.method:
            raise ValueError(
                "its date, payer_type or unit_method differs from the visit's first row"
            )
    except ValueError as exc:
        v.problems.append(_invalid(row_no, str(exc), code))
        return
    if not v.lines:
        v.day, v.payer, v.method, v.ytd, v.auth, v.visit_number = (
            day,
            payer,
            method,
            ytd,
            auth,
            visit_number,
        )
        v.patient_id = get("patient_id").strip()
    v.minutes += minutes
    v.lines.append(ServiceLine(code, minutes, assistant, billed_units, mods, allowed))
    v.line_rows.append(row_no)


def _finish(v: _Visit, rules: RuleSet) -> VisitRecord:
    findings = list(v.problems)
    if v.repeated:
        findings.insert(
            0,
            Finding(
                RuleId.VISIT_ROWS_NOT_CONTIGUOUS,
                Severity.WARNING,
                None,
                f"Rows for this visit_id appeared earlier in the file; rows from {v.first_row} on "
                "were audited as a separate visit, so units may be misstated. Sort the file by "
                "visit_id.",
                SRC_INPUT,
                "",
                v.first_row,
            ),
        )
    if not v.lines or v.day is None or v.payer is None:
        return VisitRecord(v.visit_id, v.day, v.patient_id, None, findings, v.line_rows)
    result = evaluate_visit(
        VisitInput(v.day, v.payer, v.method, tuple(v.lines), v.ytd, v.auth, v.visit_number),
        rules,
    )
    rows = v.line_rows
    findings.extend(f if f.line is None else replace(f, line=rows[f.line]) for f in result.findings)
    return VisitRecord(v.visit_id, v.day, v.patient_id, result, findings, v.line_rows)


def iter_visits(
    f: TextIO, rules: RuleSet, progress: Callable[[int], None] | None = None
) -> Iterator[VisitRecord]:
    reader = csv.reader(f)
    try:
        header = next(reader)
    except StopIteration:
        raise AuditInputError("the file is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AuditInputError(f"the file is not readable CSV text ({exc})") from None
    parser = _Parser(header)
    seen = _SeenIds()
    current: _Visit | None = None
    vid_i = parser.idx["visit_id"]
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            rows += 1
            yield VisitRecord(
                "", None, "", None, [_invalid(reader.line_num, f"unreadable CSV ({exc})")], []
            )
            continue
        rows += 1
        if progress is not None and rows % 10_000 == 0:
            progress(rows)
        if not row:
            continue
        row_no = reader.line_num
        vid = row[vid_i].strip() if vid_i < len(row) else ""
        if not vid:
            yield VisitRecord("", None, "", None, [_invalid(row_no, "visit_id is empty")], [])
            continue
        if current is None or vid != current.visit_id:
            if current is not None:
                yield _finish(current, rules)
            current = _Visit(vid, row_no, repeated=seen.add_and_check(vid))
        _add_row(current, row, row_no, parser)
    if current is not None:
        yield _finish(current, rules)


def audit_stream_reference(
    f: TextIO,
    out: TextIO,
    fmt: str,
    rules: RuleSet,
    progress: Callable[[int], None] | None = None,
) -> AuditSummary:
    """The plain path (evaluate_visit per visit, dataclasses, json.dumps): the oracle that
    tests hold `audit_stream` to, byte for byte."""
    writer: AuditWriter = make_writer(fmt, out)
    counts: Counter[str] = Counter()
    visits = lines = invalid = over = under = 0
    for record in iter_visits(f, rules, progress):
        if record.result is not None:
            visits += 1
            over += record.result.units_overbilled
            under += record.result.units_underbilled
        lines += len(record.line_rows)
        for finding in record.findings:
            counts[finding.rule] += 1
            if finding.rule is RuleId.INVALID_ROW:
                invalid += 1
                lines += 1
        writer.write(record)
    summary = AuditSummary(visits, lines, invalid, dict(sorted(counts.items())), over, under)
    writer.close(summary)
    return summary


# ---- output ---------------------------------------------------------------------------------

_UNIT_RULES = (RuleId.UNITS_OVERBILLED, RuleId.UNITS_UNDERBILLED)


def _finding_dict(f: Finding) -> dict[str, object]:
    return {
        "rule": f.rule.value,
        "severity": f.severity.value,
        "code": f.code,
        "message": f.message,
        "source": f.source,
        "table_version": f.table_version,
        "row": f.line,
    }


def visit_dict(r: VisitRecord) -> dict[str, object]:
    res = r.result
    lines: list[dict[str, object]] = []
    if res is not None:
        for b in res.lines:
            line: dict[str, object] = {
                "code": b.code,
                "minutes": b.minutes,
                "units": b.units,
                "modifiers": list(b.modifiers),
                "allowed_amount": str(b.allowed_amount),
            }
            if b.assistant_minutes:
                line["assistant_minutes"] = b.assistant_minutes
            if b.note:
                line["note"] = b.note
            lines.append(line)
    out: dict[str, object] = {
        "visit_id": r.visit_id,
        "date": r.day.isoformat() if r.day else None,
        "patient_id": r.patient_id,
        "total_timed_minutes": res.total_timed_minutes if res else 0,
        "total_timed_units": res.total_timed_units if res else 0,
        "lines": lines,
        "findings": [_finding_dict(f) for f in r.findings],
    }
    if res is not None and (res.ties or any(f.rule in _UNIT_RULES for f in r.findings)):
        out["explanation"] = res.explanation()
    return out


class AuditWriter:
    def write(self, record: VisitRecord) -> None:
        raise NotImplementedError

    def close(self, summary: AuditSummary) -> None:
        raise NotImplementedError


class JsonWriter(AuditWriter):
    """{"visits": [...], "summary": {...}}, written visit by visit."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.first = True
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        out.write('{"visits":[')

    def write(self, record: VisitRecord) -> None:
        self.out.write(("\n" if self.first else ",\n") + self.encode(visit_dict(record)))
        self.first = False

    def close(self, summary: AuditSummary) -> None:
        body = {
            "visits": summary.visits,
            "lines": summary.lines,
            "findings_by_rule": summary.findings_by_rule,
            "units_overbilled": summary.units_overbilled,
            "units_underbilled": summary.units_underbilled,
            "invalid_rows": summary.invalid_rows,
        }
        self.out.write('\n],"summary":' + self.encode(body) + "}\n")


CSV_COLUMNS = (
    "visit_id",
    "date",
    "patient_id",
    "row",
    "rule",
    "severity",
    "code",
    "message",
    "source",
    "table_version",
)


class CsvWriter(AuditWriter):
    """One row per finding; visits without findings write nothing."""

    def __init__(self, out: TextIO) -> None:
        self.w = csv.writer(out, lineterminator="\n")
        self.w.writerow(CSV_COLUMNS)

    def write(self, record: VisitRecord) -> None:
        day = record.day.isoformat() if record.day else ""
        for f in record.findings:
            self.w.writerow(
                (
                    record.visit_id,
                    day,
                    record.patient_id,
                    f.line or "",
                    f.rule.value,
                    f.severity.value,
                    f.code or "",
                    f.message,
                    f.source,
                    f.table_version,
                )
            )

    def close(self, summary: AuditSummary) -> None:
        pass


def make_writer(fmt: str, out: TextIO) -> AuditWriter:
    if fmt == "json":
        return JsonWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    raise ValueError(f"unknown output format {fmt!r}")
