"""The therapist's session form: minutes per CPT code in, billable units and modifiers out, live.

Every edit re-runs the billing engine on the GUI thread: the preview is pure over the rule set
the service loaded once and takes well under a millisecond for a visit (`last_preview_ms`), far
below the ~5 ms budget for a keystroke, so no round trip through the task runner is needed.
Saving completes the visit through the runner; the form refuses to save, saying what to fix,
while any line is not valid, and never clears what was typed.

Keyboard: Tab moves through the cells that take input, Enter adds a row, Delete removes the
selected row, Ctrl+Enter saves, Esc cancels (asking first when something was typed).
"""

import time as _time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.services.visits.dtos import VisitView
from ptdesk.services.visits.history import SessionOverride
from ptdesk.services.visits.session_dtos import (
    SessionBillingApi,
    SessionContext,
    SessionPreview,
    VisitsApi,
)
from ptdesk.ui.session.session_facts import REEVALUATION, VisitFacts
from ptdesk.ui.session.session_lines_model import COL_CODE, SessionLinesModel
from ptdesk.ui.session.session_panels import PreviewPanels
from ptdesk.ui.session.session_saving import SessionSaving
from ptdesk.ui.session.session_table import lines_table
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import format_date


class SessionForm(SessionSaving, PreviewPanels):
    """The form: its header, the lines table (session_table), what the preview shows beside
    them (session_panels) and the save/override flow (session_saving)."""

    def __init__(
        self,
        billing: SessionBillingApi,
        visits: VisitsApi,
        runner: TaskRunner,
        context: SessionContext,
        parent: QWidget | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        # The desk's aware clock (app.clock.local_now), for the override's and correction's time.
        self._now = now or (lambda: datetime.now().astimezone())
        self._billing = billing
        self._visits = visits
        self._runner = runner
        self._context = context
        self._tie_preference: tuple[str, ...] = ()
        self._dirty = False
        self._saving = False
        self.preview: SessionPreview | None = None
        self.saved: VisitView | None = None
        # The engine's errors a person let through, with the rules they were given for.
        self.override: SessionOverride | None = None
        self.last_preview_ms = 0.0
        codes = billing.codes()
        self.model = SessionLinesModel(codes, self)
        self._build_ui([c.code for c in codes])
        self._connect()
        self.model.set_entries(context.rows)
        self._dirty = False
        self.message.hide()

    # ---- building -----------------------------------------------------------------------
    def _build_ui(self, codes: list[str]) -> None:
        c = self._context
        self.setWindowTitle(f"Record session — {c.patient_name}")
        self.setObjectName("sessionForm")
        title = QLabel(f"Session of {c.patient_name}")
        title.setProperty("role", "title")
        facts = [format_date(c.day), c.payer_name, f"units: {c.method_label}"]
        if c.provider_name:
            facts.append(c.provider_name)
        sub = QLabel("  ·  ".join(facts))
        sub.setProperty("role", "hint")
        context_lines = []
        a = c.authorization
        if a is not None:
            name = f"Authorization {a.number}" if a.number else "Authorization"
            visit = (f": visit {c.visit_number} of {a.authorized}"
                     if c.visit_number is not None else "")
            context_lines.append(f"{name}{visit}, {format_date(a.start)} – {format_date(a.end)}"
                                 + (f", codes {', '.join(sorted(a.codes))}" if a.codes else ""))
        if c.ytd_allowed_before is not None and c.payer_kind is PayerKind.MEDICARE:
            context_lines.append(f"PT+SLP allowed this year before this visit: "
                                 f"${c.ytd_allowed_before:,.2f}")
        self.context_label = QLabel("   ·   ".join(context_lines))
        self.context_label.setProperty("role", "hint")
        self.context_label.setVisible(bool(context_lines))

        self.table, self.delegate = lines_table(self.model, codes)

        self.add_button = QPushButton("Add row")
        self.add_button.setToolTip("Add a row for another code (Enter)")
        self.remove_button = QPushButton("Remove row")
        self.remove_button.setToolTip("Remove the selected row (Delete)")
        rows_bar = QHBoxLayout()
        rows_bar.addWidget(self.add_button)
        rows_bar.addWidget(self.remove_button)
        rows_bar.addStretch(1)

        why_title, right = self._build_panels()

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.table, 1)
        left.addLayout(rows_bar)
        left.addWidget(self.totals)
        left.addWidget(self.other_method)
        left.addWidget(self.tie_box)
        left.addWidget(why_title)
        left.addWidget(self.explanation)
        self.facts = VisitFacts(self._billing, c.day, c.diagnoses, c.reeval_reason,
                                c.status is VisitStatus.COMPLETED)
        left.addWidget(self.facts)

        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 3)

        self.message = QLabel()
        self.message.setObjectName("sessionMessage")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.override_button = QPushButton("&Override…")
        self.override_button.setToolTip("Complete the visit over the errors, with a reason "
                                        "(Ctrl+Shift+O)")
        self.override_button.hide()
        self.save_button = QPushButton("Complete visit")
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip("Save the lines and complete the visit (Ctrl+Enter)")
        for b in (self.add_button, self.remove_button, self.cancel_button, self.save_button,
                  self.override_button):
            b.setAutoDefault(False)
            b.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.override_button)
        buttons.addWidget(self.save_button)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.addWidget(title)
        outer.addWidget(sub)
        outer.addWidget(self.context_label)
        outer.addLayout(body, 1)
        outer.addLayout(buttons)
        self.setTabOrder(self.table, self.add_button)
        self.setTabOrder(self.add_button, self.remove_button)
        self.setTabOrder(self.remove_button, self.tie_combo)
        self.setTabOrder(self.tie_combo, self.cancel_button)
        self.setTabOrder(self.cancel_button, self.save_button)
        self.resize(1200, 680)

    def _connect(self) -> None:
        self.model.sig_edited.connect(self._edited)
        self.table.sig_enter.connect(self.add_row)
        self.delegate.sig_enter.connect(self.add_row)
        self.table.sig_delete.connect(self.remove_current_row)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_current_row)
        self.tie_combo.activated.connect(self._tie_chosen)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.override_button.clicked.connect(self.override_errors)
        QShortcut(QKeySequence("Ctrl+Shift+O"), self).activated.connect(self.override_errors)
        self.facts.sig_changed.connect(self._edited)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)

    def focus_first_cell(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        row = max(0, self.model.rowCount() - 1)
        first_blank = next((i for i, e in enumerate(self.model.entries()) if e.blank), None)
        if first_blank is not None:
            row = self.model.row_of_entry(first_blank)
        self.go_to(row, COL_CODE)

    def go_to(self, row: int, column: int) -> None:
        """Make a cell current, with its editor open when it takes input."""
        index = self.model.index(row, column)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(index)
        if (self.table.state() != QAbstractItemView.State.EditingState
                and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable):
            self.table.edit(index)

    # ---- editing ------------------------------------------------------------------------
    def _edited(self) -> None:
        self._dirty = True
        self.recompute()

    def recompute(self) -> None:
        start = _time.perf_counter()
        rows = self.model.parsed_rows()
        reeval = any(r is not None and r.code.strip().upper() == REEVALUATION for r in rows)
        self.facts.show_reeval(reeval)
        preview = self._billing.preview(self._context, rows, self._tie_preference,
                                        self.facts.reeval_reason() if reeval else None)
        self.last_preview_ms = (_time.perf_counter() - start) * 1000
        self.preview = preview
        self.model.set_preview(preview)
        self._show_preview(preview)
        if self.message.isVisible() and not self.model.problems():
            self.message.hide()

    def add_row(self) -> None:
        entries = self.model.entries()
        if entries and entries[-1].blank:
            row = self.model.row_of_entry(len(entries) - 1)
        else:
            row = self.model.add_entry()
        self.go_to(row, COL_CODE)

    def remove_current_row(self) -> None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return
        entry = self.model.entry_of_row(idx.row())
        self.model.remove_entry(entry)
        row = self.model.row_of_entry(min(entry, len(self.model.entries()) - 1))
        self.table.setCurrentIndex(self.model.index(row, COL_CODE))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- opening -----------------------------------------------------------------------------
    @classmethod
    def ask(cls, billing: SessionBillingApi, visits: VisitsApi, runner: TaskRunner,
            context: SessionContext, parent: QWidget | None = None,
            now: Callable[[], datetime] | None = None) -> VisitView | None:
        form = cls(billing, visits, runner, context, parent, now)
        form.focus_first_cell()
        form.exec()
        return form.saved


