"""One CSV row of each kind -> a typed row, or `CellError` with the reason (pure).

What needs the database (does the chart exist, is the payer known) is the import services'.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.imports import values as v
from ptdesk.domain.imports.values import CellError
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus, default_unit_method

Get = Callable[[str], str]  # column -> the cell's text ("" when absent)


@dataclass(frozen=True, slots=True)
class PayerIn:
    name: str
    kind: PayerKind
    unit_method: UnitMethod
    requires_authorization: bool


@dataclass(frozen=True, slots=True)
class PatientIn:
    chart: str
    last_name: str
    first_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    phone: str
    email: str
    address: str
    city: str
    state: str
    zip: str
    active: bool


@dataclass(frozen=True, slots=True)
class CoverageIn:
    chart: str
    payer: str
    rank: int
    member_id: str
    group_id: str
    effective: date
    end: date | None
    plan_year_start: tuple[int, int]
    visit_limit: int | None
    visits_used_elsewhere: int
    deductible: Decimal | None
    deductible_met: Decimal | None
    copay: Decimal | None
    coinsurance_percent: Decimal | None
    oop_max: Decimal | None
    oop_met: Decimal | None
    ytd_therapy_allowed_elsewhere: Decimal | None


@dataclass(frozen=True, slots=True)
class AuthorizationIn:
    chart: str
    payer: str
    number: str
    state: AuthState
    start: date
    end: date
    counts: AuthUnit
    authorized: int
    codes: tuple[tuple[str, int | None], ...]
    used_before: int


@dataclass(frozen=True, slots=True)
class VisitIn:
    chart: str
    day: date
    at: time | None
    provider: str
    payer: str
    status: VisitStatus
    lines: tuple[tuple[str, int], ...]  # (code, minutes)


_KINDS = {k.value: k for k in PayerKind} | {
    "medicare_part_b": PayerKind.MEDICARE, "ma": PayerKind.MEDICARE_ADVANTAGE,
    "medicare_replacement": PayerKind.MEDICARE_ADVANTAGE, "commercial_insurance":
    PayerKind.COMMERCIAL, "private": PayerKind.COMMERCIAL, "workers_compensation":
    PayerKind.WORKERS_COMP, "wc": PayerKind.WORKERS_COMP, "self": PayerKind.SELF_PAY,
    "cash": PayerKind.SELF_PAY, "selfpay": PayerKind.SELF_PAY,
}
_RANKS = {"primary": 1, "1": 1, "p": 1, "secondary": 2, "2": 2, "s": 2, "tertiary": 3, "3": 3}
_AUTH_STATES = {"approved": AuthState.ACTIVE, "active": AuthState.ACTIVE,
                "pending": AuthState.PENDING,
                # ptdesk's own export writes an authorization closed early (discharge) as
                # "ended", its end being the day it ended: a round trip keeps it closed.
                "ended": AuthState.ENDED}
_VISIT_STATUSES = {s.value: s for s in VisitStatus if s is not VisitStatus.VOIDED} | {
    "checked_in": VisitStatus.CHECKED_IN, "checkedin": VisitStatus.CHECKED_IN,
    "arrived": VisitStatus.CHECKED_IN, "done": VisitStatus.COMPLETED,
    "canceled": VisitStatus.CANCELLED, "noshow": VisitStatus.NO_SHOW,
    "scheduled": VisitStatus.BOOKED,
}
_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U", "": "U",
        "x": "U", "other": "U"}


def _key(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_").replace("'", "")


def _required(get: Get, column: str, limit: int) -> str:
    t = get(column).strip()
    if not t:
        raise CellError(f"{column} is empty")
    return _fits(t, column, limit)


def _fits(text: str, column: str, limit: int) -> str:
    t = text.strip()
    if len(t) > limit:
        raise CellError(f"{column} is longer than {limit} characters")
    return t


def payer(get: Get) -> PayerIn:
    name = _required(get, "name", 120)
    kind = _KINDS.get(_key(get("payer_type")))
    if kind is None:
        raise CellError(f"payer_type '{get('payer_type').strip()}' is not one of "
                        f"{', '.join(k.value for k in PayerKind)}")
    m = _key(get("unit_method"))
    if m not in ("", "cms", "ama"):
        raise CellError(f"unit_method '{get('unit_method').strip()}' is not cms or ama")
    method = UnitMethod(m) if m else default_unit_method(kind)
    return PayerIn(name, kind, method, v.yes_no(get("requires_authorization"),
                                                "requires_authorization", False))


def patient(get: Get, today: date) -> PatientIn:
    dob = v.day(get("date_of_birth"), "date_of_birth")
    if dob > today:
        raise CellError(f"date_of_birth {dob.isoformat()} is in the future")
    sex = _SEX.get(get("sex").strip().lower())
    if sex is None:
        raise CellError(f"sex '{get('sex').strip()}' is not M, F or U")
    state = get("state").strip().upper()
    if state and len(state) != 2:
        raise CellError(f"state '{state}' is not a two-letter state")
    return PatientIn(
        chart=_required(get, "chart", 20), last_name=_required(get, "last_name", 80),
        first_name=_required(get, "first_name", 80),
        preferred_name=_fits(get("preferred_name"), "preferred_name", 80),
        date_of_birth=dob, sex=sex, phone=_fits(get("phone"), "phone", 30),
        email=_fits(get("email"), "email", 200), address=_fits(get("address"), "address", 120),
        city=_fits(get("city"), "city", 80), state=state, zip=_fits(get("zip"), "zip", 10),
        active=v.yes_no(get("active"), "active", True),
    )


def _rank(get: Get) -> int:
    rank = _RANKS.get(get("rank").strip().lower() or "primary")
    if rank is None:
        raise CellError(f"rank '{get('rank').strip()}' is not primary or secondary")
    return rank


def coverage(get: Get) -> CoverageIn:
    effective = v.day(get("effective"), "effective")
    end = v.optional_day(get("end"), "end")
    if end is not None and end < effective:
        raise CellError(f"end {end.isoformat()} is before effective {effective.isoformat()}")
    elsewhere = v.count(get("visits_used_elsewhere"), "visits_used_elsewhere") or 0
    return CoverageIn(
        chart=_required(get, "chart", 20), payer=_required(get, "payer", 120), rank=_rank(get),
        member_id=_fits(get("member_id"), "member_id", 40),
        group_id=_fits(get("group_id"), "group_id", 40), effective=effective, end=end,
        plan_year_start=v.month_day(get("plan_year_start"), "plan_year_start") or (1, 1),
        visit_limit=v.count(get("visit_limit"), "visit_limit"),
        visits_used_elsewhere=elsewhere,
        deductible=v.money(get("deductible"), "deductible"),
        deductible_met=v.money(get("deductible_met"), "deductible_met"),
        copay=v.money(get("copay"), "copay"),
        coinsurance_percent=v.percent(get("coinsurance_percent"), "coinsurance_percent"),
        oop_max=v.money(get("oop_max"), "oop_max"), oop_met=v.money(get("oop_met"), "oop_met"),
        ytd_therapy_allowed_elsewhere=v.money(get("ytd_therapy_allowed_elsewhere"),
                                              "ytd_therapy_allowed_elsewhere"),
    )


def authorization(get: Get) -> AuthorizationIn:
    start = v.day(get("start"), "start")
    end = v.day(get("end"), "end")
    if end < start:
        raise CellError(f"end {end.isoformat()} is before start {start.isoformat()}")
    state = _AUTH_STATES.get(_key(get("status")) or "approved")
    if state is None:
        raise CellError(f"status '{get('status').strip()}' is not approved or pending")
    visits = v.count(get("visits"), "visits")
    units_text = get("units").strip()
    codes = v.codes(get("codes"), "codes")
    used = v.count(get("used_before"), "used_before") or 0
    if visits is not None and units_text:
        raise CellError("give visits or units, not both")
    if units_text and ":" in units_text:
        per_code = v.code_numbers(units_text, "units", "units")
        if codes and set(codes) != {c for c, _ in per_code}:
            raise CellError("codes and the codes in units differ")
        counts, authorized = AuthUnit.UNITS, sum(n for _, n in per_code)
        code_units: tuple[tuple[str, int | None], ...] = tuple(
            (c, n) for c, n in per_code)
    elif units_text:
        counts, authorized = AuthUnit.UNITS, v.count(units_text, "units") or 0
        code_units = tuple((c, None) for c in codes)
    else:
        if visits is None and state is not AuthState.PENDING:
            raise CellError("visits (or units) is empty")
        counts, authorized = AuthUnit.VISITS, visits or 0
        code_units = tuple((c, None) for c in codes)
    return AuthorizationIn(
        chart=_required(get, "chart", 20), payer=_required(get, "payer", 120),
        number=_fits(get("number"), "number", 40), state=state, start=start, end=end,
        counts=counts, authorized=authorized, codes=code_units, used_before=used,
    )


def visit(get: Get, today: date) -> VisitIn:
    day = v.day(get("date"), "date")
    status = _VISIT_STATUSES.get(_key(get("status")))
    if status is None:
        raise CellError(f"status '{get('status').strip()}' is not booked, checked_in, "
                        "completed, cancelled or no_show")
    lines = v.code_numbers(get("lines"), "lines", "minutes")
    if lines and status is not VisitStatus.COMPLETED:
        raise CellError(f"lines are only for completed visits (this one is {status.value})")
    if day > today and status in (VisitStatus.CHECKED_IN, VisitStatus.COMPLETED):
        raise CellError(f"a visit on {day.isoformat()} cannot be {status.value} yet")
    if any(m > 1440 for _, m in lines):
        raise CellError("lines: more than 1,440 minutes on one code")
    return VisitIn(
        chart=_required(get, "chart", 20), day=day, at=v.clock(get("time"), "time"),
        provider=_fits(get("provider"), "provider", 160),
        payer=_fits(get("payer"), "payer", 120), status=status, lines=lines,
    )
