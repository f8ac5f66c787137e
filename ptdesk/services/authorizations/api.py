"""What the authorization screens ask of the services (issue 5), as Protocols.

The UI depends on these (this module imports no SQLAlchemy); `ptdesk.app.gui` hands in the
real services (`PanelService`, `AuthorizationService`, `RenewalService`, `VisitService`,
`BoardService`, `StatusSettingsService`). Tests may hand in fakes.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from ptdesk.services.authorizations.dtos import (
    AuthorizationDraft,
    AuthorizationSaved,
    BandDefaultView,
    BandSettingsDraft,
    BandSettingsView,
    DecisionRecorded,
    OverlapWarning,
    PanelView,
    RenewalDecision,
    RenewalRequestDraft,
    RequestView,
)

if TYPE_CHECKING:
    pass


class PanelApi(Protocol):
    def panel(self, patient_id: int, today: date, now: datetime) -> PanelView: ...


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


class StatusSettingsApi(Protocol):
    def defaults(self) -> tuple[BandDefaultView, ...]: ...

    def all(self) -> tuple[BandSettingsView, ...]: ...

    def save_clinic(self, draft: BandSettingsDraft) -> BandSettingsView: ...

    def save_payer(self, payer_id: int, draft: BandSettingsDraft) -> BandSettingsView: ...

    def reset_payer(self, payer_id: int) -> BandSettingsView: ...


