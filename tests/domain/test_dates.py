"""Dates are written in English whatever the desktop's locale, and typed as people type them."""

import locale
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ptdesk.domain.dates import long_date, parse_date, short_date, weekday
from ptdesk.domain.status import long_date as status_long_date

NON_ENGLISH = ("es_ES.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "es_ES.utf8", "de_DE.utf8")


def _usable_locales() -> list[str]:
    found = []
    saved = locale.setlocale(locale.LC_TIME)
    try:
        for name in NON_ENGLISH:
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue
            if f"{date(2026, 3, 7):%b}" != "Mar":  # the C library really speaks another language
                found.append(name)
    finally:
        locale.setlocale(locale.LC_TIME, saved)
    return found


LOCALES = _usable_locales()


@pytest.fixture(params=LOCALES or ["none"])
def foreign_time_locale(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "none":
        pytest.skip("no non-English locale can be set here (run locale-gen es_ES.UTF-8)")
    saved = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, request.param)
    try:
        yield request.param
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_dates_stay_english_under_a_foreign_desktop_locale(foreign_time_locale: str) -> None:
    d = date(2026, 3, 7)
    assert f"{d:%b}" != "Mar"  # the locale is really in force
    assert long_date(d) == "Mar 7, 2026"
    assert status_long_date(d) == "Mar 7, 2026"
    assert short_date(date(2026, 12, 14)) == "Dec 14"
    assert weekday(d) == "Sat"
    assert parse_date("Mar 7, 2026") == d


@pytest.mark.parametrize(
    ("d", "long", "short", "day"),
    [
        (date(2026, 1, 1), "Jan 1, 2026", "Jan 1", "Thu"),
        (date(2026, 5, 31), "May 31, 2026", "May 31", "Sun"),
        (date(2026, 9, 14), "Sep 14, 2026", "Sep 14", "Mon"),
        (date(2026, 12, 30), "Dec 30, 2026", "Dec 30", "Wed"),
    ],
)
def test_formats(d: date, long: str, short: str, day: str) -> None:
    assert (long_date(d), short_date(d), weekday(d)) == (long, short, day)


@pytest.mark.parametrize(
    ("typed", "pivot", "expected"),
    [
        ("2026-03-07", None, date(2026, 3, 7)),
        ("03/07/2026", None, date(2026, 3, 7)),
        ("3/7/2026", None, date(2026, 3, 7)),
        ("3-7-26", None, date(2026, 3, 7)),
        ("03072026", None, date(2026, 3, 7)),
        ("030761", date(2026, 12, 1), date(1961, 3, 7)),
        ("3/7/61", date(2026, 12, 1), date(1961, 3, 7)),
        ("Mar 7, 2026", None, date(2026, 3, 7)),
        ("march 7 2026", None, date(2026, 3, 7)),
        ("Sept. 14, 2026", None, date(2026, 9, 14)),
        ("02/30/2026", None, None),
        ("13/01/2026", None, None),
        ("2026-13-01", None, None),
        ("Mars 7, 2026", None, None),
        ("", None, None),
        ("soon", None, None),
    ],
)
def test_parse_date(typed: str, pivot: date | None, expected: date | None) -> None:
    assert (parse_date(typed, pivot) if pivot else parse_date(typed)) == expected


# The directives whose output depends on LC_TIME (names, AM/PM, locale date shapes).
LOCALE_FORMATS = re.compile(r"%[aAbBcpxX]|:%[aAbB]")


def test_no_locale_dependent_date_formatting_in_ptdesk() -> None:
    """Month and weekday names come from `ptdesk.domain.dates` only (STACK.md section 10)."""
    root = Path(__file__).resolve().parents[2] / "ptdesk"
    offenders = []
    for path in root.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if LOCALE_FORMATS.search(code) and path.name != "dates.py":
                offenders.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert offenders == []


# A time a person reads is "7:30 AM" everywhere (`dates.clock`), not "07:30" in some screens.
CLOCK_FORMATS = re.compile(r"%H:%M")


def test_screens_and_documents_show_times_one_way() -> None:
    root = Path(__file__).resolve().parents[2] / "ptdesk"
    offenders = [f"{path.relative_to(root)}:{n}"
                 for folder in ("ui", "reports") for path in (root / folder).rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if CLOCK_FORMATS.search(line.split("#", 1)[0])]
    assert offenders == []
