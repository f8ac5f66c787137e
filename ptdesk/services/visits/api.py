"""What the visit screens ask of the services, as Protocols, and the bundle of services the
patient's panel and visit actions use (`ptdesk.app.gui` hands in the real ones; tests, fakes)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ptdesk.services.authorizations.api import AuthorizationsApi, PanelApi, RenewalsApi
from ptdesk.services.authorizations.plan_of_care_dtos import PlanOfCareApi
from ptdesk.services.visits.checkin_dtos import CheckInApi
from ptdesk.services.visits.dtos import ServiceLineDraft, VisitDraft, VisitView
from ptdesk.services.visits.history import Correction, SessionOverride, VisitHistoryView

if TYPE_CHECKING:  # the board's chips and the booking service load when first used
    from ptdesk.services.board.chips import StatusChipsApi
    from ptdesk.services.visits.booking import BookingApi


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
    # The lookup's status column (None: no column filled).
    chips: "StatusChipsApi | None" = None
