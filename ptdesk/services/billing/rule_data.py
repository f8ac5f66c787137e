"""Import CMS's own quarterly MUE and NCCI PTP files, and list the rule tables in use.

Formats (CMS downloads, as CSV or tab-delimited text):
- MUE: a few lines of copyright preamble, then a header naming "HCPCS/CPT Code", the MUE value
  and the "MUE Adjudication Indicator" (e.g. "3 Date of Service Edit: Clinical"), then rows.
- PTP: preamble, then "Column 1", "Column 2", "*=in existence prior to 1996", "Effective Date"
  (YYYYMMDD), "Deletion Date" (YYYYMMDD, "*" = none), "Modifier" (0/1/9), "PTP Edit Rationale".
The kind is detected from the header. Only rows for codes in ptdesk's catalogue are stored
(both columns, for PTP): the clinic bills nothing else, and a full file has ~1M rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.billing.ruleset import RuleSet, TableInfo
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models.rule_tables import ImportedMue, ImportedPtp, RuleImport

_CODE = re.compile(r"^[A-Z0-9]{5}$")
_EFF = re.compile(r"Eff[_ -]?(\d{2})[-_](\d{2})[-_](\d{4})", re.IGNORECASE)


class RuleImportError(Exception):
    """The file is not a CMS MUE or PTP file ptdesk can read; the message says why."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    version: str
    rows_read: int
    rows_kept: int
    effective_from: date | None
    effective_to: date | None


def _cells(line: str, delim: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in next(csv.reader([line], delimiter=delim))]


def _delimiter(line: str) -> str:
    return "\t" if line.count("\t") >= max(1, line.count(",")) else ","


def detect_kind(lines: Iterable[str]) -> tuple[str, int, str]:
    """('mue' | 'ptp', header line index, delimiter) from the first lines of the file."""
    for i, line in enumerate(lines):
        low = line.lower()
        if "column 1" in low and "column 2" in low:
            return "ptp", i, _delimiter(line)
        if (
            ("hcpcs" in low or "cpt" in low)
            and "mue" in low
            and ("indicator" in low or "value" in low)
        ):
            return "mue", i, _delimiter(line)
        if i > 60:
            break
    raise RuleImportError(
        "this does not look like a CMS MUE or PTP file (no 'HCPCS ... MUE' or "
        "'Column 1 / Column 2' header in its first lines)"
    )


def _yyyymmdd(text: str) -> date | None:
    text = text.strip()
    if not text or text == "*":
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) != 8:
        raise ValueError(text)
    if "-" in text and text.index("-") == 4:
        return date.fromisoformat(text[:10])
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))


def quarter_from_name(name: str) -> tuple[date | None, date | None]:
    m = _EFF.search(name)
    if not m:
        return None, None
    start = date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    month = start.month + 3
    year = start.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return start, date(year, month, 1) - timedelta(days=1)


def parse_file(path: Path, codes: frozenset[str]) -> tuple[str, list[tuple[object, ...]], int]:
    """(kind, kept rows, rows read). MUE rows: (code, limit, mai, rationale); PTP rows:
    (column1, column2, effective, deletion, indicator, rationale)."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise RuleImportError(f"{path} cannot be read ({exc.strerror})") from None
    lines = text.splitlines()
    kind, header_at, delim = detect_kind(lines)
    kept: list[tuple[object, ...]] = []
    seen: set[str] = set()
    read = 0
    for line in lines[header_at + 1 :]:
        if not line.strip():
            continue
        c = _cells(line, delim)
        if len(c) < 3 or not _CODE.match(c[0].upper()):
            continue  # a second header line, a footnote
        read += 1
        try:
            if kind == "mue":
                code = c[0].upper()
                if code not in codes or code in seen:
                    continue
                seen.add(code)
                mai = int(c[2].strip()[:1])
                kept.append((code, int(float(c[1])), mai, c[3] if len(c) > 3 else ""))
            else:
                c1, c2 = c[0].upper(), c[1].upper()
                if c1 not in codes or c2 not in codes:
                    continue
                eff = _yyyymmdd(c[3])
                if eff is None:
                    continue
                kept.append(
                    (c1, c2, eff, _yyyymmdd(c[4]), int(c[5][:1]), c[6] if len(c) > 6 else "")
                )
        except (ValueError, IndexError):
            raise RuleImportError(f"line '{line[:80]}' of {path.name} cannot be read") from None
    if read == 0:
        raise RuleImportError(f"{path.name} has a {kind.upper()} header but no data rows")
    return kind, kept, read


def import_rule_file(
    factory: sessionmaker[Session], path: Path, rules: RuleSet, now: datetime
) -> ImportResult:
    require(Permission.IMPORT_RULES)
    data = path.read_bytes() if path.is_file() else None
    if data is None:
        raise RuleImportError(f"{path} is not a file")
    digest = hashlib.sha256(data).hexdigest()
    kind, rows, read = parse_file(path, frozenset(rules.codes))
    eff_from, eff_to = quarter_from_name(path.name) if kind == "mue" else (None, None)
    version = path.stem
    with session_scope(factory) as s:
        dup = s.scalar(select(RuleImport.id).where(RuleImport.sha256 == digest))
        if dup is not None:
            raise RuleImportError(f"{path.name} was already imported")
        imp = RuleImport(
            kind=kind,
            version=version,
            file_name=path.name,
            sha256=digest,
            imported_at=now,
            effective_from=eff_from,
            effective_to=eff_to,
            rows_read=read,
            rows_kept=len(rows),
        )
        if kind == "mue":
            imp.mue_rows = [
                ImportedMue(code=r[0], limit_units=r[1], mai=r[2], rationale=str(r[3])[:200])
                for r in rows
            ]
        else:
            imp.ptp_rows = [
                ImportedPtp(
                    column1=r[0],
                    column2=r[1],
                    effective=r[2],
                    deletion=r[3],
                    indicator=r[4],
                    rationale=str(r[5])[:200],
                )
                for r in rows
            ]
        s.add(imp)
    return ImportResult(kind, version, read, len(rows), eff_from, eff_to)


def list_tables(rules: RuleSet) -> tuple[TableInfo, ...]:
    return rules.tables
