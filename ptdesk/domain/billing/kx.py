"""The KX threshold (pt-rules D2): PT and SLP share one per-year bucket of allowed amounts.

KX goes on a line when the year's total before the line plus the line's allowed amount is more
than the threshold: "exceed" in the manual, so exactly equal is not above (no KX). The line that
straddles the threshold gets KX, and so does every later line. The targeted medical review
amount ($3,000 through CY 2027) changes no coding; crossing it only draws a warning.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class KxThreshold:
    year: int
    pt_slp: Decimal
    ot: Decimal
    review: Decimal | None  # targeted medical review amount, when sourced for that year
    confidence: str
    source: str
    version: str


@dataclass(frozen=True, slots=True)
class KxResult:
    needs_kx: tuple[bool, ...]  # per line, in order
    total_after: Decimal  # the year's PT+SLP total after this visit
    crossed_review: bool  # the total after this visit is above the review amount


def kx_for_lines(
    ytd_before: Decimal, allowed: Sequence[Decimal], threshold: KxThreshold
) -> KxResult:
    running = ytd_before
    flags = []
    for amount in allowed:
        running += amount
        flags.append(running > threshold.pt_slp)
    above_review = threshold.review is not None and running > threshold.review
    return KxResult(tuple(flags), running, above_review)
