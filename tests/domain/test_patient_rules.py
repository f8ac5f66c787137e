"""Patient and coverage validation, table-driven."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.patient_rules import (
    CoverageDraft,
    PatientDraft,
    age_on,
    check_coverage,
    check_patient,
    clean_patient,
    coverage_errors,
    format_phone,
    patient_errors,
    same_person_key,
)

TODAY = date(2026, 3, 10)
GOOD_PATIENT = PatientDraft(last_name="Smith", first_name="Jo", date_of_birth=date(1961, 3, 7))
GOOD_COVERAGE = CoverageDraft(payer_id=1, member_id="XZ123", effective_date=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"last_name": ""}, "last_name", "last name"),
        ({"last_name": "   "}, "last_name", "last name"),
        ({"first_name": ""}, "first_name", "first name"),
        ({"date_of_birth": None}, "date_of_birth", "Enter the date of birth"),
        ({"date_of_birth": date(2026, 3, 11)}, "date_of_birth", "future"),
        ({"date_of_birth": date(1890, 1, 1)}, "date_of_birth", "older than 120"),
        ({"phone_mobile": "555-1234"}, "phone_mobile", "10 digits; this one has 7"),
        ({"phone_home": "(555) 234-56789"}, "phone_home", "has 11"),
        ({"phone_home": "call me"}, "phone_home", "with digits"),
        ({"email": "jo.smith"}, "email", "email address"),
        ({"email": "jo@smith"}, "email", "email address"),
        ({"state": "Texas"}, "state", "2-letter"),
        ({"state": "ZZ"}, "state", "2-letter"),
        ({"postal_code": "7870"}, "postal_code", "ZIP"),
        ({"postal_code": "78701-12"}, "postal_code", "ZIP"),
        ({"sex": "Q"}, "sex", "female"),
        ({"last_name": "x" * 81}, "last_name", "at most 80"),
        ({"chart_number": "1" * 21}, "chart_number", "at most 20"),
    ],
)
def test_patient_errors(changes: dict[str, object], field: str, words: str) -> None:
    draft = replace(GOOD_PATIENT, **changes)  # type: ignore[arg-type]
    with pytest.raises(ValidationErrors) as info:
        check_patient(draft, TODAY)
    assert field in info.value.errors
    assert words in info.value.errors[field]
    assert len(info.value.errors) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"date_of_birth": TODAY},  # a newborn
        {"date_of_birth": date(1906, 3, 11)},  # 119 years old
        {"phone_mobile": "555 234 4567", "phone_home": "+1 (512) 555-0100"},
        {"email": "jo.smith@example.com"},
        {"state": "tx", "postal_code": "78701"},
        {"postal_code": "787011234"},
        {"last_name": "O'Brien-Núñez", "first_name": "José María"},
        {"sex": "f"},
    ],
)
def test_patient_accepted(changes: dict[str, object]) -> None:
    draft = replace(GOOD_PATIENT, **changes)  # type: ignore[arg-type]
    assert patient_errors(clean_patient(draft), TODAY) == {}


def test_clean_patient_formats_what_was_typed() -> None:
    cleaned = check_patient(
        replace(
            GOOD_PATIENT,
            last_name="  Smith ",
            phone_mobile="555.234.4567",
            phone_home="1-512-555-0100",
            state="tx",
            postal_code="78701 1234",
            sex="m",
        ),
        TODAY,
    )
    assert cleaned.last_name == "Smith"
    assert cleaned.phone_mobile == "(555) 234-4567"
    assert cleaned.phone_home == "(512) 555-0100"
    assert cleaned.state == "TX"
    assert cleaned.postal_code == "78701-1234"
    assert cleaned.sex == "M"


def test_several_problems_reported_together() -> None:
    draft = PatientDraft(last_name="", first_name="", date_of_birth=None, email="x")
    assert set(patient_errors(draft, TODAY)) == {
        "last_name",
        "first_name",
        "date_of_birth",
        "email",
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"payer_id": None}, "payer_id", "payer"),
        ({"member_id": " "}, "member_id", "member id"),
        ({"priority": 4}, "priority", "primary"),
        ({"effective_date": None}, "effective_date", "starts"),
        ({"end_date": date(2025, 12, 31)}, "end_date", "before the start"),
        ({"plan_year_start_month": 13}, "plan_year_start_month", "1 to 12"),
        ({"plan_year_start_month": 2, "plan_year_start_day": 29}, "plan_year_start_day", "exist"),
        ({"plan_year_start_month": 4, "plan_year_start_day": 31}, "plan_year_start_day", "exist"),
        ({"plan_year_start_day": 0}, "plan_year_start_day", "exist"),
        ({"visit_limit_per_year": -1}, "visit_limit_per_year", "0 to 1000"),
        ({"visits_used_elsewhere": -2}, "visits_used_elsewhere", "0 or more"),
        ({"benefits_verified_on": date(2026, 3, 11)}, "benefits_verified_on", "future"),
        (
            {"visits_used_elsewhere_as_of": date(2027, 1, 1)},
            "visits_used_elsewhere_as_of",
            "future",
        ),
        ({"deductible": Decimal("-1")}, "deductible", "negative"),
        ({"copay": Decimal("-0.01")}, "copay", "negative"),
        ({"oop_max": Decimal("-5")}, "oop_max", "negative"),
        ({"copay": Decimal("1000000")}, "copay", "too large"),
        ({"coinsurance_pct": Decimal("100.01")}, "coinsurance_pct", "0 to 100"),
        ({"coinsurance_pct": Decimal("-1")}, "coinsurance_pct", "0 to 100"),
        (
            {"deductible": Decimal("500"), "deductible_met": Decimal("500.01")},
            "deductible_met",
            "more than the deductible ($500.00)",
        ),
        ({"deductible_met": Decimal("10")}, "deductible_met", "deductible itself"),
        (
            {"oop_max": Decimal("3000"), "oop_met": Decimal("3500")},
            "oop_met",
            "more than the maximum",
        ),
        ({"member_id": "M" * 41}, "member_id", "at most 40"),
    ],
)
def test_coverage_errors(changes: dict[str, object], field: str, words: str) -> None:
    draft = replace(GOOD_COVERAGE, **changes)  # type: ignore[arg-type]
    with pytest.raises(ValidationErrors) as info:
        check_coverage(draft, TODAY)
    assert field in info.value.errors, info.value.errors
    assert words in info.value.errors[field]
    assert len(info.value.errors) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"end_date": date(2026, 1, 1)},  # a one-day coverage
        {"plan_year_start_month": 7, "plan_year_start_day": 1},
        {"plan_year_start_month": 2, "plan_year_start_day": 28},
        {"visit_limit_per_year": 0},
        {"deductible": Decimal("500"), "deductible_met": Decimal("500")},
        {"deductible_met": Decimal("0")},
        {"coinsurance_pct": Decimal("0")},
        {"coinsurance_pct": Decimal("100")},
        {"copay": Decimal("0"), "oop_max": Decimal("0"), "oop_met": Decimal("0")},
        {"benefits_verified_on": TODAY},
    ],
)
def test_coverage_accepted(changes: dict[str, object]) -> None:
    draft = replace(GOOD_COVERAGE, **changes)  # type: ignore[arg-type]
    assert coverage_errors(draft, TODAY) == {}


def test_check_coverage_trims() -> None:
    draft = replace(GOOD_COVERAGE, member_id="  XZ 123 ", group_id=" G1 ")
    cleaned = check_coverage(draft, TODAY)
    assert (cleaned.member_id, cleaned.group_id) == ("XZ 123", "G1")


@pytest.mark.parametrize(
    ("dob", "today", "age"),
    [
        (date(1961, 3, 7), date(2026, 3, 6), 64),
        (date(1961, 3, 7), date(2026, 3, 7), 65),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2026, 3, 10), date(2026, 3, 10), 0),
    ],
)
def test_age_on(dob: date, today: date, age: int) -> None:
    assert age_on(dob, today) == age


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("5552344567", "(555) 234-4567"),
        ("+1 555 234 4567", "(555) 234-4567"),
        ("555-234-4567 x12", "(555) 234-4567 x12"),
        ("(555) 234 4567 ext. 12", "(555) 234-4567 x12"),
        ("555.234.4567 Ext 3", "(555) 234-4567 x3"),
        ("555 234 4567, extension 120", "(555) 234-4567 x120"),
        ("555-1234", "555-1234"),
        ("  ", ""),
    ],
)
def test_format_phone(typed: str, shown: str) -> None:
    assert format_phone(typed) == shown


def test_same_person_key_ignores_case_accents_punctuation() -> None:
    assert same_person_key("O'Brien", "José") == same_person_key("obrien", "JOSE")


PHONES = [
    # (typed, problem words or None when accepted)
    ("(608) 555-0142", None),
    ("+1 608 555 0142", None),
    ("608-555-0142 x12", None),
    ("608-555-0142 ext. 12", None),
    ("608 555 0142 ext 4521", None),
    ("608-555-0142 X12", None),
    ("(208) 212-0142", None),
    ("(012) 555-0142", "area code 012 cannot start with 0"),
    ("(112) 555-0142", "area code 112 cannot start with 1"),
    ("1 (112) 555-0142", "area code 112 cannot start with 1"),
    ("(911) 555-0142", "area code 911 is a service code"),
    ("(411) 555-0142", "area code 411 is a service code"),
    ("(608) 055-0142", "exchange 055 cannot start with 0"),
    ("(608) 155-0142", "exchange 155 cannot start with 1"),
    ("(608) 911-0142", "exchange 911 is a service code"),
    ("608-555-0142 x", "with digits"),
    ("608-555-0142 x1234567", "with digits"),
    ("608-555-01 x12", "10 digits; this one has 8"),
]


@pytest.mark.parametrize(("typed", "words"), PHONES, ids=[p[0] for p in PHONES])
def test_us_phone_numbers(typed: str, words: str | None) -> None:
    errors = patient_errors(clean_patient(replace(GOOD_PATIENT, phone_mobile=typed)), TODAY)
    if words is None:
        assert errors == {}
    else:
        assert words in errors["phone_mobile"]


def test_an_extension_is_not_part_of_the_searchable_digits() -> None:
    from ptdesk.domain.search_keys import phone_key

    assert phone_key("(608) 555-0142 x12") == "6085550142"
    assert phone_key("1-608-555-0142 ext. 12") == "6085550142"
