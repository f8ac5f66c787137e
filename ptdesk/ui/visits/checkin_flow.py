"""Check-in from any screen (Today, the patient's record, the lookup): one flow.

Decide (on the worker), show the outcome in one line (colour, icon, words); go and warn check
the visit in at once; a stop asks for an override reason (`OverrideDialog`) and checks in only
when one is given. The screens pass a `show` callback for the line and get `on_checked_in`.
"""

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtWidgets import QWidget

from ptdesk.domain.errors import DomainError
from ptdesk.services.accounts.access import current_actor
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.visits.checkin_dtos import (
    CheckInApi,
    CheckInResult,
    CheckInStopped,
    CheckInView,
)
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.override_dialog import OverrideDialog

ShowLine = Callable[[StatusChipView | None, str], None]


class CheckInFlow:
    def __init__(
        self,
        api: CheckInApi,
        runner: TaskRunner,
        parent: QWidget,
        *,
        today: Callable[[], date],
        now: Callable[[], datetime],
        show: ShowLine,
        on_checked_in: Callable[[CheckInResult], None],
        current_user: Callable[[], str] | None = None,
    ) -> None:
        self._api = api
        self._runner = runner
        self._parent = parent
        self._today = today
        self._now = now
        self._show = show
        self._done = on_checked_in
        # "By" is the signed-in person (the service records the override under their name).
        self._user = current_user or _signed_in_name
        self._last_by = ""

    def run(self, visit_id: int) -> None:
        self._runner.submit(self._api.decide, visit_id, self._today(),
                            on_done=self._decided, on_error=self._failed, key="check-in")

    def _decided(self, view: CheckInView) -> None:
        self._show(view.chip, view.line)
        if view.stopped:
            self._ask(view)
            return
        self._runner.submit(self._api.check_in, view.visit_id, self._now(),
                            on_done=self._checked_in, on_error=self._failed)

    def _ask(self, view: CheckInView) -> None:
        result = OverrideDialog.ask(self._parent, self._api, self._runner, view, self._now,
                                    self._user() or self._last_by)
        if result is None:
            self._show(view.chip, f"{view.line} Not checked in.")
            return
        if result.override is not None:
            self._last_by = result.override.by
        self._checked_in(result)

    def _checked_in(self, result: CheckInResult) -> None:
        d = result.decision
        o = result.override
        if o is not None:
            text = (f"✓ {d.patient_name} checked in at risk ({o.reason_words}; by {o.by}). "
                    f"{d.line}")
        else:
            text = f"✓ {d.patient_name} checked in. {d.line}"
        self._show(d.chip, text)
        self._done(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, CheckInStopped):  # the decision changed since it was shown
            self._decided(exc.view)
            return
        if not isinstance(exc, DomainError):
            raise exc
        self._show(None, exc.message)


def _signed_in_name() -> str:
    actor = current_actor()
    return actor.name if actor is not None else ""
