"""The patient record's estimates: the "Estimate…" button (Ctrl+Shift+E) that opens the
estimate dialog pre-filled from ptdesk, and the list of estimates given (date, kind, language,
who, visits, the patient's estimated share, and what was billed since), each reprintable."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.dates import clock
from ptdesk.domain.status import long_date
from ptdesk.services.estimates.dtos import EstimatePrefill, StoredEstimate
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.estimates.estimate_api import EstimateDeskApi as EstimateDeskApi
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.widgets.rows_model import Column, RowsModel
from ptdesk.ui.widgets.table_export import install_csv_export


def _money(value: Decimal) -> str:
    # The estimate's visits model imports the scenario engine's rows: loaded when a past
    # estimate is first shown, not with the patient's screen (issue 9 #3).
    from ptdesk.ui.estimates.estimate_visits_model import money

    return money(value)


def _since(r: StoredEstimate) -> str:
    done = f"{r.visits_done}/{r.visit_count} visits"
    return done + ("" if r.billed_allowed is None else f", {_money(r.billed_allowed)} billed")


def _tip(r: StoredEstimate) -> str:
    return (f"{r.kind_label} given {long_date(r.given_on)} at {clock(r.created_at.time())}: "
            f"allowed {_money(r.totals.allowed)}, insurance "
            f"{_money(r.totals.insurance_pays)}, patient {_money(r.totals.patient_pays)}."
            f" Since the first visit: {r.visits_done} of {r.visit_count} visits done"
            + ("" if r.billed_allowed is None else
               f", {_money(r.billed_allowed)} allowed amounts billed")
            + ". The patient's actual share needs the payer's explanation of benefits.")


class PastEstimatesModel(RowsModel[StoredEstimate]):
    COLUMNS = (
        Column[StoredEstimate]("Given", lambda r: long_date(r.given_on), tooltip=_tip),
        Column[StoredEstimate]("Document", lambda r: f"{r.kind_label} ({r.language.upper()})",
                               tooltip=_tip),
        Column[StoredEstimate]("By", lambda r: r.prepared_by or "—", tooltip=_tip),
        Column[StoredEstimate]("Patient pays (est.)", lambda r: _money(r.totals.patient_pays),
                               tooltip=_tip, right=True),
        Column[StoredEstimate]("Since then", _since, tooltip=_tip),
    )

    @property
    def rows(self) -> tuple[StoredEstimate, ...]:  # type: ignore[override]  # read as a list
        return self._rows


class RecordEstimates(QWidget):
    sig_recorded = Signal()

    def __init__(self, api: EstimateDeskApi, runner: TaskRunner, *, record: QWidget,
                 today: Callable[[], date], now: Callable[[], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._runner = runner
        self._today = today
        self._now = now
        self.patient_id: int | None = None
        self.button = QPushButton("E&stimate…")
        self.button.setToolTip("What this patient will owe for a plan of care; prints a Good "
                               "Faith Estimate for self-pay (Ctrl+Shift+E)")
        shortcut = QShortcut(QKeySequence("Ctrl+Shift+E"), record)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.open_estimate)
        title = QLabel("Estimates given")
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.reprint_button = QPushButton("&Reprint…")
        self.reprint_button.setToolTip("The same document again, from the stored inputs")
        self.reprint_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.reprint_button)
        self.model = PastEstimatesModel(self)
        self.view = QTableView()
        install_csv_export(self.view, "estimates")
        self.view.setModel(self.model)
        self.view.setAccessibleName("Estimates given")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setMaximumHeight(ROW_HEIGHT * 4 + 8)
        # A record with no estimate yet gives the room to the authorization panel above.
        self.empty_note = QLabel("None given yet. Estimate… (Ctrl+Shift+E) prepares one.")
        self.empty_note.setProperty("role", "hint")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        layout.addWidget(self.empty_note)
        self._show_empty(True)
        self.button.clicked.connect(lambda: self.open_estimate())
        self.reprint_button.clicked.connect(self.reprint)
        self.view.activated.connect(lambda _i: self.reprint())
        self.view.selectionModel().selectionChanged.connect(
            lambda *_a: self.reprint_button.setEnabled(self.selected() is not None))

    def set_patient(self, patient_id: int) -> None:
        self.patient_id = patient_id
        self._runner.submit(self._api.estimates, patient_id, self._now(), on_done=self._listed,
                            on_error=self._failed, key="record-estimates")

    def _listed(self, rows: tuple[StoredEstimate, ...]) -> None:
        if rows and rows[0].patient_id != self.patient_id:
            return
        self.model.set_rows(rows)
        self._show_empty(not rows)
        self.reprint_button.setEnabled(self.selected() is not None)

    def _show_empty(self, empty: bool) -> None:
        self.view.setVisible(not empty)
        self.empty_note.setVisible(empty)
        self.reprint_button.setVisible(not empty)

    def selected(self) -> StoredEstimate | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def open_estimate(self, reprint: StoredEstimate | None = None) -> None:
        if self.patient_id is None:
            return
        pid = self.patient_id
        self._runner.submit(lambda: self._api.prefill(pid, self._today(), self._now()),
                            on_done=lambda p: self._show(p, reprint), on_error=self._failed)

    def reprint(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.open_estimate(chosen)

    def _show(self, prefill: EstimatePrefill, reprint: StoredEstimate | None) -> None:
        from ptdesk.ui.estimates.estimate_dialog import EstimateDialog  # the first estimate

        stored = EstimateDialog.ask(self.window(), self._api, prefill, today=self._today,
                                    now=self._now, reprint=reprint)
        if stored and self.patient_id is not None:
            self.set_patient(self.patient_id)
            self.sig_recorded.emit()

    def _failed(self, exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, self)


def open_quick_estimate(parent: QWidget, api: EstimateDeskApi, runner: TaskRunner, *,
                        today: Callable[[], date], now: Callable[[], datetime]) -> None:
    """The estimate dialog without a patient: "how much will PT cost me?" on the phone."""

    def show(prefill: EstimatePrefill) -> None:
        from ptdesk.ui.estimates.estimate_dialog import EstimateDialog  # the first estimate

        EstimateDialog.ask(parent.window(), api, prefill, today=today, now=now)

    def failed(exc: BaseException) -> None:
        report_unexpected(type(exc), exc, exc.__traceback__, parent)

    runner.submit(lambda: api.prefill(None, today(), now()), on_done=show, on_error=failed)
