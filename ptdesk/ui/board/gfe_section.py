"""The practice board's "Good Faith Estimates due" list: uninsured and self-pay patients booked
for a visit no Good Faith Estimate covers yet, with the day it is due (45 CFR 149.610(b); the
rule is domain.gfe_timing). A row stays until a Good Faith Estimate is given from the patient's
record; double-click (or Enter) opens the record."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.status import long_date
from ptdesk.services.estimates.dtos import GfeDueRow
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.list_table import list_table
from ptdesk.ui.widgets.rows_model import Column, RowsModel

_OVERDUE = QColor("#b00020")


class GfeDueApi(Protocol):
    def due(self, today: date, now: datetime) -> tuple[GfeDueRow, ...]: ...


def _tip(r: GfeDueRow) -> str:
    return (f"Booked {long_date(r.booked_on)} for {long_date(r.first_visit)}: {r.why}. "
            "Give the Good Faith Estimate from the patient's record (Estimate…).")


class GfeDueModel(RowsModel[GfeDueRow]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = date.min
        self.COLUMNS = (
            Column[GfeDueRow]("Due", self._due, tooltip=_tip,
                              ink=lambda r: _OVERDUE if r.overdue else None),
            Column[GfeDueRow]("Patient", lambda r: r.patient_name, tooltip=_tip),
            Column[GfeDueRow]("Chart", lambda r: r.chart_number, tooltip=_tip),
            Column[GfeDueRow]("First visit", lambda r: long_date(r.first_visit), tooltip=_tip),
            Column[GfeDueRow]("Booked", lambda r: long_date(r.booked_on), tooltip=_tip),
            Column[GfeDueRow]("Why this date", lambda r: r.why[:1].upper() + r.why[1:],
                              tooltip=_tip),
        )

    def set_rows(self, rows: tuple[GfeDueRow, ...], today: date | None = None) -> None:
        if today is not None:
            self.today = today
        super().set_rows(rows)

    def _due(self, r: GfeDueRow) -> str:
        if r.overdue:
            return f"⚠ Overdue · was due {long_date(r.due)}"
        if r.due == self.today:
            return f"Due today · {long_date(r.due)}"
        return long_date(r.due)


class GfeDueSection(QWidget):
    sig_patient_requested = Signal(int)
    sig_count = Signal(int)  # rows shown, for the tab's title

    def __init__(self, api: GfeDueApi, runner: TaskRunner, *, today: Callable[[], date],
                 now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self._today = today
        self._now = now
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "hint")
        self.model = GfeDueModel(self)
        self.table = list_table(self.model, "Good Faith Estimates due", export="gfe-due")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        self.table.activated.connect(self._open)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        today = self._today()
        self._runner.submit(self._api.due, today, self._now(),
                            on_done=lambda rows: self._show(rows, today), on_error=self._failed,
                            key="gfe-due")

    def _show(self, rows: tuple[GfeDueRow, ...], today: date) -> None:
        self.model.set_rows(rows, today)
        overdue = sum(1 for r in rows if r.overdue)
        self.intro.setText(
            (f"{len(rows)} uninsured or self-pay patient{'s' * (len(rows) != 1)} booked without "
             "a Good Faith Estimate" + (f", {overdue} overdue" if overdue else "") + ". "
             if rows else "Every uninsured or self-pay patient booked has a Good Faith "
             "Estimate. ")
            + "Due 1 business day after booking (3 if the visit is 10 or more business days "
            "away); none is required for a visit fewer than 3 business days away.")
        self.sig_count.emit(len(rows))

    def _open(self, index: QModelIndex) -> None:
        if 0 <= index.row() < self.model.rowCount():
            self.sig_patient_requested.emit(self.model.row_at(index.row()).patient_id)

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)


def tab_title(count: int) -> str:
    return f"GFE due ({count})" if count else "GFE due"


def add_to_board(board: Any, api: GfeDueApi, runner: TaskRunner, *,
                 today: Callable[[], date], now: Callable[[], datetime],
                 open_patient: Callable[[int], None]) -> GfeDueSection:
    """A tab on the practice board (its `tabs`), refreshed whenever the board refreshes."""
    section = GfeDueSection(api, runner, today=today, now=now)
    index = board.tabs.addTab(section, tab_title(0))
    section.sig_count.connect(lambda n: board.tabs.setTabText(index, tab_title(n)))
    section.sig_patient_requested.connect(open_patient)
    board.sig_refreshed.connect(section.refresh)
    board.gfe_due = section
    return section
