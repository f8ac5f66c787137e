"""Minutes to units: the CMS total-time method (§20.2) and the AMA/CPT per-code method.

Integers only; no I/O. The CMS allocation is pt-rules B6, which reproduces every worked example
of Pub 100-04 Ch. 5 §20.2 (B7):
1. T = total timed minutes, N = floor((T + 7) / 15) (the §20.2 chart, B2);
2. every code gets its full 15-minute blocks, floor(m / 15);
3. the R = N - sum(full) units left go, one each, to the codes with the largest remainders
   (m mod 15); a remainder under 8 minutes can win one (Example 3), none gets two.
Where remainders tie at the cut, CMS lets the therapist choose (Examples 2 and 5): the engine
picks deterministically (the therapist's `tie_preference` first, then the code with more total
minutes, then input order) and reports the tie so the form can let the therapist switch.
"""

from collections.abc import Sequence
from dataclasses import dataclass


def units_for_minutes(minutes: int) -> int:
    """The §20.2 chart: 0-7 -> 0, 8-22 -> 1, 23-37 -> 2, ... (closed form of pt-rules B2)."""
    if minutes <= 0:
        return 0
    return (minutes + 7) // 15


@dataclass(frozen=True, slots=True)
class CodeUnits:
    code: str
    minutes: int
    full_units: int  # whole 15-minute blocks of this code
    remainder: int  # minutes left after the full blocks
    units: int  # units billed for this code


@dataclass(frozen=True, slots=True)
class Allocation:
    method: str  # "cms" or "ama"
    total_minutes: int
    total_units: int
    codes: tuple[CodeUnits, ...]
    # CMS only: the codes whose equal remainders competed for the last extra unit(s), the
    # ones picked, and the ones that could have been picked instead (therapist's choice).
    tied_codes: tuple[str, ...] = ()
    tie_winners: tuple[str, ...] = ()

    def units_of(self, code: str) -> int:
        for c in self.codes:
            if c.code == code:
                return c.units
        return 0

    def as_dict(self) -> dict[str, int]:
        return {c.code: c.units for c in self.codes}


def cms_units(
    minutes_by_code: Sequence[tuple[str, int]], tie_preference: Sequence[str] = ()
) -> Allocation:
    """Allocate units by the CMS total-time method. Codes must be distinct (merge blocks first)."""
    total = 0
    for _, m in minutes_by_code:
        if m < 0:
            raise ValueError("minutes cannot be negative")
        total += m
    n_units = units_for_minutes(total)
    full = [m // 15 for _, m in minutes_by_code]
    rems = [m % 15 for _, m in minutes_by_code]
    extra_left = n_units - sum(full)
    winners: set[int] = set()
    tied: tuple[str, ...] = ()
    tie_winners: tuple[str, ...] = ()
    if extra_left > 0:
        pref = {code: i for i, code in enumerate(tie_preference)}
        big = len(pref)
        order = sorted(
            (i for i in range(len(minutes_by_code)) if rems[i] > 0),
            key=lambda i: (
                -rems[i],
                pref.get(minutes_by_code[i][0], big),
                -minutes_by_code[i][1],
                i,
            ),
        )
        chosen = order[:extra_left]
        winners = set(chosen)
        cut = rems[chosen[-1]]
        at_cut = [i for i in order if rems[i] == cut]
        picked_at_cut = [i for i in at_cut if i in winners]
        if len(at_cut) > len(picked_at_cut):
            tied = tuple(minutes_by_code[i][0] for i in at_cut)
            tie_winners = tuple(minutes_by_code[i][0] for i in picked_at_cut)
    codes = tuple(
        CodeUnits(
            code=code,
            minutes=m,
            full_units=full[i],
            remainder=rems[i],
            units=full[i] + (1 if i in winners else 0),
        )
        for i, (code, m) in enumerate(minutes_by_code)
    )
    return Allocation("cms", total, n_units, codes, tied, tie_winners)


def ama_units(minutes_by_code: Sequence[tuple[str, int]]) -> Allocation:
    """AMA/CPT per-code method (pt-rules C1): each code on its own clock, never pooled."""
    codes = []
    total_minutes = 0
    total_units = 0
    for code, m in minutes_by_code:
        if m < 0:
            raise ValueError("minutes cannot be negative")
        u = units_for_minutes(m)
        codes.append(CodeUnits(code, m, m // 15, m % 15, u))
        total_minutes += m
        total_units += u
    return Allocation("ama", total_minutes, total_units, tuple(codes))
