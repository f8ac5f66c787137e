"""Unit calculations in words, e.g.
"37 timed minutes = 2 units; 97110 15 + 8 remaining, 97112 14 remaining: second unit to 97112".
"""

from ptdesk.domain.billing.units import Allocation
from ptdesk.domain.words import plural

_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)


def _ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"unit {n}"


def explain_cms(a: Allocation) -> str:
    head = f"{a.total_minutes} timed minutes = {plural(a.total_units, 'unit')}"
    if not a.codes:
        return "no timed minutes"
    parts = []
    for c in a.codes:
        if c.full_units:
            parts.append(f"{c.code} {15 * c.full_units} + {c.remainder} remaining")
        else:
            parts.append(f"{c.code} {c.remainder} remaining")
    text = f"{head}; {', '.join(parts)}"
    full_total = sum(c.full_units for c in a.codes)
    extras = [c.code for c in a.codes if c.units > c.full_units]
    if extras:
        # Extra units go in order of largest remainder (the allocation's own order).
        ranked = sorted(
            (c for c in a.codes if c.units > c.full_units),
            key=lambda c: (
                -c.remainder,
                a.tie_winners.index(c.code) if c.code in a.tie_winners else 0,
            ),
        )
        gives = [f"{_ordinal(full_total + i + 1)} unit to {c.code}" for i, c in enumerate(ranked)]
        text += ": " + ", ".join(gives)
    elif a.total_units == 0 and a.total_minutes > 0:
        text += ": under 8 minutes in total, nothing to bill"
    if a.tied_codes:
        text += (
            f" ({' and '.join(a.tied_codes)} have equal remaining minutes: CMS lets the "
            f"therapist choose; ptdesk picked {', '.join(a.tie_winners)})"
        )
    return text


def explain_ama(a: Allocation) -> str:
    if not a.codes:
        return "no timed minutes"
    parts = [f"{c.code} {c.minutes} min = {plural(c.units, 'unit')}" for c in a.codes]
    return (
        f"AMA per-code: {'; '.join(parts)} (each code on its own clock, 8+ minutes per unit); "
        f"total {plural(a.total_units, 'unit')}"
    )


def explain_allocation(a: Allocation) -> str:
    return explain_cms(a) if a.method == "cms" else explain_ama(a)


def _differs(a: Allocation, b: Allocation) -> bool:
    return a.as_dict() != b.as_dict()


def explain_units(chosen: Allocation, other: Allocation) -> str:
    """The payer's calculation, plus what the other method would give when it differs."""
    text = explain_allocation(chosen)
    if _differs(chosen, other):
        per_code = ", ".join(f"{c.code} {c.units}" for c in other.codes)
        name = "AMA per-code" if other.method == "ama" else "CMS total-time"
        text += f". {name} would give {plural(other.total_units, 'unit')} ({per_code})"
    return text
