"""The patient record's visits: which visit is selected (upcoming or past), and what the
buttons and keys do with it: book, check in (through the check-in decision), cancel, no-show,
void with a reason, and its history."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QTableView, QWidget

from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.status import Status
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.patients.dtos import PatientRecord, ProviderOption, ReferenceApi, VisitInfo
from ptdesk.services.visits.api import AuthorizationApis
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.patients.record_models import VisitTableModel
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.checkin_flow import CheckInFlow
from ptdesk.ui.visits.visit_dialogs import BookVisitDialog, VoidVisitDialog
from ptdesk.ui.widgets.status_chip import StatusChip


class RecordVisits(QWidget):
    """The visit actions of `PatientRecordView` (which builds the tables and buttons)."""

    sig_record_changed = Signal()  # a visit or authorization changed: reload the record

    record: PatientRecord | None
    _auth: AuthorizationApis | None
    _runner: TaskRunner | None
    _today: Callable[[], date]
    _now: Callable[[], datetime]
    _reference: ReferenceApi | None
    check_in_flow: CheckInFlow | None
    upcoming: VisitTableModel
    past: VisitTableModel
    upcoming_view: QTableView
    past_view: QTableView
    outcome: StatusChip

    def _update_buttons(self) -> None:
        raise NotImplementedError

    _picked: QTableView | None = None

    def _pick(self, view: QTableView) -> None:
        self._picked = view
        other = self.past_view if view is self.upcoming_view else self.upcoming_view
        other.clearSelection()
        self._update_buttons()

    def selected_visit(self) -> VisitInfo | None:
        order = [self.upcoming_view, self.past_view]
        if self._picked is self.past_view:
            order.reverse()
        for view in order:
            rows = view.selectionModel().selectedRows()
            if rows:
                model = self.upcoming if view is self.upcoming_view else self.past
                info: VisitInfo = model.row_at(rows[0].row())
                return info
        return None

    def select_visit(self, visit_id: int) -> bool:
        for view, model in ((self.upcoming_view, self.upcoming), (self.past_view, self.past)):
            for row, v in enumerate(model.rows()):
                if v.id == visit_id:
                    self._pick(view)
                    view.selectRow(row)
                    return True
        return False

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)

    def _visit_done(self, result: object) -> None:
        if result is not None:
            self.sig_record_changed.emit()

    def _visit_action(self, action: str) -> None:
        visit = self.selected_visit()
        if action == "check_in" and (visit is None or visit.status is not VisitStatus.BOOKED):
            visit = self._todays_booked()  # Ctrl+I on the patient: today's visit
        if self._auth is None or self._runner is None or visit is None:
            return
        if visit.status is not VisitStatus.BOOKED:
            return
        api = self._auth.visits
        if action == "check_in" and self.check_in_flow is not None:
            self.check_in_flow.run(visit.id)
        elif action == "check_in":
            self._runner.submit(api.check_in, visit.id, self._now(), on_done=self._visit_done,
                                on_error=self._failed)
        elif action == "cancel":
            self._runner.submit(api.cancel, visit.id, on_done=self._visit_done,
                                on_error=self._failed)
        else:
            self._runner.submit(api.no_show, visit.id, on_done=self._visit_done,
                                on_error=self._failed)

    def _todays_booked(self) -> VisitInfo | None:
        if self.record is None:
            return None
        today = self._today()
        return next((v for v in self.record.upcoming_visits
                     if v.visit_date == today and v.status is VisitStatus.BOOKED), None)

    def _show_outcome(self, chip: StatusChipView | None, text: str) -> None:
        self.outcome.set_chip(None if chip is None else replace(chip, text=text))
        if chip is None:
            self.outcome.set_chip(StatusChipView(Status.NOT_TRACKED, "", text))

    def void_visit(self) -> None:
        visit = self.selected_visit()
        if self._auth is None or self._runner is None or visit is None:
            return
        self._visit_done(VoidVisitDialog.ask(self, self._auth.visits, self._runner, visit))

    def visit_history(self) -> None:
        visit = self.selected_visit()
        if self._auth is None or self._runner is None or visit is None:
            return
        from ptdesk.ui.session.visit_history_dialog import VisitHistoryDialog

        self._runner.submit(self._auth.visits.history, visit.id,
                            on_done=lambda h: self._show_dialog(VisitHistoryDialog(h, self)),
                            on_error=self._failed)

    @staticmethod
    def _show_dialog(dialog: QDialog) -> None:
        dialog.exec()

    def book_visit(self) -> None:
        if self._auth is None or self._runner is None or self.record is None:
            return
        if self._reference is None:
            self._book(())
            return
        reference = self._reference
        self._runner.submit(lambda: reference.providers(), on_done=self._book,
                            on_error=self._failed)

    def _book(self, providers: tuple[ProviderOption, ...]) -> None:
        if self._auth is None or self._runner is None or self.record is None:
            return
        if self._auth.booking is not None:  # issue 10 #2: a series, dates outside shown
            from ptdesk.ui.visits.series_dialog import BookSeriesDialog

            self._visit_done(BookSeriesDialog.ask_series(
                self, self._auth.booking, self._auth.visits, self._runner, self._today(),
                self.record.patient.id, self.record.coverages, providers))
            return
        self._visit_done(BookVisitDialog.ask(self, self._auth.visits, self._runner,
                                             self._today(), self.record.patient.id,
                                             self.record.coverages, providers))
