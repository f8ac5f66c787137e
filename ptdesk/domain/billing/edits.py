"""CMS per-day unit limits (MUE) and procedure-to-procedure edits (NCCI PTP), as lookups.

MUE (pt-rules E): a code's units on one date of service are compared with its value; the
adjudication indicator (MAI) says how: 1 = per claim line, 2 = per day (policy, no appeal),
3 = per day (clinical, appealable with documentation).
NCCI PTP (pt-rules D4): only edits in force on the date of service apply (effective date <=
date <= deletion date; a deletion date is the last day the edit applied). Modifier indicator
0 = never paid together; 1 = paid together only with 59 or X{EPSU} when truly distinct;
9 = not applicable (deleted edit). ptdesk suggests 59/X, never adds it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MAI_MEANING = {
    1: "line edit: units above the limit on one claim line are denied",
    2: "date-of-service edit (policy): units above the limit that day are denied, no appeal",
    3: (
        "date-of-service edit (clinical): units above the limit that day are denied, "
        "appealable with documentation"
    ),
}


@dataclass(frozen=True, slots=True)
class MueEntry:
    code: str
    limit: int
    mai: int
    version: str  # e.g. "MUE-2026Q3 (CMS)" or "imported: MCR_MUE_..._Eff_01-01-2027"
    effective_from: date | None = None  # None: open (a labelled fallback table)
    effective_to: date | None = None
    confidence: str = ""

    def covers(self, day: date) -> bool:
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column1: str
    column2: str
    effective: date
    deletion: date | None  # None: still in force
    indicator: int  # 0, 1 or 9
    version: str
    rationale: str = ""

    def in_force(self, day: date) -> bool:
        if self.indicator == 9 or day < self.effective:
            return False
        return self.deletion is None or day <= self.deletion


class MueTable:
    """Entries by code, searched in priority order (imported, then dated bundled, then fallback).

    Lookups are memoised per (code, date): a pure function of the table, which never changes.
    """

    __slots__ = ("_by_code", "_memo")

    def __init__(self, entries_in_priority_order: Iterable[MueEntry]) -> None:
        by_code: dict[str, list[MueEntry]] = {}
        for e in entries_in_priority_order:
            by_code.setdefault(e.code, []).append(e)
        self._by_code = {k: tuple(v) for k, v in by_code.items()}
        self._memo: dict[tuple[str, date], MueEntry | None] = {}

    def lookup(self, code: str, day: date) -> MueEntry | None:
        key = (code, day)
        try:
            return self._memo[key]
        except KeyError:
            pass
        found = None
        for e in self._by_code.get(code, ()):
            if e.covers(day):
                found = e
                break
        if len(self._memo) > 200_000:
            self._memo.clear()
        self._memo[key] = found
        return found

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_code.values())


class PtpTable:
    """Edits by unordered code pair; imported tables first (they replace bundled ones)."""

    __slots__ = ("_by_pair",)

    def __init__(self, edits: Iterable[PtpEdit]) -> None:
        by_pair: dict[frozenset[str], list[PtpEdit]] = {}
        for e in edits:
            by_pair.setdefault(frozenset((e.column1, e.column2)), []).append(e)
        self._by_pair = {k: tuple(v) for k, v in by_pair.items()}

    def edits_in_force(self, codes: Iterable[str], day: date) -> list[PtpEdit]:
        """Edits among `codes` in force on `day` (indicator 0 or 1), one per ordered pair."""
        present = sorted(set(codes))
        found: list[PtpEdit] = []
        for i, a in enumerate(present):
            for b in present[i + 1 :]:
                for e in self._by_pair.get(frozenset((a, b)), ()):
                    if e.in_force(day):
                        found.append(e)
                        break
        return found

    def codes(self) -> frozenset[str]:
        """Every code that appears in some edit (a pair outside this set has no edit)."""
        return frozenset(c for pair in self._by_pair for c in pair)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_pair.values())
