"""How many units of a code take CQ: the de minimis standard (pt-rules D3).

- Untimed codes: the assistant's independent minutes over the service's total minutes; more
  than 10% (strictly) means CQ.
- Timed codes, per 15-minute unit: whole 15-minute blocks go to whoever furnished them (the
  assistant's blocks take CQ, the therapist's do not). For the unit(s) left after the whole
  blocks (the "final" unit(s)), CY 2022 rule: if the therapist alone furnished 8 or more of the
  remaining minutes, one remaining unit goes without CQ; any other remaining unit takes CQ when
  the assistant's remaining minutes are more than 10% of the remaining minutes. This gives the
  CMS scenario (PTA 23 + PT 13 min of 97110, 2 units: one with CQ, one without) and the
  "9-14 minutes each, two units left: one with CQ, one without" rule.
- Minutes furnished together count as the therapist's, so the input is the assistant's
  *independent* minutes.
A timed code billed as one unit is the same computation (its single unit is the final unit).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ptdesk.domain.words import agree, noun, plural


@dataclass(frozen=True, slots=True)
class CqSplit:
    units_with_cq: int
    units_without_cq: int
    explanation: str


def _over_ten_percent(part: int, whole: int) -> bool:
    # Integers: part / whole > 10%  <=>  10 * part > whole.
    return whole > 0 and 10 * part > whole


def cq_split_untimed(minutes: int, assistant_minutes: int, units: int) -> CqSplit:
    if units <= 0:
        return CqSplit(0, 0, "no units billed")
    if _over_ten_percent(assistant_minutes, minutes):
        why = (
            f"assistant furnished {assistant_minutes} of {minutes} {noun(minutes, 'minute')} "
            "independently, more than 10%"
        )
        return CqSplit(units, 0, why)
    if assistant_minutes:
        why = (
            f"assistant's {assistant_minutes} of {minutes} {noun(minutes, 'minute')} is 10% or "
            "less (de minimis)"
        )
    else:
        why = "no assistant minutes"
    return CqSplit(0, units, why)


def cq_split_timed(minutes: int, assistant_minutes: int, units: int) -> CqSplit:
    if units <= 0:
        return CqSplit(0, 0, "no units billed")
    if assistant_minutes <= 0:
        return CqSplit(0, units, "no assistant minutes")
    pt_minutes = minutes - assistant_minutes
    pta_blocks, pta_rest = divmod(assistant_minutes, 15)
    pt_blocks, pt_rest = divmod(pt_minutes, 15)
    # Never more whole blocks than units (only possible if the caller passes fewer units).
    pta_blocks = min(pta_blocks, units)
    pt_blocks = min(pt_blocks, units - pta_blocks)
    left = units - pta_blocks - pt_blocks
    with_cq = pta_blocks
    without_cq = pt_blocks
    parts = []
    if pta_blocks:
        parts.append(
            f"{plural(pta_blocks, 'whole 15-minute unit')} by the assistant "
            f"{agree(pta_blocks, 'takes')} CQ"
        )
    if pt_blocks:
        parts.append(
            f"{plural(pt_blocks, 'whole unit')} by the therapist {agree(pt_blocks, 'does')} not"
        )
    if left > 0:
        rest = pta_rest + pt_rest
        pt_covers = 1 if pt_rest >= 8 else 0
        pt_covers = min(pt_covers, left)
        without_cq += pt_covers
        others = left - pt_covers
        if pt_covers:
            parts.append(
                f"the therapist furnished {pt_rest} (8 or more) of the remaining {rest} "
                "minutes, so one remaining unit goes without CQ"
            )
        if others:
            if _over_ten_percent(pta_rest, rest):
                with_cq += others
                parts.append(
                    f"the assistant furnished {pta_rest} of the remaining {rest} "
                    f"{noun(rest, 'minute')}, more than 10%: "
                    f"{plural(others, 'remaining unit')} {agree(others, 'takes')} CQ"
                )
            else:
                without_cq += others
                parts.append(
                    f"the assistant's {pta_rest} of the remaining {rest} {noun(rest, 'minute')} "
                    "is 10% or less"
                )
    return CqSplit(with_cq, without_cq, "; ".join(parts))


# pt-rules D3 [S2]: the modifier is required from 1 Jan 2020; payment is 85% of the otherwise
# applicable amount from 1 Jan 2022.
CQ_REQUIRED_FROM = date(2020, 1, 1)
CQ_REDUCTION_FROM = date(2022, 1, 1)
CQ_PAYMENT_FACTOR = Decimal("0.85")
