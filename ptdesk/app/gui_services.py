"""Services the window's pages hold but use only later (a click, a poll, the day's load),
built the first time they are used, so their modules (and the billing engine, board rules ...
they import) load then, not before the window shows (issues 3 and 9 #3)."""

import threading
from collections.abc import Callable
from typing import Any


class OnFirstUse:
    """A service built the first time one of its methods is looked up, so its module (and
    the billing engine, board rules ... it imports) load then, not before the window shows.
    The first use may come from a worker thread."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._service: Any = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._built(), name)

    def _built(self) -> Any:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = self._build()
        return self._service


class BuiltWhenCalled(OnFirstUse):
    """A service whose methods are looked up on the GUI thread (a page submitting one to the
    task runner) but built when one is called: on the worker, so its module (the day's query,
    the ORM rows, the DTOs) loads there, after the window shows (issue 9 #3)."""

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self._built(), name)(*args, **kwargs)

        return call


def later(build: Callable[[Any], Any], factory: Any) -> OnFirstUse:
    """`build(factory)` (one of the functions below) on first use."""
    return OnFirstUse(lambda: build(factory))


def estimate_desk(factory: Any, panel: Any) -> Any:
    from ptdesk.services.estimates.desk import EstimateDesk

    return EstimateDesk(factory, panel)


def today_service(factory: Any) -> Any:
    from ptdesk.services.visits.today import TodayService

    return TodayService(factory)


def visit_service(factory: Any) -> Any:
    from ptdesk.services.visits.records import VisitService

    return VisitService(factory)


def billing_service(factory: Any) -> Any:
    from ptdesk.services.visits.session_billing import SessionBillingService

    return SessionBillingService(factory)


def checkin_service(factory: Any) -> Any:
    from ptdesk.services.visits.checkin import CheckInService

    return CheckInService(factory)


def summary_service(factory: Any) -> Any:
    from ptdesk.services.visits.summary import VisitSummaryService

    return VisitSummaryService(factory)


def board_service(factory: Any) -> Any:
    from ptdesk.services.board.practice_board import BoardService

    return BoardService(factory)


def week_service(factory: Any) -> Any:
    from ptdesk.services.visits.week import WeekService

    return WeekService(factory)


def panel_service(factory: Any) -> Any:
    from ptdesk.services.authorizations.panel import PanelService

    return PanelService(factory)


def authorization_service(factory: Any) -> Any:
    from ptdesk.services.authorizations.changes import AuthorizationService

    return AuthorizationService(factory)


def renewal_service(factory: Any) -> Any:
    from ptdesk.services.authorizations.renewals import RenewalService

    return RenewalService(factory)


def plan_service(factory: Any) -> Any:
    from ptdesk.services.authorizations.plan_of_care import PlanOfCareService

    return PlanOfCareService(factory)


def booking_service(factory: Any) -> Any:
    from ptdesk.services.visits.booking import BookingService

    return BookingService(factory)


def status_chips(factory: Any) -> Any:
    from ptdesk.services.board.chips import StatusChips

    return StatusChips(factory)


def reference_service(factory: Any) -> Any:
    from ptdesk.services.clinic.reference import ReferenceService

    return ReferenceService(factory)
