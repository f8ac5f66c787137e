"""Reading CMS's yearly ICD-10-CM code file (issue 10 item 3): what `ptdesk rules import` takes
besides the MUE and PTP files.

CMS/NCHS publish each release as fixed-width text (the "code descriptions in tabular order"
download; layout in CMS's icd10cm order file documentation):

- the order file `icd10cm_order_YYYY.txt` (CDC: `icd10cm-order-April-YYYY.txt`):
  columns 1-5 order number (zero filled), 7-13 the code without its dot, 15 "1" if the code is
  valid on a claim ("0" = a header, a category), 17-76 the short description, 78- the long one;
- the codes file `icd10cm_codes_YYYY.txt`: the code, blanks, the long description; billable
  codes only.

Only billable codes are kept, with their long description. A release is in force from October 1
of the year before its fiscal year (FY2027 = 2026-10-01) to September 30; an April update from
April 1 to the same September 30. The file name says which; `effective` overrides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ptdesk.domain.errors import DomainError

# A letter, then 2-6 letters or digits with a digit among the first two (the April 2026 set has
# QA0... codes, so the second character is not always a digit).
_CODE = re.compile(r"^[A-Z](?=[0-9]|[A-Z][0-9])[0-9A-Z]{2,6}$")
_ORDER = re.compile(r"^(\d{5}) ([A-Z0-9 ]{7}) ([01]) (.{0,60})(?: (.*))?$")
_CODES_LINE = re.compile(r"^[A-Z](?=[0-9]|[A-Z][0-9])[0-9A-Z]{2,6} +[A-Za-z(]")
_NAME = re.compile(r"icd10cm[-_ ]?(order|codes)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_APRIL = re.compile(r"apr(il)?", re.IGNORECASE)
MAX_DESCRIPTION = 400  # CMS's long descriptions are at most 323 characters
# ptdesk's own safety check, not a CMS figure: a yearly release deletes a small share of the
# codes in force, so a file without more than this share of them is most likely cut short (a
# partial download) and would block visits' diagnoses; it is refused unless the person says so.
MAX_RETIRED_SHARE = 0.05


class IcdFileError(DomainError):
    """The file is not a CMS ICD-10-CM order or codes file; the message names the line."""


@dataclass(frozen=True, slots=True)
class IcdRelease:
    layout: str  # "order" or "codes"
    effective_from: date
    effective_to: date
    codes: dict[str, str]  # billable code (no dot) -> long description
    lines_read: int

    @property
    def name(self) -> str:
        """"ICD-10-CM FY2027" / "ICD-10-CM April 2026": what a diagnosis message names."""
        fy = self.effective_to.year
        if self.effective_from.month == 4:
            return f"ICD-10-CM April {fy}"
        return f"ICD-10-CM FY{fy}"


def looks_like_icd(first_lines: Iterable[str], file_name: str) -> bool:
    """True if the file is meant as an ICD-10-CM file (by its name or its first line)."""
    if _NAME.search(file_name):
        return True
    for line in first_lines:
        if line.strip():
            line = line.rstrip("\r\n")
            return bool(_ORDER.match(line) or _CODES_LINE.match(line))
    return False


def fiscal_year_end(start: date) -> date:
    """The September 30 that ends the code set's fiscal year."""
    return date(start.year + 1 if start.month >= 10 else start.year, 9, 30)


def effective_from_name(file_name: str) -> date | None:
    """FY2027 file -> 2026-10-01; an April update (name says April) -> April 1 of its year."""
    years = _YEAR.findall(file_name)
    if not years:
        return None
    year = int(years[-1])
    if _APRIL.search(file_name.replace("icd10cm", "")):
        return date(year, 4, 1)
    return date(year - 1, 10, 1)


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_DESCRIPTION]


def parse_release(lines: Iterable[str], file_name: str, effective: date | None) -> IcdRelease:
    """The release in the file, or `IcdFileError` naming the first line that cannot be read."""
    start = effective or effective_from_name(file_name)
    if start is None:
        raise IcdFileError(f"{file_name}: the name does not say which year's code set it is "
                           "(e.g. icd10cm_order_2027.txt): give --effective YYYY-MM-DD")
    codes: dict[str, str] = {}
    layout = ""
    read = 0
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        read += 1
        if not layout:
            layout = "order" if _ORDER.match(line) else "codes"
        if layout == "order":
            m = _ORDER.match(line)
            if m is None or not m.group(5):
                raise IcdFileError(f"{file_name} line {n}: not the order file's fixed columns "
                                   "(order number, code, 0/1, short and long description)")
            code = m.group(2).strip()
            if not _CODE.match(code):
                raise IcdFileError(f"{file_name} line {n}: {code!r} is not an ICD-10-CM code")
            if m.group(3) == "1":
                codes[code] = _clean(m.group(5))
        else:
            code, _, desc = line.strip().partition(" ")
            if not _CODE.match(code) or not desc.strip():
                raise IcdFileError(f"{file_name} line {n}: expected a code and its description "
                                   f"(CMS's codes or order file), found {line[:40]!r}")
            codes[code] = _clean(desc)
    if not codes:
        raise IcdFileError(f"{file_name}: no billable ICD-10-CM codes in the file")
    return IcdRelease(layout, start, fiscal_year_end(start), codes, read)


def retired_problem(release: IcdRelease, in_force: set[str], file_name: str) -> str | None:
    """Why the release looks incomplete against the codes in force the day before, or None."""
    retired = len(in_force - set(release.codes))
    if not in_force or retired <= MAX_RETIRED_SHARE * len(in_force):
        return None
    return (f"{file_name} would retire {retired:,} of the {len(in_force):,} codes in force the "
            "day before: is the file complete? Nothing was imported (--allow-retiring imports "
            "it anyway)")
