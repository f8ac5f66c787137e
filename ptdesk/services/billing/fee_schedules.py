"""Fee schedules the office manager keeps (issue 11 item 2).

- The default schedule is computed, never stored: the CMS national non-facility total RVU x the
  year's conversion factor (resources/rules/fee_schedule.csv, from the RVU files in
  shared/data) x the clinic's locality factor (clinic details), rounded half-up to the cent.
- A payer's allowed amounts and the clinic's self-pay prices are stored per year
  (`fee_schedules.kind` "allowed" / "self_pay"); a year without its own list uses the newest
  earlier one, so the January switch does not empty the prices.
- CSV import checks each row on its own (unknown code, bad or negative amount, duplicate) and
  keeps the good rows, all in one transaction: a failure writes nothing.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.billing.codes import CodeInfo
from ptdesk.domain.billing.ruleset import FeeEntry
from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.fee_amounts import parse_amount
from ptdesk.domain.money import round_cents
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.billing.fee_schedule_dtos import (
    FeeRow,
    FeeScheduleView,
    ImportProblem,
    ImportReport,
    ScheduleScope,
)
from ptdesk.services.clinic.details import load_details
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import FeeSchedule, FeeScheduleEntry, Payer
from ptdesk.storage.rule_tables import read_codes, read_fees, rules_dir

_AMOUNT_HEADERS = ("amount", "allowed", "allowed_amount", "price", "fee", "self_pay_price")
_STATUS_NOTES = {"B": "bundled: Medicare never pays it separately",
                 "I": "not valid for Medicare (bill G0283)",
                 "C": "carrier-priced: no national amount"}
DEFAULT = ScheduleScope("default", None, "Default (CMS national × locality)", False)
SELF_PAY = ScheduleScope("self_pay", None, "Self-pay prices", True)


@lru_cache(maxsize=1)
def national_fees() -> dict[int, dict[str, FeeEntry]]:
    return read_fees(rules_dir())


@lru_cache(maxsize=1)
def known_codes() -> dict[str, CodeInfo]:
    return read_codes(rules_dir())


def default_amount(entry: FeeEntry, locality: Decimal) -> Decimal:
    """RVU x conversion factor x locality, rounded once, half-up to the cent."""
    return round_cents(entry.total_rvu * entry.conversion_factor * locality)


# PFS statuses CMS does not price on their own (bundled, not valid for Medicare,
# carrier-priced): the default schedule has no amount for them.
UNPRICED_STATUSES = frozenset(_STATUS_NOTES)


def default_fees(year: int, locality: Decimal) -> tuple[int, dict[str, Decimal]]:
    """The clinic's default amount per unit of every priced code for `year`, and the CMS year
    they come from: `year`'s own file, else the latest earlier one (a new year's file not
    loaded yet), else the earliest there is."""
    tables = national_fees()
    cms_year = year if year in tables else max((y for y in tables if y <= year),
                                               default=min(tables, default=year))
    return cms_year, {code: default_amount(e, locality)
                      for code, e in tables.get(cms_year, {}).items()
                      if e.status not in UNPRICED_STATUSES}


def _kind(scope: ScheduleScope) -> str:
    if scope.kind == "default":
        raise DomainError("The default schedule is computed from the CMS files; set the "
                          "locality factor in the clinic details instead.")
    return scope.kind


def _find(s: Session, kind: str, payer_id: int | None, year: int,
          exact: bool) -> FeeSchedule | None:
    stmt = select(FeeSchedule).where(FeeSchedule.kind == kind)
    stmt = stmt.where(FeeSchedule.payer_id.is_(None) if payer_id is None
                      else FeeSchedule.payer_id == payer_id)
    stmt = stmt.where(FeeSchedule.year == year if exact else FeeSchedule.year <= year)
    return s.scalars(stmt.order_by(FeeSchedule.year.desc()).limit(1)).first()


def amounts(s: Session, kind: str, payer_id: int | None, year: int) -> dict[str, Decimal]:
    """The stored list that applies in `year` (its own, else the newest earlier one)."""
    sched = _find(s, kind, payer_id, year, exact=False)
    return {} if sched is None else {e.code: e.allowed_amount for e in sched.entries}


class FeeScheduleService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def years(self) -> tuple[int, ...]:
        return tuple(sorted(national_fees()))

    def scopes(self) -> tuple[ScheduleScope, ...]:
        with session_scope(self._factory) as s:
            payers = s.execute(select(Payer.id, Payer.name).where(Payer.active.is_(True))
                               .order_by(Payer.name)).all()
        return (DEFAULT, SELF_PAY,
                *(ScheduleScope("allowed", pid, name, True) for pid, name in payers))

    def schedule(self, scope: ScheduleScope, year: int) -> FeeScheduleView:
        with session_scope(self._factory) as s:
            locality = load_details(s).locality_factor
            defaults = self._defaults(year, locality)
            if scope.kind == "default":
                rows = tuple(sorted(defaults.values(), key=lambda r: r.code))
                return FeeScheduleView(scope, year, rows, self._default_source(year, locality))
            sched = _find(s, scope.kind, scope.payer_id, year, exact=False)
            entries = {} if sched is None else {e.code: e.allowed_amount for e in sched.entries}
            source = ("" if sched is None else
                      f"{sched.name} ({sched.year})" + (f": {sched.source}" if sched.source
                                                         else ""))
        codes = known_codes()
        rows = tuple(FeeRow(code, amt, defaults[code].amount if code in defaults else None,
                            codes[code].description if code in codes else "")
                     for code, amt in sorted(entries.items()))
        return FeeScheduleView(scope, year, rows, source)

    def _defaults(self, year: int, locality: Decimal) -> dict[str, FeeRow]:
        codes = known_codes()
        fees = national_fees().get(year, {})
        return {code: FeeRow(code, default_amount(e, locality), None,
                             codes[code].description if code in codes else "",
                             _STATUS_NOTES.get(e.status, ""))
                for code, e in fees.items()}

    @staticmethod
    def _default_source(year: int, locality: Decimal) -> str:
        fees = national_fees().get(year, {})
        version = next(iter(fees.values())).version if fees else f"no CMS file for {year}"
        return f"{version} × locality factor {locality}"

    def save(self, scope: ScheduleScope, year: int,
             rows: Sequence[tuple[str, Decimal]]) -> FeeScheduleView:
        """Replaces the year's list with `rows` (what the table shows)."""
        require(Permission.EDIT_FEE_SCHEDULES)
        kind = _kind(scope)
        errors: dict[str, str] = {}
        seen: dict[str, Decimal] = {}
        for i, (code, amount) in enumerate(rows, start=1):
            code = code.strip().upper()
            problem = self._code_problem(code, seen) or parse_amount(str(amount))[1]
            if problem:
                errors[f"row {i}"] = f"Row {i} ({code or 'no code'}): {problem}."
            seen[code] = amount
        if errors:
            raise ValidationErrors(errors)
        with session_scope(self._factory) as s:
            sched = self._own(s, kind, scope, year)
            sched.entries.clear()
            s.flush()
            sched.entries.extend(FeeScheduleEntry(code=c, allowed_amount=a)
                                 for c, a in seen.items())
        return self.schedule(scope, year)

    def import_csv(self, scope: ScheduleScope, year: int, text: str,
                   source: str = "") -> ImportReport:
        """Adds or replaces the rows a CSV file lists (columns `code` and `amount`, or
        `allowed` / `price` / `fee`); other rows of the list stay as they are."""
        require(Permission.EDIT_FEE_SCHEDULES)
        kind = _kind(scope)
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        headers = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
        amount_col = next((headers[h] for h in _AMOUNT_HEADERS if h in headers), None)
        if "code" not in headers or amount_col is None:
            raise DomainError("The file needs a header line with a 'code' column and an "
                              "'amount' (or 'allowed', 'price', 'fee') column.")
        good: dict[str, Decimal] = {}
        problems: list[ImportProblem] = []
        for row in reader:
            line = reader.line_num
            code = (row.get(headers["code"]) or "").strip().upper()
            if not code and not any((v or "").strip() for v in row.values()
                                    if isinstance(v, str)):
                continue  # a blank line
            problem = self._code_problem(code, good)
            amount, amount_problem = parse_amount(row.get(amount_col) or "")
            if problem or amount_problem or amount is None:
                problems.append(ImportProblem(line, f"{code or 'no code'}: "
                                              f"{problem or amount_problem}"))
                continue
            good[code] = amount
        if good:
            with session_scope(self._factory) as s:
                sched = self._own(s, kind, scope, year)
                if source:
                    sched.source = source[:300]
                existing = {e.code: e for e in sched.entries}
                for code, amount in good.items():
                    if code in existing:
                        existing[code].allowed_amount = amount
                    else:
                        sched.entries.append(FeeScheduleEntry(code=code, allowed_amount=amount))
        return ImportReport(len(good), tuple(problems))

    @staticmethod
    def _code_problem(code: str, seen: Mapping[str, Decimal]) -> str | None:
        if not code:
            return "no code"
        if code not in known_codes():
            return f"unknown code {code} (not one of the PT codes ptdesk knows)"
        if code in seen:
            return f"{code} is listed twice"
        return None

    @staticmethod
    def _own(s: Session, kind: str, scope: ScheduleScope, year: int) -> FeeSchedule:
        """This year's own list, created (as a copy of the newest earlier one) if needed."""
        sched = _find(s, kind, scope.payer_id, year, exact=True)
        if sched is not None:
            return sched
        earlier = _find(s, kind, scope.payer_id, year, exact=False)
        name = "Self-pay prices" if kind == "self_pay" else "Allowed amounts"
        sched = FeeSchedule(payer_id=scope.payer_id, year=year, name=name, kind=kind)
        if earlier is not None:
            sched.entries = [FeeScheduleEntry(code=e.code, allowed_amount=e.allowed_amount)
                             for e in earlier.entries]
        s.add(sched)
        s.flush()
        return sched
