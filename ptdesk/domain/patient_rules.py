"""What makes a patient or a coverage acceptable, as pure functions over frozen drafts.

A draft is what a form holds. `clean_*` tidies it (trims spaces, formats phones and ZIP codes,
upper-cases the state); `patient_errors` / `coverage_errors` return one plain-words message per
field that is wrong, keyed by the draft's attribute name so a form can show each next to its
field; `check_*` does both and raises `ValidationErrors`. `today` is always passed in.
"""

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.search_keys import digits, name_key

MAX_AGE_YEARS = 120
# Money columns are 32-bit integer cents; nothing at a PT desk comes near this.
MAX_AMOUNT = Decimal("1000000")
MAX_VISIT_LIMIT = 1000

SEXES = {"F": "Female", "M": "Male", "X": "Other", "U": "Unknown"}

_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP AA AE AP"
)
US_STATES = frozenset(_STATE_CODES.split(" "))

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")

# Column widths of the schema: longer text would be refused by PostgreSQL.
_PATIENT_LENGTHS = {
    "last_name": 80,
    "first_name": 80,
    "middle_name": 80,
    "preferred_name": 80,
    "chart_number": 20,
    "email": 200,
    "address_line1": 120,
    "address_line2": 120,
    "city": 80,
}
_COVERAGE_LENGTHS = {"member_id": 40, "group_id": 40, "subscriber_name": 160}


@dataclass(frozen=True, slots=True)
class PatientDraft:
    last_name: str
    first_name: str
    date_of_birth: date | None
    middle_name: str = ""
    preferred_name: str = ""
    sex: str = "U"
    phone_mobile: str = ""
    phone_home: str = ""
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    chart_number: str = ""  # blank: assigned on save
    notes: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class CoverageDraft:
    payer_id: int | None
    member_id: str
    effective_date: date | None
    priority: int = 1  # 1 primary, 2 secondary, 3 tertiary
    group_id: str = ""
    subscriber_name: str = ""
    end_date: date | None = None
    plan_year_start_month: int = 1
    plan_year_start_day: int = 1
    visit_limit_per_year: int | None = None
    visits_used_elsewhere: int = 0
    visits_used_elsewhere_as_of: date | None = None
    deductible: Decimal | None = None
    deductible_met: Decimal | None = None
    copay: Decimal | None = None
    coinsurance_pct: Decimal | None = None
    oop_max: Decimal | None = None
    oop_met: Decimal | None = None
    benefits_verified_on: date | None = None
    notes: str = ""


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years of age on `today`."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - int(before_birthday)


def format_phone(text: str) -> str:
    """'555.123.4567' -> '(555) 123-4567'; anything that is not a US number is left as typed."""
    d = digits(text)
    if len(d) == 11 and d.startswith("1"):
        d = d[1:]
    if len(d) == 10 and text.strip() and not any(c.isalpha() for c in text):
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return text.strip()


def _format_zip(text: str) -> str:
    d = digits(text)
    if len(d) == 9 and re.fullmatch(r"[\d\s-]+", text.strip()):
        return f"{d[:5]}-{d[5:]}"
    return text.strip()


def _strip_all(draft: "PatientDraft | CoverageDraft") -> dict[str, object]:
    values: dict[str, object] = {}
    for f in fields(draft):
        value = getattr(draft, f.name)
        values[f.name] = value.strip() if isinstance(value, str) else value
    return values


def clean_patient(draft: PatientDraft) -> PatientDraft:
    values = _strip_all(draft)
    cleaned = replace(draft, **values)  # type: ignore[arg-type]
    return replace(
        cleaned,
        phone_mobile=format_phone(cleaned.phone_mobile),
        phone_home=format_phone(cleaned.phone_home),
        state=cleaned.state.upper(),
        postal_code=_format_zip(cleaned.postal_code),
        sex=(cleaned.sex or "U").upper(),
    )


def clean_coverage(draft: CoverageDraft) -> CoverageDraft:
    values = _strip_all(draft)
    return replace(draft, **values)  # type: ignore[arg-type]


def _phone_problem(text: str) -> str | None:
    if not text:
        return None
    d = digits(text)
    if any(c.isalpha() for c in text):
        return "Type the phone number with digits only, e.g. (555) 123-4567."
    if len(d) == 11 and d.startswith("1"):
        d = d[1:]
    if len(d) != 10:
        return f"A US phone number has 10 digits; this one has {len(d)}."
    return None


def _length_errors(draft: object, limits: dict[str, int], errors: dict[str, str]) -> None:
    for name, limit in limits.items():
        value = getattr(draft, name)
        if name not in errors and isinstance(value, str) and len(value) > limit:
            errors[name] = f"Too long: at most {limit} characters."


def patient_errors(draft: PatientDraft, today: date) -> dict[str, str]:
    """Every problem with a (cleaned) patient draft, by field; empty when it can be saved."""
    errors: dict[str, str] = {}
    if not draft.last_name:
        errors["last_name"] = "Enter the last name."
    if not draft.first_name:
        errors["first_name"] = "Enter the first name."
    dob = draft.date_of_birth
    if dob is None:
        errors["date_of_birth"] = "Enter the date of birth, e.g. 03/07/1961."
    elif dob > today:
        errors["date_of_birth"] = "The date of birth cannot be in the future."
    elif age_on(dob, today) > MAX_AGE_YEARS:
        errors["date_of_birth"] = (
            f"That would make the patient older than {MAX_AGE_YEARS}: check the year."
        )
    for name in ("phone_mobile", "phone_home"):
        problem = _phone_problem(getattr(draft, name))
        if problem:
            errors[name] = problem
    # The length first: a very long text would make the pattern backtrack for a long time.
    if draft.email and len(draft.email) <= _PATIENT_LENGTHS["email"] and not _EMAIL.match(
        draft.email
    ):
        errors["email"] = "This does not look like an email address (name@example.com)."
    if draft.state and draft.state.upper() not in US_STATES:
        errors["state"] = "Use the 2-letter state code, e.g. TX."
    if draft.postal_code and not _ZIP.match(draft.postal_code):
        errors["postal_code"] = "A ZIP code has 5 digits, or 9 as 12345-6789."
    if draft.sex not in SEXES:
        errors["sex"] = "Choose female, male, other or unknown."
    _length_errors(draft, _PATIENT_LENGTHS, errors)
    return errors


def _money_errors(draft: CoverageDraft, errors: dict[str, str]) -> None:
    for name in ("deductible", "deductible_met", "copay", "oop_max", "oop_met"):
        value: Decimal | None = getattr(draft, name)
        if value is None:
            continue
        if not value.is_finite():
            errors[name] = "Enter an amount in dollars, e.g. 120.00."
        elif value < 0:
            errors[name] = "An amount cannot be negative."
        elif value >= MAX_AMOUNT:
            errors[name] = "This amount is too large: check the figure."
    pct = draft.coinsurance_pct
    if pct is not None and not (pct.is_finite() and Decimal(0) <= pct <= Decimal(100)):
        errors["coinsurance_pct"] = "Coinsurance is a percentage from 0 to 100."
    pairs = (("deductible_met", "deductible", "deductible"), ("oop_met", "oop_max", "maximum"))
    for met, total, word in pairs:
        met_value: Decimal | None = getattr(draft, met)
        total_value: Decimal | None = getattr(draft, total)
        if met in errors or total in errors or met_value is None:
            continue
        if total_value is None and met_value > 0:
            errors[met] = f"Enter the {word} itself before the amount met."
        elif total_value is not None and met_value > total_value:
            errors[met] = f"The amount met cannot be more than the {word} (${total_value:,.2f})."


def _plan_year_errors(draft: CoverageDraft, errors: dict[str, str]) -> None:
    month, day = draft.plan_year_start_month, draft.plan_year_start_day
    if not 1 <= month <= 12:
        errors["plan_year_start_month"] = "Choose a month from 1 to 12."
        return
    try:
        date(2001, month, day)  # a common year: a plan year cannot start on Feb 29
    except (ValueError, OverflowError):  # OverflowError: a day past the C int range
        errors["plan_year_start_day"] = "That day does not exist in that month."


def coverage_errors(draft: CoverageDraft, today: date) -> dict[str, str]:
    """Every problem with a (cleaned) coverage draft, by field; empty when it can be saved."""
    errors: dict[str, str] = {}
    if draft.payer_id is None:
        errors["payer_id"] = "Choose the payer."
    if not draft.member_id:
        errors["member_id"] = "Enter the member id from the insurance card."
    if draft.priority not in (1, 2, 3):
        errors["priority"] = "Choose primary, secondary or tertiary."
    if draft.effective_date is None:
        errors["effective_date"] = "Enter the date the coverage starts."
    elif draft.end_date is not None and draft.end_date < draft.effective_date:
        errors["end_date"] = "The end date cannot be before the start date."
    _plan_year_errors(draft, errors)
    limit = draft.visit_limit_per_year
    if limit is not None and not 0 <= limit <= MAX_VISIT_LIMIT:
        errors["visit_limit_per_year"] = "The visit limit must be a number from 0 to 1000."
    if not 0 <= draft.visits_used_elsewhere <= MAX_VISIT_LIMIT:
        errors["visits_used_elsewhere"] = "Visits used elsewhere must be 0 or more."
    for name in ("visits_used_elsewhere_as_of", "benefits_verified_on"):
        when: date | None = getattr(draft, name)
        if when is not None and when > today:
            errors[name] = "This date cannot be in the future."
    _money_errors(draft, errors)
    _length_errors(draft, _COVERAGE_LENGTHS, errors)
    return errors


def check_patient(draft: PatientDraft, today: date) -> PatientDraft:
    """The cleaned draft, or `ValidationErrors` naming each bad field."""
    cleaned = clean_patient(draft)
    errors = patient_errors(cleaned, today)
    if errors:
        raise ValidationErrors(errors)
    return cleaned


def check_coverage(draft: CoverageDraft, today: date) -> CoverageDraft:
    cleaned = clean_coverage(draft)
    errors = coverage_errors(cleaned, today)
    if errors:
        raise ValidationErrors(errors)
    return cleaned


def same_person_key(last_name: str, first_name: str) -> tuple[str, str]:
    """Names compared for duplicates: case, accents, spaces and punctuation ignored."""
    return name_key(last_name), name_key(first_name)
