"""One synthetic person and their insurance: demographics, member ids, plan-year money.

Pure: a seeded `random.Random` is passed in, dates are relative to `today`. Invented values
only (see `demo_data`).
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ptdesk.demo import data as dd
from ptdesk.domain.payers import PayerKind


def person(
    rng: random.Random, n: int, kind: PayerKind, t: date, *, chart_number: str
) -> dict[str, Any]:
    """The patients row (without id) of the `n`-th generated patient, whose primary payer is of
    `kind` (it decides the age). Every 53rd pair shares a name with a different birthday."""
    sex = "F" if rng.random() < 0.56 else "M"
    first = rng.choice(dd.FIRST_NAMES_F if sex == "F" else dd.FIRST_NAMES_M)
    last = rng.choice(dd.LAST_NAMES)
    if n % 53 in (7, 8):  # same name as the next/previous patient, different birthday
        last, first = dd.NAME_TWINS[(n // 53) % len(dd.NAME_TWINS)]
        sex = "M" if first in dd.FIRST_NAMES_M else "F"
    if rng.random() < 0.01:
        sex = "U"
    dob = t - timedelta(days=365 * _age(rng, kind) + rng.randint(0, 364))
    middle = rng.choice(dd.MIDDLE_INITIALS) if rng.random() < 0.4 else ""
    preferred = dd.PREFERRED.get(first, "") if rng.random() < 0.5 else ""
    mobile = _phone(rng) if rng.random() < 0.92 else ""
    home = _phone(rng) if rng.random() < 0.3 else ""
    city, state, zip3 = rng.choice(dd.CITIES)
    fold_first = "".join(c for c in first.lower() if c.isascii() and c.isalpha())
    fold_last = "".join(c for c in last.lower() if c.isascii() and c.isalpha())
    row = {
        "chart_number": chart_number,
        "last_name": last,
        "first_name": first,
        "middle_name": middle,
        "preferred_name": preferred,
        "date_of_birth": dob,
        "sex": sex,
        "phone_mobile": mobile,
        "phone_home": home,
        "email": f"{fold_first or 'pt'}.{fold_last or 'demo'}{rng.randint(1, 99)}@example.com"
        if rng.random() < 0.6
        else "",
        "address_line1": f"{rng.randint(10, 9899)} {rng.choice(dd.STREETS)} "
        f"{rng.choice(dd.STREET_TYPES)}",
        "address_line2": f"Apt {rng.randint(1, 40)}" if rng.random() < 0.12 else "",
        "city": city,
        "state": state,
        "postal_code": f"{zip3}{rng.randrange(100):02d}",
        "active": True,
        "notes": "",
    }
    return row


def _age(rng: random.Random, kind: PayerKind) -> int:
    if kind in (PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE):
        return rng.randint(40, 64) if rng.random() < 0.06 else rng.randint(65, 93)
    if kind is PayerKind.MEDICAID:
        return rng.randint(4, 64)
    return rng.randint(18, 66)


def _phone(rng: random.Random) -> str:
    return dd.fictional_phone(rng.choice(dd.AREA_CODES), rng.randrange(100))


def coverage(rng: random.Random, payer: dd.DemoPayer, priority: int, t: date) -> dict[str, Any]:
    """A coverage row (without ids): member id, plan year, money and visit limits by kind."""
    kind = payer.kind
    member = member_id(rng, payer)
    row: dict[str, Any] = {
        "priority": priority,
        "member_id": member,
        "group_id": "",
        "subscriber_name": "",
        "effective_date": t - timedelta(days=rng.randint(30, 2400)),
        "end_date": None,
        "plan_year_start_month": payer.plan_year_month,
        "plan_year_start_day": 1,
        "visit_limit_per_year": None,
        "visits_used_elsewhere": 0,
        "visits_used_elsewhere_as_of": None,
        "deductible": None,
        "deductible_met": None,
        "copay": None,
        "coinsurance_bp": None,
        "oop_max": None,
        "oop_met": None,
        "therapy_amount_elsewhere": None,
        "therapy_amount_elsewhere_year": None,
        "benefits_verified_on": t - timedelta(days=rng.randint(1, 240)),
        "notes": "",
    }
    money = Decimal
    if kind is PayerKind.MEDICARE:
        deductible = dd.PART_B_DEDUCTIBLE.get(t.year, dd.PART_B_DEDUCTIBLE[2025])
        row.update(
            deductible=deductible,
            deductible_met=rng.choice((money(0), deductible)),
            coinsurance_bp=money(20),
        )
        if priority == 1 and rng.random() < 0.3:
            elsewhere = rng.randint(150, 2350)
            row.update(
                therapy_amount_elsewhere=money(elsewhere), therapy_amount_elsewhere_year=t.year
            )
    elif kind is PayerKind.MEDICARE_ADVANTAGE:
        row.update(
            group_id=f"H{rng.randint(1000, 9999)}-{rng.randint(1, 99):03d}",
            deductible=money(rng.choice((0, 0, 250, 500))),
            deductible_met=money(0),
            copay=money(rng.choice((20, 25, 30, 40, 50))),
            oop_max=money(rng.choice((3400, 4900, 6700, 8850))),
            oop_met=money(rng.randint(0, 1200)),
            visit_limit_per_year=rng.choice((None, None, 30)),
        )
    elif kind is PayerKind.MEDICAID:
        row.update(
            copay=money(rng.choice((0, 0, 1, 3))), visit_limit_per_year=rng.choice((20, 20, 30))
        )
    elif kind is PayerKind.COMMERCIAL:
        deductible = money(rng.choice((500, 1000, 1500, 2500, 3000, 5000)))
        row.update(
            group_id=f"GRP{rng.randint(10000, 99999)}",
            deductible=deductible,
            deductible_met=(deductible * rng.choice((0, 25, 50, 100)) / 100),
            oop_max=money(rng.choice((3000, 4500, 6000, 8700))),
            oop_met=money(rng.randint(0, 2500)),
            visit_limit_per_year=rng.choice((None, 20, 30, 30, 60)),
        )
        if rng.random() < 0.5:
            row["copay"] = money(rng.choice((25, 35, 40, 50, 60, 75)))
        else:
            row["coinsurance_bp"] = money(rng.choice((10, 20, 20, 30)))
        if priority == 2:
            row.update(
                deductible=None,
                deductible_met=None,
                oop_max=None,
                oop_met=None,
                copay=None,
                coinsurance_bp=money(0),
                visit_limit_per_year=None,
                notes="Supplement: pays the primary's coinsurance (demo).",
            )
        if row["visit_limit_per_year"] and rng.random() < 0.25:
            row.update(
                visits_used_elsewhere=rng.randint(1, 12),
                visits_used_elsewhere_as_of=t - timedelta(days=rng.randint(5, 60)),
            )
    elif kind is PayerKind.WORKERS_COMP:
        injury = t - timedelta(days=rng.randint(20, 300))
        row.update(
            group_id=f"CLM-{injury.year % 100}-{rng.randint(1000, 99999):05d}",
            effective_date=injury,
            subscriber_name="Employer on file (demo)",
            notes=f"Date of injury {injury.isoformat()}; adjuster on file (demo).",
        )
    return row


def member_id(rng: random.Random, payer: dd.DemoPayer) -> str:
    """Member ids shaped like the payer kind's real ones (an MBI for Medicare), all random."""
    if payer.kind is PayerKind.SELF_PAY:
        return ""
    if payer.kind is PayerKind.MEDICARE:  # the shape of an MBI: 1EG4-TE5-MK73
        letters = "ACDEFGHJKMNPQRTUVWXY"
        alnum = letters + "0123456789"
        return "".join(
            (
                str(rng.randint(1, 9)),
                rng.choice(letters),
                rng.choice(alnum),
                str(rng.randint(0, 9)),
                rng.choice(letters),
                rng.choice(alnum),
                str(rng.randint(0, 9)),
                rng.choice(letters),
                rng.choice(letters),
                str(rng.randint(0, 9)),
                str(rng.randint(0, 9)),
            )
        )
    return f"{payer.member_prefix}{rng.randint(10**8, 10**9 - 1)}"
