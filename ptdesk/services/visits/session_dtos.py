"""What the session form and the Today page receive and send: frozen rows, no ORM, no Qt.

`SessionBillingApi`, `VisitsApi` and `TodayApi` are what those screens need of the services;
the UI depends on these protocols (this module imports no SQLAlchemy), and the app hands in
the real services (`services.session_billing`, `services.visits`, `services.today`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitView
from ptdesk.services.visits.history import Correction, SessionOverride

MAX_DAY_MINUTES = 24 * 60

# --- the session form -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeOption:
    """One code of the catalogue, for the code column's completer and descriptions."""

    code: str
    description: str
    timed: bool


@dataclass(frozen=True, slots=True)
class SessionContext:
    """Everything about the visit the engine needs besides the minutes."""

    visit_id: int
    patient_id: int
    patient_name: str
    day: date
    status: VisitStatus
    payer_name: str  # "Self-pay" when the visit has no coverage
    payer_kind: PayerKind
    unit_method: UnitMethod
    provider_name: str = ""
    # The patient's PT+SLP allowed amount this calendar year before this visit (KX), counted
    # from recorded visits on this coverage plus the amount entered at intake for the year.
    ytd_allowed_before: Decimal | None = None
    authorization: AuthorizationTerms | None = None
    visit_number: int | None = None  # this visit's number within the authorization
    # The lines already recorded (a completed visit reopened), as the form's rows.
    rows: tuple["SessionRow", ...] = ()
    diagnoses: tuple[str, ...] = ()  # ICD-10-CM, no dot, primary first
    reeval_reason: str = ""  # domain.visit_history.ReevalReason value, "" when none

    @property
    def method_label(self) -> str:
        return self.unit_method.label


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One row as the therapist typed it, already parsed."""

    code: str
    minutes: int
    assistant_minutes: int = 0


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One billable line. A code the CQ rule splits comes out as two lines (`part` 0 and 1)."""

    code: str
    description: str  # "" for a code ptdesk does not know
    minutes: int
    assistant_minutes: int
    units: int | None  # None: unknown code, not computed
    modifiers: tuple[str, ...]
    row: int  # the first input row of this code (0-based)
    part: int = 0  # 1 for the second line of a CQ split
    note: str = ""
    allowed_amount: Decimal = Decimal("0.00")
    timed: bool = True

    @property
    def modifiers_text(self) -> str:
        return " ".join(self.modifiers)

    def draft(self) -> ServiceLineDraft:
        return ServiceLineDraft(self.code, self.units or 0, self.minutes, self.assistant_minutes,
                                self.modifiers_text, self.allowed_amount)


@dataclass(frozen=True, slots=True)
class DiagnosisCheck:
    """Codes typed on a visit, as the picker says them: known ones with their description, and
    what is wrong with the others, by position ("diagnoses.2")."""

    codes: tuple[tuple[str, str], ...]  # (code without dot, description), primary first
    errors: dict[str, str]
    set_name: str
    out_of_date: bool  # the set is not the one in force on the date of service


@dataclass(frozen=True, slots=True)
class PreviewFinding:
    rule: str
    severity: str  # "error" (will be denied) or "warning" (a risk)
    code: str | None
    message: str
    source: str
    table_version: str = ""
    row: int | None = None  # the input row it concerns, when there is one

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True, slots=True)
class SessionPreview:
    lines: tuple[PreviewLine, ...]
    findings: tuple[PreviewFinding, ...]
    total_timed_minutes: int
    total_units: int  # every billable unit (timed and untimed)
    total_timed_units: int
    explanation: str  # the calculation in words, with the CQ reasons
    unit_method: UnitMethod
    other_method_label: str  # "AMA per-code" or "CMS total-time"
    other_method_units: int  # timed units by the other method
    ties: tuple[str, ...] = ()  # codes the therapist may choose between for the extra unit
    tie_winners: tuple[str, ...] = ()
    cq_reasons: tuple[tuple[str, str], ...] = ()
    ytd_after: Decimal | None = None
    # Why each modifier is there, in words with its source: (("GP", "..."), ("KX", "...")).
    modifier_notes: tuple[tuple[str, str], ...] = ()

    @property
    def other_differs(self) -> bool:
        return self.other_method_units != self.total_timed_units

    def lines_of_row(self, row: int) -> tuple[PreviewLine, ...]:
        return tuple(ln for ln in self.lines if ln.row == row)

    def drafts(self) -> tuple[ServiceLineDraft, ...]:
        return tuple(ln.draft() for ln in self.lines)


class SessionBillingApi(Protocol):
    """What the session form needs: the visit's context, the catalogue, a live preview."""

    def context(self, visit_id: int) -> SessionContext: ...

    def codes(self) -> tuple[CodeOption, ...]: ...

    def preview(
        self, context: SessionContext, rows: Sequence["SessionRow | None"],
        tie_preference: tuple[str, ...] = (), reeval_reason: str | None = None,
    ) -> SessionPreview: ...

    def search_diagnoses(self, day: date, text: str) -> tuple[tuple[str, str], ...]: ...

    def check_diagnoses(self, day: date, typed: Sequence[str]) -> DiagnosisCheck: ...


class VisitsApi(Protocol):
    """The visit changes the Today page and the session form make."""

    def check_in(self, visit_id: int, at: datetime) -> VisitView: ...

    def complete(self, visit_id: int, lines: Sequence[ServiceLineDraft], *,
                 diagnoses: Sequence[str] = (), reeval_reason: str = "",
                 override: "SessionOverride | None" = None,
                 correction: "Correction | None" = None) -> VisitView: ...


# --- the Today page ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TodayVisitRow:
    visit_id: int
    patient_id: int
    patient_name: str
    chart_number: str
    scheduled_time: time | None
    provider_name: str  # "" when none is set
    payer_name: str  # "Self-pay" when the visit has no coverage
    payer_kind: PayerKind
    status: VisitStatus
    chip: StatusChipView | None = None  # the patient's status chip on that day
    lines: int = 0  # service lines recorded
    # A stop overridden at check-in: "Evaluation only, by JD" ("" when none; issue 10).
    override: str = ""
    # Booked although the authorization or limit will not cover it: why ("" = covered; #2).
    outside: str = ""


@dataclass(frozen=True, slots=True)
class TodayView:
    day: date
    rows: tuple[TodayVisitRow, ...]  # booked, checked in and completed, in time order

    def counts(self) -> dict[VisitStatus, int]:
        out: dict[VisitStatus, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out


class TodayApi(Protocol):
    def day(self, day: date) -> TodayView: ...
