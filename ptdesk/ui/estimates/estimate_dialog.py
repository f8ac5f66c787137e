"""The cost estimate from the patient's screen, or without a patient (a quick estimate for a
phone call): inputs on the left (pre-filled from ptdesk), the per-visit table live on the right,
then Print (preview through the system print dialog) or Save as PDF.

Self-pay and uninsured print as a Good Faith Estimate. For a patient, printing or saving stores
what was given (inputs, totals, language, who, when) so it can be reprinted exactly.
"""

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import exporting, record_ui_event
from ptdesk.services.estimates.desk import fallback_note
from ptdesk.services.estimates.dtos import (
    EstimatePrefill,
    EstimateToStore,
    EstimateTotalsDraft,
    StoredEstimate,
)
from ptdesk.services.estimates.scenario import ScenarioEstimate
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.estimates.estimate_api import EstimateApi
from ptdesk.ui.estimates.estimate_form import EstimateForm
from ptdesk.ui.estimates.estimate_visits_model import EstimateVisitsModel, money
from ptdesk.ui.theme import ROW_HEIGHT
from ptdesk.ui.widgets.permission_guard import guard


class EstimateDialog(QDialog):
    def __init__(self, api: EstimateApi, prefill: EstimatePrefill, *,
                 today: Callable[[], date], now: Callable[[], datetime],
                 reprint: StoredEstimate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self.prefill = prefill
        self._today = today
        self._now = now
        self.reprint = reprint
        self.current: ScenarioEstimate | None = None
        self.stored: list[StoredEstimate] = []
        self._build_ui()
        base = reprint.scenario if reprint is not None else prefill.scenario
        self.form.load(base)
        if reprint is not None:
            self.form.language.setCurrentIndex(max(0, self.form.language.findData(
                reprint.language)))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.recompute)
        self.form.sig_changed.connect(self._timer.start)
        self.recompute()

    def _build_ui(self) -> None:
        who = self.prefill.patient_name
        self.setWindowTitle(f"Estimate — {who}" if who else "Quick estimate")
        self.form = EstimateForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(440)
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.model = EstimateVisitsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Visits of the estimate")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT - 4)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EstimateVisitsModel.COL_PHASE, QHeaderView.ResizeMode.Stretch)
        self.totals = QLabel()
        self.totals.setObjectName("estimateTotals")
        self.totals.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.why = QLabel()
        self.why.setProperty("role", "hint")
        self.why.setWordWrap(True)
        self.why.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        why_scroll = QScrollArea()
        why_scroll.setWidgetResizable(True)
        why_scroll.setWidget(self.why)
        why_scroll.setMaximumHeight(150)
        why_scroll.setAccessibleName("Assumptions of the estimate")
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Preview, then print (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.setProperty("primary", True)
        self.pdf_button = QPushButton("Save as P&DF…")
        guard(self.pdf_button, Permission.EXPORT_DATA, "Save the estimate as a PDF file")
        self.close_button = QPushButton("Close")
        self.saved_note = QLabel()
        self.saved_note.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_note, 1)
        for b in (self.pdf_button, self.print_button, self.close_button):
            buttons.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.table, 1)
        right.addWidget(self.totals)
        right.addWidget(self.problem)
        right.addWidget(why_scroll)
        body = QHBoxLayout()
        body.addWidget(scroll)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(1180, 720)

    # ---- the estimate -------------------------------------------------------------------
    def scenario(self) -> dict[str, Any] | str:
        base = self.reprint.scenario if self.reprint is not None else self.prefill.scenario
        return self.form.scenario(base)

    def recompute(self) -> None:
        data = self.scenario()
        result: ScenarioEstimate | None = None
        problem = data if isinstance(data, str) else ""
        if not isinstance(data, str):
            try:
                result = self._api.compute(data)
            except DomainError as exc:
                problem = exc.message
        self.current = result
        gfe = self.form.payer_type.currentData() in ("self_pay", "uninsured")
        self.heading.setText("Good Faith Estimate (uninsured / self-pay)" if gfe
                             else "Cost estimate")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.print_button.setEnabled(result is not None)
        self.pdf_button.setEnabled(result is not None)
        if result is None:
            self.model.set_visits(())
            self.totals.setText("")
            return
        e = result.estimate
        self.model.set_visits(e.visits)
        t = e.totals
        words = (f"{len(e.visits)} visits · allowed {money(t.allowed)} · insurance pays "
                 f"{money(t.insurance_pays)} · patient pays {money(t.patient_pays)}")
        if t.patient_pays_if_not_extended != t.patient_pays:
            words += f" ({money(t.patient_pays_if_not_extended)} if not extended)"
        self.totals.setText(words)
        notes = [f"• {a.text}" for a in e.assumptions]
        if (late := fallback_note(result, "en")) is not None:
            notes.append(f"• {late}")
        if self.reprint is None:
            notes += [f"• {n}" for n in self.prefill.notes]
        self.why.setText("\n".join(notes))

    # ---- the document -------------------------------------------------------------------
    def _document_day(self) -> date:
        if self.reprint is not None and self._is_reprint():
            return self.reprint.given_on
        return self._today()

    def _is_reprint(self) -> bool:
        data = self.scenario()
        return (self.reprint is not None and not isinstance(data, str)
                and json.dumps(data, sort_keys=True) == json.dumps(self.reprint.scenario,
                                                                  sort_keys=True)
                and self.form.lang == self.reprint.language)

    def pdf_bytes(self) -> bytes | None:
        self.recompute()
        if self.current is None:
            return None
        return self._api.render(self.current, self.form.lang, self._document_day())

    def print_to(self, printer: Any) -> int:
        from ptdesk.ui.pdf_printing import paint_pdf

        pdf = self.pdf_bytes()
        return 0 if pdf is None else paint_pdf(printer, pdf)

    def print_preview(self) -> None:
        from ptdesk.ui.pdf_printing import print_with_preview

        try:
            pdf = self.pdf_bytes()
        except Exception as exc:
            report_unexpected(type(exc), exc, exc.__traceback__, self)
            return
        if pdf is None:
            return
        if print_with_preview(self, pdf, "Print the estimate"):
            record_ui_event("print", patient_id=self.prefill.patient_id,
                            what=self.document_words())
            self.record()

    def document_words(self) -> str:
        """What the audit trail says was printed or saved (no patient data: the entry carries
        the patient's id, as the record does)."""
        if self.current is not None and self.current.estimate.request.payer_type.pays_own_way:
            return "Good Faith Estimate"
        return "estimate"

    def choose_pdf_path(self) -> str:
        """Where to save the PDF (tests replace this)."""
        who = (self.prefill.chart_number or "quick").replace("/", "-")
        path, _f = QFileDialog.getSaveFileName(self, "Save the estimate as PDF",
                                               f"estimate-{who}-{self._today():%Y%m%d}.pdf",
                                               "PDF files (*.pdf)")
        return path

    def save_pdf(self) -> None:
        path = self.choose_pdf_path()
        if not path:
            return
        pdf = self.pdf_bytes()
        if pdf is None:
            return
        try:  # refused (not permitted) before anything is written; recorded once written
            with exporting(f"{self.document_words()} PDF", patient_id=self.prefill.patient_id), \
                    open(path, "wb") as f:
                f.write(pdf)
        except DomainError as exc:
            self.problem.setText(exc.message)
            self.problem.setVisible(True)
            return
        except OSError as exc:
            self.problem.setText(f"Could not save the PDF: {exc.strerror or exc}")
            self.problem.setVisible(True)
            return
        self.record()

    def record(self) -> StoredEstimate | None:
        """Store the estimate given (patients only; a reprint of the same inputs is not a new
        estimate)."""
        data = self.scenario()
        if (self.prefill.patient_id is None or self.current is None or isinstance(data, str)
                or self._is_reprint()):
            return None
        e = self.current.estimate
        t = e.totals
        draft = EstimateToStore(
            self.prefill.patient_id, self.form.prepared_by.text().strip(),
            "gfe" if e.request.payer_type.pays_own_way else "estimate", self.form.lang, data,
            EstimateTotalsDraft(t.allowed, t.insurance_pays, t.patient_pays), len(e.visits),
            e.request.plan.first_visit)
        try:
            stored = self._api.save(draft, self._now())
        except DomainError as exc:
            self.problem.setText(f"Printed, but not recorded: {exc.message}")
            self.problem.setVisible(True)
            return None
        self.stored.append(stored)
        self.saved_note.setText(f"Recorded with the patient: {stored.kind_label}, "
                                f"patient pays {money(stored.totals.patient_pays)}.")
        return stored

    @classmethod
    def ask(cls, parent: QWidget | None, api: EstimateApi, prefill: EstimatePrefill, *,
            today: Callable[[], date], now: Callable[[], datetime],
            reprint: StoredEstimate | None = None) -> list[StoredEstimate]:
        """Shows the dialog; returns the estimates it recorded."""
        dialog = cls(api, prefill, today=today, now=now, reprint=reprint, parent=parent)
        dialog.exec()
        return dialog.stored
