"""The audit's input: the columns, the row-level parsing rules and their messages.

Every field has a limit: text longer than `MAX_FIELD` characters, a whole number above
`MAX_COUNT` or an amount that is not a finite number of dollars under `MAX_AMOUNT` makes the row
an INVALID_ROW finding, never an abort, so a hostile file costs neither memory nor a crash.
The parse of each repeating piece of text is remembered by that text in small bounded caches
(dates, payer and method, minutes, units and modifiers, authorizations repeat endlessly).
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import Any, TextIO

from ptdesk.domain.auth_terms import AuthorizationTerms
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
MAX_FIELD = 256  # characters in any one field the audit reads
MAX_COUNT = 1_000_000  # units, visit numbers, authorized visits
MAX_AMOUNT = Decimal(10_000_000)  # dollars: far above any real allowed or year-to-date amount
_CACHE_MAX = 10_000  # entries per cache: answers stay identical, memory stays flat
# The picked columns, in the order `_Rows.fields` returns them.
COLUMNS = ("date", "payer_type", "unit_method", "code", "minutes", "assistant_minutes",
           "billed_units", "billed_modifiers", "patient_id", "ytd_allowed_before",
           "auth_visits", "auth_start", "auth_end", "auth_codes", "visit_number",
           "allowed_amount")
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
    if value > MAX_COUNT:
        raise ValueError(f"{what} {value} is more than {MAX_COUNT:,}")
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
    if value > MAX_AMOUNT:
        raise ValueError(f"{what} '{text}' is more than ${MAX_AMOUNT:,}")
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
        """The row's fields in `COLUMNS` order ("" for a column the file lacks)."""
        if self.pick is not None and len(row) >= self.need:
            return self.pick(row)  # type: ignore[no-any-return]
        n = len(row)
        return tuple(row[i] if 0 <= i < n else "" for i in self.idx)

    @staticmethod
    def too_long(fields: tuple[str, ...]) -> str | None:
        """The problem with a row whose field passes `MAX_FIELD` characters, else None."""
        for name, text in zip(COLUMNS, fields, strict=True):
            if len(text) > MAX_FIELD:
                return f"{name} is longer than {MAX_FIELD} characters"
        return None

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


def open_audit_file(path: Path) -> TextIO:
    """Open the input, or raise AuditInputError with a sentence for the desk.

    Only a regular file is accepted: a folder, a device such as /dev/zero or a named pipe
    (which would wait for a writer for ever) is refused before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise AuditInputError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise AuditInputError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise AuditInputError(f"{path} cannot be opened ({exc.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise AuditInputError(f"{path} is a folder, not a CSV file")
        raise AuditInputError(f"{path} is not a regular file (a device or a pipe)")
    os.set_blocking(fd, True)
    raw = os.fdopen(fd, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
