"""ICD-10-CM diagnosis codes on a visit (issue 10 item 3): the code set in force on the date of
service, and what a typed code means.

CMS publishes the code set yearly (October 1) with an April update; a set is the billable codes
(leaves of CMS's code list) and their descriptions, with the dates it is in force. A code is
typed with or without its dot ("M54.50" = "M5450"); the first code on a visit is the primary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ptdesk.domain.errors import ValidationErrors

MAX_DIAGNOSES = 12  # the CMS-1500 claim form carries 12 (box 21 A-L)


@dataclass(frozen=True, slots=True)
class CodeSet:
    """One ICD-10-CM release: `codes` maps a billable code (no dot) to its description."""

    name: str  # "ICD-10-CM April 2026"
    effective_from: date
    effective_to: date
    codes: Mapping[str, str]

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to


def normalise(code: str) -> str:
    return code.strip().upper().replace(".", "")


def dotted(code: str) -> str:
    """"M5450" -> "M54.50" (ICD-10-CM puts the dot after the third character)."""
    c = normalise(code)
    return c if len(c) <= 3 else f"{c[:3]}.{c[3:]}"


def set_for(sets: Iterable[CodeSet], day: date) -> tuple[CodeSet | None, bool]:
    """The set in force on `day`, else the nearest one (True = not the set in force: a release
    for that date should be imported; codes change little from one release to the next).
    Sets that overlap (an April update inside its fiscal year; a release imported again): the
    one that started last, and of two that start the same day the one given last."""
    ordered = sorted(sets, key=lambda s: s.effective_from)  # stable: later sets win ties
    in_force = [s for s in ordered if s.in_force(day)]
    if in_force:  # an April update is in force inside its fiscal year's set: the newer wins
        return in_force[-1], False
    started = [s for s in ordered if s.effective_from <= day]
    if started:
        return started[-1], True
    return (ordered[0], True) if ordered else (None, True)


def problem(code: str, codes: CodeSet) -> str | None:
    """Why `code` cannot go on a claim for this set (None: it can)."""
    c = normalise(code)
    if c in codes.codes:
        return None
    if not c or not c[0].isalpha() or (not c[1:3].isdigit() and len(c) >= 3):
        return f"{code.strip() or 'The code'} is not an ICD-10-CM code (a letter, then digits)."
    longer = sorted(k for k in _longer(c, codes))
    if longer:
        more = ", ".join(dotted(k) for k in longer[:3]) + (" …" if len(longer) > 3 else "")
        return (f"{dotted(c)} is a category, not a billable code: add characters "
                f"({more}).")
    return (f"{dotted(c)} is not a billable code in {codes.name} (mistyped, or retired): "
            "search by words or the first characters.")


def _longer(c: str, codes: CodeSet) -> list[str]:
    # A linear scan over ~78,000 codes takes a few ms; only done for a code that is wrong.
    return [k for k in codes.codes if k.startswith(c) and k != c]


def check_diagnoses(typed: Iterable[str], codes: CodeSet) -> tuple[str, ...]:
    """The codes in order (primary first), normalised, or ValidationErrors by position."""
    out: list[str] = []
    errors: dict[str, str] = {}
    for i, t in enumerate(typed, 1):
        c = normalise(t)
        if not c:
            continue
        why = problem(c, codes)
        if why:
            errors[f"diagnoses.{i}"] = why
        elif c in out:
            errors[f"diagnoses.{i}"] = f"{dotted(c)} is already on the visit."
        else:
            out.append(c)
    if len(out) > MAX_DIAGNOSES:
        errors["diagnoses"] = f"At most {MAX_DIAGNOSES} diagnoses fit on a claim."
    if errors:
        raise ValidationErrors(errors)
    return tuple(out)


def search(codes: CodeSet, text: str, limit: int = 50) -> list[tuple[str, str]]:
    """Codes starting with `text` (dot optional), else whose description has every word."""
    t = text.strip()
    if not t:
        return []
    c = normalise(t)
    hits = [(k, v) for k, v in codes.codes.items() if k.startswith(c)] if c[:1].isalpha() and \
        any(ch.isdigit() for ch in c) else []
    if not hits:
        words = t.lower().split()
        hits = [(k, v) for k, v in codes.codes.items() if all(w in v.lower() for w in words)]
    return sorted(hits)[:limit]
