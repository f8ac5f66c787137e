"""What both audit paths share: the columns, the row-level parsing rules and their messages."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.billing.findings import SRC_INPUT, Finding, RuleId, Severity
from ptdesk.domain.billing.modifiers import parse_modifiers
from ptdesk.domain.dates import parse_date
from ptdesk.domain.payers import PayerKind, UnitMethod

REQUIRED = ("visit_id", "date", "payer_type", "code", "minutes")
OPTIONAL = (
    "patient_id",
    "unit_method",
    "assistant_minutes",
    "billed_units",
    "billed_modifiers",
    "ytd_allowed_before",
    "allowed_amount",
    "auth_visits",
    "auth_start",
    "auth_end",
    "auth_codes",
    "visit_number",
)
MINUTES_PER_DAY = 24 * 60
_PAYERS = {k.value: k for k in PayerKind}
_METHODS = {"": UnitMethod.CMS, "cms": UnitMethod.CMS, "ama": UnitMethod.AMA}


class AuditInputError(Exception):
    """The file cannot be audited at all (missing, unreadable, not a CSV with the columns)."""


@dataclass(frozen=True, slots=True)
class AuditSummary:
    visits: int
    lines: int
    invalid_rows: int
    findings_by_rule: dict[str, int]
    units_overbilled: int
    units_underbilled: int


class _SeenIds:
    """A fixed-size Bloom filter of visit ids (2**27 bits, 3 probes)."""

    __slots__ = ("_bits",)
    _MASK = (1 << 27) - 1

    def __init__(self) -> None:
        self._bits = bytearray(1 << 24)

    def add_and_check(self, key: str) -> bool:
        h = hash(key)
        h1 = h & self._MASK
        h2 = ((h >> 27) | 1) & self._MASK
        bits = self._bits
        seen = True
        for i in range(3):
            idx = (h1 + i * h2) & self._MASK
            byte, bit = idx >> 3, 1 << (idx & 7)
            if not bits[byte] & bit:
                seen = False
                bits[byte] |= bit
        return seen


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


class _Parser:
    """Turns raw CSV rows into validated service lines. Caches small, repeating values."""

    def __init__(self, header: list[str]) -> None:
        index = {name.strip().lower(): i for i, name in enumerate(header)}
        missing = [c for c in REQUIRED if c not in index]
        if missing:
            raise AuditInputError(
                f"the file has no column {', '.join(missing)} (its header row must name "
                f"{', '.join(REQUIRED)})"
            )
        self.idx = {c: index.get(c, -1) for c in REQUIRED + OPTIONAL}
        self.width = len(header)
        self._dates: dict[str, date] = {}

    def date(self, text: str, what: str) -> date:
        d = self._dates.get(text)
        if d is None:
            d = parse_date(text)  # ISO (2026-03-07) or a billing export's 03/07/2026
            if d is None:
                raise ValueError(f"{what} '{text}' is not a real date (YYYY-MM-DD or MM/DD/YYYY)")
            if len(self._dates) < 50_000:
                self._dates[text] = d
        return d


def _int(text: str, what: str, *, required: bool = False) -> int | None:
    text = text.strip()
    if not text:
        if required:
            raise ValueError(f"{what} is empty")
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{what} '{text}' is not a whole number") from None
    if value < 0:
        raise ValueError(f"{what} {value} is negative")
    return value


def _money(text: str, what: str) -> Decimal | None:
    text = text.strip().lstrip("$").replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} '{text}' is not an amount in dollars") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} '{text}' is not an amount in dollars")
    return value


def _auth(get: Callable[[str], str], p: _Parser) -> AuthorizationTerms | None:
    visits, start, end, codes = (
        get("auth_visits"),
        get("auth_start"),
        get("auth_end"),
        get("auth_codes"),
    )
    if not (visits.strip() or start.strip() or end.strip() or codes.strip()):
        return None
    n = _int(visits, "auth_visits")
    return AuthorizationTerms(
        start=p.date(start, "auth_start") if start.strip() else date.min,
        end=p.date(end, "auth_end") if end.strip() else date.max,
        authorized=n if n is not None else 2**31,
        codes=parse_modifiers(codes),
    )


def open_audit_file(path: Path) -> TextIO:
    """Open the input, or raise AuditInputError with a sentence for the desk."""
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise AuditInputError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise AuditInputError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise AuditInputError(f"{path} cannot be opened ({exc.strerror})") from None
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
