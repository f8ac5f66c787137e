"""The shared status vocabulary: colours, their order, the reasons behind them, and the bands.

Every rule of issue 5 (an authorization, a plan-year limit, Medicare KX, a coverage with no
authorization in force) answers with a `Status` and one or more `StatusReason`s. The patient's
status is the worst of them (`worst`), and every reason is kept so the panel can list them.

Colour is never the only signal: each status has an icon name and words, and each reason has a
short chip ("Red · 2 visits left"), a sentence, and what to do next.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ptdesk.domain.errors import ValidationErrors


class Status(StrEnum):
    """How urgently the desk must act. Ordered by `severity` (higher is worse).

    NONE ranks just below RED: the payer requires an authorization and none is in force, so a
    visit today would not be paid. It is not worse than RED because RED already includes an
    expired or exhausted authorization (the same money at risk, and more specific words), and
    the usual NONE is a new patient whose first request the desk has just sent.
    NOT_TRACKED is "nothing to say" (self-pay, no limit on file, KX threshold unknown).
    """

    RED = "red"
    NONE = "none"
    YELLOW = "yellow"
    GREEN = "green"
    NOT_TRACKED = "not_tracked"

    @property
    def severity(self) -> int:
        return self._sev  # type: ignore[attr-defined, no-any-return]  # set below the class

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def icon_name(self) -> str:
        """A theme icon the UI maps to a shape (colour-blind safe: each shape differs)."""
        return f"status-{self.value.replace('_', '-')}"


SEVERITY = {
    Status.RED: 4,
    Status.NONE: 3,
    Status.YELLOW: 2,
    Status.GREEN: 1,
    Status.NOT_TRACKED: 0,
}
# Stored on each member too: an Enum's hash is computed in Python, and the board compares
# severities tens of thousands of times.
for _member, _sev in SEVERITY.items():
    _member._sev = _sev  # type: ignore[attr-defined]

_LABELS = {
    Status.RED: "Red",
    Status.NONE: "None",  # the chip reads "None · no authorization" (UI.md)
    Status.YELLOW: "Yellow",
    Status.GREEN: "Green",
    Status.NOT_TRACKED: "Not tracked",
}


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status; NOT_TRACKED when there is nothing to judge."""
    best = Status.NOT_TRACKED
    for s in statuses:
        if s.severity > best.severity:
            best = s
    return best


class ReasonCode(StrEnum):
    """Stable identifiers, for tests, filters and translations."""

    AUTH_OK = "auth_ok"
    AUTH_VISITS_LOW = "auth_visits_low"
    AUTH_DAYS_LOW = "auth_days_low"
    AUTH_EXHAUSTED = "auth_exhausted"
    AUTH_EXPIRED = "auth_expired"
    AUTH_NOT_STARTED = "auth_not_started"
    AUTH_PENDING = "auth_pending"
    BOOKED_BEYOND_AUTH = "booked_beyond_auth"
    BOOKED_UNCOVERED = "booked_uncovered"
    NO_AUTH_IN_FORCE = "no_auth_in_force"
    LIMIT_OK = "limit_ok"
    LIMIT_LOW = "limit_low"
    LIMIT_REACHED = "limit_reached"
    LIMIT_BOOKED_BEYOND = "limit_booked_beyond"
    LIMIT_ELSEWHERE_STALE = "limit_elsewhere_stale"
    KX_BELOW = "kx_below"
    KX_APPROACHING = "kx_approaching"
    KX_REQUIRED = "kx_required"
    KX_REVIEW = "kx_review"
    KX_THRESHOLD_UNKNOWN = "kx_threshold_unknown"
    KX_ELSEWHERE_STALE = "kx_elsewhere_stale"
    POC_OK = "poc_ok"
    POC_CERT_UNSIGNED = "poc_cert_unsigned"
    POC_VERBAL_UNSIGNED = "poc_verbal_unsigned"
    POC_RECERT_DUE = "poc_recert_due"
    POC_RECERT_OVERDUE = "poc_recert_overdue"
    POC_PROGRESS_DUE = "poc_progress_due"


@dataclass(frozen=True, slots=True)
class StatusReason:
    status: Status
    code: ReasonCode
    # What the reason is about, e.g. "Auth 12345 (Aetna)" or "Plan-year limit (BCBS)".
    subject: str
    # Short words for a chip, after the colour label: "2 visits left".
    phrase: str
    # One or two full sentences for the panel and the tooltip.
    sentence: str
    # What the desk should do next; empty when nothing is needed.
    next_step: str = ""

    @property
    def chip(self) -> str:
        """"Red · 2 visits left": readable without the colour."""
        return f"{self.status.label} · {self.phrase}"


def sort_reasons(reasons: Iterable[StatusReason]) -> tuple[StatusReason, ...]:
    """Worst first; stable within a status (the order the rules produced them)."""
    return tuple(sorted(reasons, key=lambda r: -r.status.severity))


@dataclass(frozen=True, slots=True)
class StatusBands:
    """Where Red and Yellow start, configurable per clinic and per payer.

    Defaults follow issue 5: Red at <=2 visits or <=7 days left (or expired/exhausted); Yellow
    at 3-5 visits or 8-21 days; Green otherwise. pt-rules G2 notes that no regulation sets
    these (vendor defaults vary; it suggests Red <=3, Yellow 4-7), hence configurable.
    "Days left" is `end - today` in calendar days: 0 means the authorization ends today and a
    visit today is still covered.
    """

    red_visits: int = 2
    yellow_visits: int = 5
    red_days: int = 7
    yellow_days: int = 21

    def __post_init__(self) -> None:
        errors: dict[str, str] = {}
        if self.red_visits < 0:
            errors["red_visits"] = "Red visits cannot be negative."
        if self.yellow_visits < self.red_visits:
            errors["yellow_visits"] = "Yellow must start at or above the Red visit count."
        if self.red_days < 0:
            errors["red_days"] = "Red days cannot be negative."
        if self.yellow_days < self.red_days:
            errors["yellow_days"] = "Yellow must start at or above the Red day count."
        if errors:
            raise ValidationErrors(errors)

    def for_remaining(self, remaining: int) -> Status:
        """Band for visits (or units) remaining; 0 or fewer is Red (exhausted)."""
        if remaining <= self.red_visits:
            return Status.RED
        if remaining <= self.yellow_visits:
            return Status.YELLOW
        return Status.GREEN

    def for_days(self, days_left: int) -> Status:
        """Band for calendar days left until the end date (negative = expired)."""
        if days_left <= self.red_days:
            return Status.RED
        if days_left <= self.yellow_days:
            return Status.YELLOW
        return Status.GREEN


DEFAULT_BANDS = StatusBands()


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def long_date(d: date) -> str:
    """"Mar 7, 2026": the one on-screen date format (UI.md), in every sentence ptdesk writes."""
    return f"{d:%b} {d.day}, {d.year}"


def short_date(d: date) -> str:
    """"Dec 14" (no year), the way the desk says it."""
    return f"{d:%b} {d.day}"
