"""GFE due dates (pt-rules.md §H3) and business days (federal holidays + clinic closures)."""

from datetime import date

import pytest

from ptdesk.domain.business_days import BusinessCalendar, federal_holidays
from ptdesk.domain.gfe_timing import covers, gfe_due, gfe_due_on_request

CAL = BusinessCalendar()

# OPM's published federal holiday dates (opm.gov, "Federal Holidays" pages for 2025-2027).
OPM = {
    2025: ["2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
           "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"],
    2026: ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03",
           "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"],
    2027: ["2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-07-05",
           "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31"],
}


@pytest.mark.parametrize("year", sorted(OPM))
def test_federal_holidays_match_opm(year: int) -> None:
    assert sorted(federal_holidays(year)) == [date.fromisoformat(d) for d in OPM[year]]


@pytest.mark.parametrize(("start", "n", "expected"), [
    ("2026-12-23", 3, "2026-12-29"),  # Christmas Friday skipped (the holidays package agrees)
    ("2026-03-13", 1, "2026-03-16"),  # Friday -> Monday
    ("2026-03-14", 1, "2026-03-16"),  # booked on a Saturday: Monday is the first
    ("2026-07-02", 1, "2026-07-06"),  # July 3 observed for Saturday July 4
    ("2026-11-25", 1, "2026-11-27"),  # Thanksgiving
])
def test_add_business_days(start: str, n: int, expected: str) -> None:
    assert CAL.add(date.fromisoformat(start), n) == date.fromisoformat(expected)


def test_clinic_closed_days_are_skipped() -> None:
    cal = BusinessCalendar.of([date(2026, 3, 17)])
    assert cal.add(date(2026, 3, 16), 1) == date(2026, 3, 18)
    assert cal.between(date(2026, 3, 16), date(2026, 3, 19)) == 2


@pytest.mark.parametrize(("booked", "service", "due", "ahead"), [
    # fewer than 3 business days ahead: none required
    ("2026-03-16", "2026-03-16", None, 0),
    ("2026-03-16", "2026-03-18", None, 2),
    ("2026-03-13", "2026-03-17", None, 2),  # Fri -> Tue: the weekend does not count
    # 3 to 9 ahead: 1 business day after booking
    ("2026-03-16", "2026-03-19", "2026-03-17", 3),  # Mon for Thu
    ("2026-03-13", "2026-03-18", "2026-03-16", 3),  # Fri for Wed: due Monday
    ("2026-03-16", "2026-03-27", "2026-03-17", 9),
    ("2026-07-02", "2026-07-08", "2026-07-06", 3),  # July 3 holiday: Thu for Wed is 3 ahead
    # 10 or more: 3 business days after booking
    ("2026-03-16", "2026-03-30", "2026-03-19", 10),
    ("2026-12-21", "2027-01-06", "2026-12-24", 10),  # Dec 25, Jan 1 skipped when counting
    ("2026-12-23", "2027-02-01", "2026-12-29", 25),
])
def test_gfe_due(booked: str, service: str, due: str | None, ahead: int) -> None:
    got = gfe_due(date.fromisoformat(booked), date.fromisoformat(service), CAL)
    assert got.business_days_ahead == ahead
    assert got.due == (date.fromisoformat(due) if due else None)
    assert got.why


def test_due_on_request_and_the_twelve_month_cover() -> None:
    assert gfe_due_on_request(date(2026, 11, 24), CAL) == date(2026, 11, 30)
    assert covers(date(2026, 3, 16), date(2026, 3, 16))
    assert covers(date(2026, 3, 16), date(2027, 3, 15))
    assert not covers(date(2026, 3, 16), date(2027, 3, 16))
    assert not covers(date(2026, 3, 16), date(2026, 3, 15))


@pytest.mark.parametrize(("npi", "ok"), [
    ("1234567893", True),  # CMS's worked example in the check-digit paper
    ("1234567890", False),
    ("123456789", False),
    ("", True),
])
def test_npi_luhn(npi: str, ok: bool) -> None:
    from ptdesk.domain.clinic_identity import npi_problem

    assert (npi_problem(npi) is None) is ok
