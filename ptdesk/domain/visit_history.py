"""A completed visit's versions (issue 10 item 5) and the re-evaluation's reason (pt-rules F4).

A correction never overwrites silently: what the visit said before is kept as a version, with
who, when and why; the differences between two versions are said in words for the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ptdesk.domain.errors import ValidationErrors

MAX_WHY = 200
MAX_BY = 80


class ReevalReason(StrEnum):
    """What justifies a re-evaluation (97164): CMS Pub 100-02 Ch. 15 §220.3 C (pt-rules F4)."""

    NEW_FINDINGS = "new_findings"
    SIGNIFICANT_CHANGE = "significant_change"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:
        return _REEVAL_LABELS[self]


_REEVAL_LABELS = {
    ReevalReason.NEW_FINDINGS: "New clinical findings",
    ReevalReason.SIGNIFICANT_CHANGE: "Significant change in condition",
    ReevalReason.NO_RESPONSE: "Failure to respond to treatment",
}


def reeval_label(value: str) -> str:
    return ReevalReason(value).label if value in ReevalReason._value2member_map_ else value


@dataclass(frozen=True, slots=True)
class LineContent:
    code: str
    units: int
    minutes: int
    assistant_minutes: int
    modifiers: str

    def words(self) -> str:
        mods = f" {self.modifiers}" if self.modifiers else ""
        return f"{self.code}{mods} × {self.units} ({self.minutes} min)"


@dataclass(frozen=True, slots=True)
class VisitContent:
    """What a version of a visit says: its lines, diagnoses (primary first), re-eval reason."""

    lines: tuple[LineContent, ...]
    diagnoses: tuple[str, ...] = ()
    reeval_reason: str = ""


def differences(old: VisitContent, new: VisitContent) -> tuple[str, ...]:
    """What changed from `old` to `new`, one phrase each ("97110: 3 → 2 units")."""
    out: list[str] = []
    before = {ln.code: ln for ln in old.lines}
    after = {ln.code: ln for ln in new.lines}
    for code, o in before.items():
        n = after.get(code)
        if n is None:
            out.append(f"{o.words()} removed")
            continue
        if o.units != n.units:
            out.append(f"{code}: {o.units} → {n.units} units")
        if o.minutes != n.minutes:
            out.append(f"{code}: {o.minutes} → {n.minutes} min")
        if o.modifiers != n.modifiers:
            out.append(f"{code}: modifiers {o.modifiers or 'none'} → {n.modifiers or 'none'}")
        if o.assistant_minutes != n.assistant_minutes:
            out.append(f"{code}: assistant {o.assistant_minutes} → {n.assistant_minutes} min")
    out.extend(f"{n.words()} added" for code, n in after.items() if code not in before)
    if old.diagnoses != new.diagnoses:
        out.append(f"diagnoses {' '.join(old.diagnoses) or 'none'} → "
                   f"{' '.join(new.diagnoses) or 'none'}")
    if old.reeval_reason != new.reeval_reason:
        out.append(f"re-evaluation reason {reeval_label(old.reeval_reason) or 'none'} → "
                   f"{reeval_label(new.reeval_reason) or 'none'}")
    return tuple(out)


def check_correction(by: str, why: str) -> tuple[str, str]:
    """(by, why) trimmed, or ValidationErrors: both are required for a correction."""
    b, w = by.strip(), why.strip()
    errors: dict[str, str] = {}
    if not w:
        errors["why"] = "Say why the visit is corrected."
    elif len(w) > MAX_WHY:
        errors["why"] = f"Too long: at most {MAX_WHY} characters."
    if not b:
        errors["by"] = "Enter your initials or name."
    elif len(b) > MAX_BY:
        errors["by"] = f"Too long: at most {MAX_BY} characters."
    if errors:
        raise ValidationErrors(errors)
    return b, w
