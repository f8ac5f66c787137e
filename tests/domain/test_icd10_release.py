"""CMS's ICD-10-CM order and codes files read (issue 10 item 3), their dates in force from the
file name, and which set is in force when an April update overlaps its fiscal year's set."""

from datetime import date

import pytest

from ptdesk.domain.diagnoses import CodeSet, set_for
from ptdesk.domain.icd10_release import (
    IcdFileError,
    effective_from_name,
    looks_like_icd,
    parse_release,
    retired_problem,
)


def _order(n: int, code: str, flag: str, desc: str) -> str:
    return f"{n:05d} {code:<7} {flag} {desc[:60]:<60} {desc}\n"


def test_order_file_keeps_billable_codes_with_long_descriptions() -> None:
    long = "Pain in right knee, a description longer than the sixty characters of the short one"
    lines = [_order(1, "M25", "0", "Pain in joint"), _order(2, "M25561", "1", long),
             _order(3, "QA00101", "1", "SCN2A-related neurodevelopmental disorder")]
    r = parse_release(lines, "icd10cm_order_2027.txt", None)
    assert r.layout == "order"
    assert r.codes == {"M25561": long, "QA00101": "SCN2A-related neurodevelopmental disorder"}
    assert (r.effective_from, r.effective_to, r.name) == (date(2026, 10, 1), date(2027, 9, 30),
                                                           "ICD-10-CM FY2027")
    assert r.lines_read == 3


def test_codes_file_and_dates_from_names() -> None:
    r = parse_release(["A000    Cholera due to Vibrio cholerae 01, biovar cholerae\r\n", "\n",
                       "M5450   Low back pain, unspecified\n"], "icd10cm-codes-April-2027.txt",
                      None)
    assert r.layout == "codes"
    assert r.codes["M5450"] == "Low back pain, unspecified"
    assert (r.effective_from, r.effective_to, r.name) == (date(2027, 4, 1), date(2027, 9, 30),
                                                           "ICD-10-CM April 2027")
    assert effective_from_name("icd10cm_order_2026.txt") == date(2025, 10, 1)
    assert effective_from_name("codes.txt") is None
    forced = parse_release(["M5450 Low back pain\n"], "codes.txt", date(2027, 1, 1))
    assert (forced.effective_from, forced.effective_to) == (date(2027, 1, 1), date(2027, 9, 30))


def test_bad_lines_are_named() -> None:
    with pytest.raises(IcdFileError, match="line 2: '5450' is not an ICD-10-CM code"):
        parse_release([_order(1, "M5450", "1", "x"), _order(2, "5450", "1", "y")],
                      "icd10cm_order_2027.txt", None)
    with pytest.raises(IcdFileError, match="give --effective"):
        parse_release(["M5450 x\n"], "codes.txt", None)


def test_what_looks_like_an_icd_file() -> None:
    assert looks_like_icd([_order(1, "A00", "0", "Cholera")], "download.txt")
    assert looks_like_icd(["A000    Cholera due to Vibrio cholerae\n"], "codes.txt")
    assert looks_like_icd(["anything"], "icd10cm_codes_2027.txt")
    # CMS's PTP and MUE files start with the AMA notice: never taken for an ICD file
    assert not looks_like_icd(["CPT only copyright 2026 American Medical Association.\n"],
                              "ccipra-v322r0-f1.txt")
    assert not looks_like_icd(['"CPT codes, descriptions and other data only are copyright'],
                              "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv")


def test_the_newest_set_in_force_wins_an_overlap() -> None:
    fy = CodeSet("FY2026", date(2025, 10, 1), date(2026, 9, 30), {"A": ""})
    april = CodeSet("April 2026", date(2026, 4, 1), date(2026, 9, 30), {"B": ""})
    again = CodeSet("April 2026 imported", date(2026, 4, 1), date(2026, 9, 30), {"C": ""})
    assert set_for([april, fy], date(2026, 3, 31)) == (fy, False)
    assert set_for([april, fy], date(2026, 4, 1)) == (april, False)
    assert set_for([april, again, fy], date(2026, 5, 1)) == (again, False)  # given last wins
    assert set_for([april, fy], date(2026, 10, 1)) == (april, True)  # nearest, not in force


def test_a_release_that_drops_many_codes_looks_cut_short() -> None:
    in_force = {f"M{n:04d}" for n in range(100)}
    keeps_96 = parse_release([f"M{n:04d} Code {n}\n" for n in range(4, 100)],
                             "icd10cm_codes_2027.txt", None)
    assert retired_problem(keeps_96, in_force, "f.txt") is None  # 4 of 100 retired: a release
    keeps_90 = parse_release([f"M{n:04d} Code {n}\n" for n in range(10, 100)],
                             "icd10cm_codes_2027.txt", None)
    why = retired_problem(keeps_90, in_force, "f.txt")
    assert why is not None
    assert why.startswith("f.txt would retire 10 of the 100 codes in force the day before")
    assert retired_problem(keeps_90, set(), "f.txt") is None  # nothing to compare with
