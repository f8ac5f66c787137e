"""Overriding a stop: only with a reason, who and when (issue 10).

A check-in the rules stop can still go ahead, but only for one of these reasons; the reason,
the person (`by`, initials or a name until ptdesk has accounts) and the time are kept with the
visit, shown on it, counted on the board and listed in the overrides report.
"""

from dataclasses import dataclass
from enum import StrEnum

from ptdesk.domain.errors import ValidationErrors

MAX_DETAIL = 200
MAX_BY = 80
# How a visit row marks a visit completed over the billing check's errors (with the ⚠ icon:
# words, never colour alone); check-in overrides read "at risk".
SESSION_OVERRIDE_MARK = "errors overridden"


class OverrideReason(StrEnum):
    AT_RISK = "at_risk"  # request submitted, treating at risk
    WAIVER = "waiver"  # patient signed a waiver and pays today
    EVALUATION_ONLY = "evaluation_only"
    PHONE_CONFIRMED = "phone_confirmed"  # payer confirmed by phone: reference number required
    OTHER = "other"  # free text required

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def needs_detail(self) -> bool:
        return self in (OverrideReason.PHONE_CONFIRMED, OverrideReason.OTHER)

    @property
    def detail_label(self) -> str:
        return "Reference number" if self is OverrideReason.PHONE_CONFIRMED else "Why"


_LABELS = {
    OverrideReason.AT_RISK: "Request submitted, treating at risk",
    OverrideReason.WAIVER: "Patient signed a waiver and pays today",
    OverrideReason.EVALUATION_ONLY: "Evaluation only",
    OverrideReason.PHONE_CONFIRMED: "Payer confirmed by phone",
    OverrideReason.OTHER: "Other",
}


class OverrideKind(StrEnum):
    """Which decision was overridden (the session form's blocking findings may add one)."""

    CHECK_IN = "check_in"
    SESSION = "session"  # errors the engine found when the visit was completed


@dataclass(frozen=True, slots=True)
class OverrideDraft:
    reason: OverrideReason | None
    detail: str = ""
    by: str = ""

    def words(self) -> str:
        """"Payer confirmed by phone: ref 12345"."""
        if self.reason is None:
            return ""
        if self.detail and self.reason is OverrideReason.PHONE_CONFIRMED:
            return f"{self.reason.label}: ref {self.detail}"
        if self.detail:
            return f"{self.reason.label}: {self.detail}"
        return self.reason.label


def override_words(reason: OverrideReason | None, detail: str | None, by: str | None) -> str:
    """"Evaluation only, by JD" as a visit row shows a stored override ("" = none)."""
    if reason is None:
        return ""
    return f"{OverrideDraft(reason, detail or '').words()}, by {by or '?'}"


def check_override(draft: OverrideDraft) -> OverrideDraft:
    """The trimmed draft, or `ValidationErrors` by field (reason, detail, by)."""
    d = OverrideDraft(draft.reason, draft.detail.strip(), draft.by.strip())
    errors: dict[str, str] = {}
    if d.reason is None:
        errors["reason"] = "Choose why the visit goes ahead."
    elif d.reason.needs_detail and not d.detail:
        errors["detail"] = ("Enter the payer's reference number."
                            if d.reason is OverrideReason.PHONE_CONFIRMED
                            else "Say why the visit goes ahead.")
    if len(d.detail) > MAX_DETAIL:
        errors["detail"] = f"Too long: at most {MAX_DETAIL} characters."
    if not d.by:
        errors["by"] = "Enter your initials or name."
    elif len(d.by) > MAX_BY:
        errors["by"] = f"Too long: at most {MAX_BY} characters."
    if errors:
        raise ValidationErrors(errors)
    return d
