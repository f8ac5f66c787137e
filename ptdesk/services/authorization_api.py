"""What the authorization screens ask of the services (issue 5), as Protocols.

The UI depends on these (this module imports no SQLAlchemy); `ptdesk.app.gui` hands in the
real services (`PanelService`, `AuthorizationService`, `RenewalService`, `VisitService`,
`BoardService`, `StatusSettingsService`). Tests may hand in fakes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from ptdesk.services.authorization_dtos import (
    AuthorizationDraft,
    AuthorizationSaved,
    BandDefaultView,
    BandSettingsDraft,
    BandSettingsView,
    BoardView,
    DecisionRecorded,
    OverlapWarning,
    PanelView,
    RenewalDecision,
    RenewalRequestDraft,
    RequestView,
    ServiceLineDraft,
    StatusChipView,
    VisitDraft,
    VisitView,
)
from ptdesk.services.checkin_dtos import CheckInApi, PlanOfCareApi
from ptdesk.services.visit_history import Correction, SessionOverride, VisitHistoryView

if TYPE_CHECKING:
    from ptdesk.services.booking import BookingApi


class PanelApi(Protocol):
    def panel(self, patient_id: int, today: date, now: datetime) -> PanelView: ...

    def statuses_for(
        self, patient_ids: Iterable[int], today: date
    ) -> dict[int, StatusChipView]: ...


class AuthorizationsApi(Protocol):
    def check(
        self, draft: AuthorizationDraft, authorization_id: int | None = None
    ) -> tuple[OverlapWarning, ...]: ...

    def add(self, draft: AuthorizationDraft) -> AuthorizationSaved: ...

    def update(self, authorization_id: int, draft: AuthorizationDraft) -> AuthorizationSaved: ...

    def end(self, authorization_id: int, ended_on: date, reason: str) -> AuthorizationSaved: ...


class RenewalsApi(Protocol):
    def create(self, draft: RenewalRequestDraft, now: datetime) -> RequestView: ...

    def update(
        self, request_id: int, draft: RenewalRequestDraft, now: datetime
    ) -> RequestView: ...

    def mark_sent(self, request_id: int, sent_at: datetime, now: datetime) -> RequestView: ...

    def record_decision(
        self, request_id: int, decision: RenewalDecision, now: datetime
    ) -> DecisionRecorded: ...

    def appeal(self, request_id: int, appealed_at: datetime, now: datetime) -> RequestView: ...


class VisitsApi(Protocol):
    def book(self, draft: VisitDraft) -> VisitView: ...

    def check_in(self, visit_id: int, at: datetime) -> VisitView: ...

    def complete(self, visit_id: int, lines: Sequence[ServiceLineDraft], *,
                 diagnoses: Sequence[str] = (), reeval_reason: str = "",
                 override: "SessionOverride | None" = None,
                 correction: "Correction | None" = None) -> VisitView: ...

    def cancel(self, visit_id: int) -> VisitView: ...

    def no_show(self, visit_id: int) -> VisitView: ...

    def void(self, visit_id: int, reason: str) -> VisitView: ...

    def history(self, visit_id: int) -> "VisitHistoryView": ...


class BoardApi(Protocol):
    def board(self, today: date, now: datetime) -> BoardView: ...

    def change_token(self) -> int: ...


class StatusSettingsApi(Protocol):
    def defaults(self) -> tuple[BandDefaultView, ...]: ...

    def all(self) -> tuple[BandSettingsView, ...]: ...

    def save_clinic(self, draft: BandSettingsDraft) -> BandSettingsView: ...

    def save_payer(self, payer_id: int, draft: BandSettingsDraft) -> BandSettingsView: ...

    def reset_payer(self, payer_id: int) -> BandSettingsView: ...


@dataclass(frozen=True)
class AuthorizationApis:
    """The services the patient's authorization panel and visit actions use, in one bundle."""

    panel: PanelApi
    authorizations: AuthorizationsApi
    renewals: RenewalsApi
    visits: VisitsApi
    # Issue 10: check-in decides (None: the old direct check-in) and the plan of care.
    checkin: CheckInApi | None = None
    plans: PlanOfCareApi | None = None
    # Issue 10 #2: book a series and see the dates outside before saving (None: one visit).
    booking: "BookingApi | None" = None
