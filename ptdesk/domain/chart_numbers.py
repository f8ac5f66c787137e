"""Chart numbers: one scheme for every patient, new or generated, "C000023".

A prefix the clinic sets (letters, digits or "-", up to 6 characters; default "C") followed by
the number zero-padded to 6 digits. The next number is one more than the highest chart already
using the prefix, so charts typed by hand or imported are never handed out twice.
"""

import re

DEFAULT_PREFIX = "C"
DIGITS = 6
MAX_PREFIX = 6
_PREFIX = re.compile(r"^[A-Z0-9-]*$")


def format_chart(prefix: str, number: int) -> str:
    """format_chart("C", 23) == "C000023"."""
    return f"{prefix}{number:0{DIGITS}d}"


def chart_number_of(chart: str, prefix: str) -> int | None:
    """The number in a chart of this scheme ("C000023" -> 23), None for any other chart."""
    if not chart.startswith(prefix):
        return None
    rest = chart[len(prefix):]
    if len(rest) < DIGITS or not rest.isascii() or not rest.isdigit():
        return None
    return int(rest)


def prefix_problem(prefix: str) -> str | None:
    """Why this prefix cannot be used, or None."""
    if len(prefix) > MAX_PREFIX:
        return f"At most {MAX_PREFIX} characters."
    if not _PREFIX.match(prefix):
        return "Use capital letters, digits or '-' only, e.g. C or PT-."
    return None
