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
from html import escape

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.words import plural
from ptdesk.services.visits.dtos import VisitView
from ptdesk.services.visits.history import Correction, SessionOverride
from ptdesk.services.visits.session_dtos import (
    SessionBillingApi,
    SessionContext,
    SessionPreview,
    VisitsApi,
)
from ptdesk.ui.session.session_facts import REEVALUATION, VisitFacts
from ptdesk.ui.session.session_lines_model import (
    COL_ASSIST,
    COL_CODE,
    COL_DESC,
    COL_MINUTES,
    COL_MODS,
    COL_UNITS,
    SessionLinesModel,
)
from ptdesk.ui.session.session_override import SessionOverrideDialog, blocking, errors_words
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import ACCENT, BORDER, MUTED, ROW_HEIGHT, SURFACE
from ptdesk.ui.widgets.date_field import format_date

_Index = QModelIndex | QPersistentModelIndex
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _plain_enter(event: QKeyEvent) -> bool:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in _ENTER and mods == Qt.KeyboardModifier.NoModifier


class LineDelegate(QStyledItemDelegate):
    """Line edits for the typed cells (a code completer on the code column); Enter inside an
    editor commits the cell and asks for a new row."""

    sig_enter = Signal()

    def __init__(self, codes: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._codes = QStringListModel(codes, self)
        self.editor: QWidget | None = None

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        if index.column() == COL_CODE:
            completer = QCompleter(self._codes, editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            editor.setCompleter(completer)
            editor.setMaxLength(10)
        else:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            editor.setMaxLength(6)
        self.editor = editor
        editor.destroyed.connect(self._forget)
        return editor

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def _forget(self) -> None:
        self.editor = None

    def commit_open_editor(self) -> None:
        """Write the cell being edited to the model (before saving)."""
        editor = self.editor
        if editor is not None and editor.isVisible():
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and _plain_enter(event) and isinstance(watched, QLineEdit)):
            popup = watched.completer().popup() if watched.completer() else None
            if popup is not None and popup.isVisible():
                return super().eventFilter(watched, event)
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
            self.sig_enter.emit()
            return True
        return super().eventFilter(watched, event)


class SessionTable(QTableView):
    """Tab and Shift+Tab visit only the cells that take input; Enter and Delete are row keys."""

    sig_enter = Signal()
    sig_delete = Signal()

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        nxt = QAbstractItemView.CursorAction.MoveNext
        prev = QAbstractItemView.CursorAction.MovePrevious
        if action not in (nxt, prev):
            return super().moveCursor(action, modifiers)
        model = self.model()
        cols, rows = model.columnCount(), model.rowCount()
        cur = self.currentIndex()
        pos = cur.row() * cols + cur.column() if cur.isValid() else -1
        step = 1 if action == nxt else -1
        pos += step
        while 0 <= pos < rows * cols:
            idx = model.index(pos // cols, pos % cols)
            if model.flags(idx) & Qt.ItemFlag.ItemIsEditable:
                return idx
            pos += step
        return QModelIndex()  # leave the table (focus moves to the next widget)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if _plain_enter(event):
                self.sig_enter.emit()
                return
            if event.key() == Qt.Key.Key_Delete and not event.modifiers():
                self.sig_delete.emit()
                return
        super().keyPressEvent(event)


class SessionForm(QDialog):
    sig_saved = Signal(object)  # VisitView

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

        self.table = SessionTable()
        self.table.setObjectName("sessionLines")
        self.table.setAccessibleName("Service lines")
        self.table.setModel(self.model)
        self.delegate = LineDelegate(codes, self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.CurrentChanged | triggers.DoubleClicked
                                   | triggers.EditKeyPressed | triggers.AnyKeyPressed)
        self.table.setTabKeyNavigation(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setStyleSheet(f"QTableView#sessionLines {{ border: 1px solid {BORDER}; }}")
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT + 2)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_CODE, 80), (COL_MINUTES, 72), (COL_ASSIST, 104),
                           (COL_UNITS, 52), (COL_MODS, 100)):
            self.table.setColumnWidth(col, width)

        self.add_button = QPushButton("Add row")
        self.add_button.setToolTip("Add a row for another code (Enter)")
        self.remove_button = QPushButton("Remove row")
        self.remove_button.setToolTip("Remove the selected row (Delete)")
        rows_bar = QHBoxLayout()
        rows_bar.addWidget(self.add_button)
        rows_bar.addWidget(self.remove_button)
        rows_bar.addStretch(1)

        self.totals = QLabel()
        self.totals.setObjectName("sessionTotals")
        self.totals.setAccessibleName("Totals")
        self.totals.setStyleSheet("font-size: 12pt;")
        self.other_method = QLabel()
        self.other_method.setProperty("role", "hint")

        self.tie_box = QFrame()
        self.tie_box.setObjectName("tieBox")
        self.tie_box.setStyleSheet(
            f"QFrame#tieBox {{ background: {SURFACE}; border: 1px solid {BORDER};"
            f" border-left: 4px solid {ACCENT}; border-radius: 3px; }}")
        self.tie_label = QLabel()
        self.tie_label.setWordWrap(True)
        self.tie_combo = QComboBox()
        self.tie_combo.setAccessibleName("Code that gets the extra unit")
        tie_prompt = QLabel("E&xtra unit to:")
        tie_prompt.setBuddy(self.tie_combo)
        tie_layout = QHBoxLayout(self.tie_box)
        tie_layout.setContentsMargins(10, 6, 10, 6)
        tie_layout.addWidget(self.tie_label, 1)
        tie_layout.addWidget(tie_prompt)
        tie_layout.addWidget(self.tie_combo)
        self.tie_box.hide()

        why_title = QLabel("Why these units?")
        why_title.setStyleSheet("font-weight: 600;")
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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

        findings_title = QLabel("Findings")
        findings_title.setStyleSheet("font-weight: 600;")
        self.findings_view = QTextBrowser()
        self.findings_view.setObjectName("findings")
        self.findings_view.setAccessibleName("Findings, with why")
        self.findings_view.setOpenLinks(False)
        self.findings_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        right = QVBoxLayout()
        right.addWidget(findings_title)
        right.addWidget(self.findings_view, 1)

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

    def _tie_chosen(self, i: int) -> None:
        code = self.tie_combo.itemData(i)
        if isinstance(code, str) and (not self.preview or self.preview.tie_winners[:1] != (code,)):
            self._tie_preference = (code,)
            self._dirty = True
            self.recompute()

    def choose_extra_unit(self, code: str) -> None:
        """What picking `code` in the "Extra unit to" list does (for the keyboard and tests)."""
        i = self.tie_combo.findData(code)
        if i >= 0:
            self.tie_combo.setCurrentIndex(i)
            self._tie_chosen(i)

    # ---- showing the preview --------------------------------------------------------------
    def _show_preview(self, p: SessionPreview) -> None:
        self.totals.setText(
            f"Total timed minutes: <b>{p.total_timed_minutes}</b>"
            f"&nbsp;&nbsp;&nbsp;&nbsp;Total units: <b>{p.total_units}</b>")
        if p.other_differs and p.lines:
            self.other_method.setText(f"{p.other_method_label} would give "
                                      f"{p.other_method_units} timed units.")
            self.other_method.show()
        else:
            self.other_method.hide()
        self.explanation.setText(p.explanation if p.lines else "Enter minutes for each code.")
        if p.ties:
            self.tie_label.setText(
                f"{' and '.join(p.ties)} have equal remaining minutes. CMS lets the therapist "
                "choose which gets the extra unit.")
            self.tie_combo.blockSignals(True)
            self.tie_combo.clear()
            for code in p.ties:
                self.tie_combo.addItem(code, code)
            self.tie_combo.setCurrentIndex(max(0, self.tie_combo.findData(p.tie_winners[0])
                                               if p.tie_winners else 0))
            self.tie_combo.blockSignals(False)
            self.tie_box.show()
        else:
            self.tie_box.hide()
        self.findings_view.setHtml(findings_html(p))

    # ---- saving and leaving -----------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        self.delegate.commit_open_editor()
        problems = self.model.problems()
        if not self.model.has_content():
            self._refuse(["Enter at least one code and its minutes."], None)
            return
        if problems:
            self._refuse([m for _r, _c, m in problems], (problems[0][0], problems[0][1]))
            return
        facts = self.facts.problems()
        if facts:
            self._refuse(facts, None)
            return
        assert self.preview is not None
        errors = blocking(self.preview.findings)
        rules = tuple(sorted({f.rule for f in errors}))
        if errors and (self.override is None or self.override.rules != rules):
            # Errors block; warnings never do. An override counts for the errors it was given for.
            self.override = None
            self.override_button.show()
            n = len(errors)
            self._refuse([f"{plural(n, 'error')} would have the claim denied: "
                          f"{errors_words(errors)} Correct the lines, or Override… "
                          "(Ctrl+Shift+O) with a reason."], None)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        c = self.facts
        correction = (Correction(c.by.text(), c.why.text(), self._now()) if c.correcting
                      else None)
        self._runner.submit(lambda: self._visits.complete(
            self._context.visit_id, self.preview.drafts() if self.preview else [],
            diagnoses=c.typed(), reeval_reason=c.reeval_reason() if c.reeval.isVisible() else "",
            override=self.override if errors else None, correction=correction),
            on_done=self._saved, on_error=self._save_failed)

    def override_errors(self) -> None:
        """Ask for the reason to complete over the engine's errors, then complete."""
        if self.preview is None or self._saving:
            return
        errors = blocking(self.preview.findings)
        if not errors:
            self.override_button.hide()
            return
        draft = SessionOverrideDialog.ask(self, errors, self.facts.by.text())
        if draft is None:
            return
        self.override = SessionOverride(draft, self._now(),
                                        tuple(sorted({f.rule for f in errors})),
                                        errors_words(errors))
        self.save()

    def _refuse(self, messages: list[str], cell: tuple[int, int] | None) -> None:
        shown = messages[:4] + ([f"… and {len(messages) - 4} more."] if len(messages) > 4 else [])
        self.message.setText("Not saved: " + " ".join(shown))
        self.message.show()
        if cell is not None:
            self.go_to(*cell)

    def _saved(self, view: VisitView) -> None:
        self._saving = False
        self.saved = view
        self._dirty = False
        self.sig_saved.emit(view)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self._refuse([exc.message], None)
            return
        self._refuse([f"The visit could not be saved ({type(exc).__name__}). Nothing typed "
                      "was lost; try again."], None)

    @property
    def dirty(self) -> bool:
        return self._dirty

    @staticmethod
    def confirm_discard(parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent, "Discard this session?",
            "The minutes you typed are not saved. Close the form and discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        if self._saving:
            return
        if self._dirty and self.model.has_content() and not self.confirm_discard(self):
            return
        super().reject()

    @classmethod
    def ask(cls, billing: SessionBillingApi, visits: VisitsApi, runner: TaskRunner,
            context: SessionContext, parent: QWidget | None = None,
            now: Callable[[], datetime] | None = None) -> VisitView | None:
        form = cls(billing, visits, runner, context, parent, now)
        form.focus_first_cell()
        form.exec()
        return form.saved


def findings_html(p: SessionPreview) -> str:
    if not p.lines:
        return f"<p style='color:{MUTED}'>Findings appear here as you type.</p>"
    if not p.findings:
        return (f"<p><b>✓ No findings.</b></p><p style='color:{MUTED}'>Units, modifiers, "
                "per-day limits, code pairs and the authorization were checked.</p>")
    parts = []
    for f in sorted(p.findings, key=lambda f: (not f.is_error, f.row if f.row is not None else -1)):
        mark = ("<span style='color:#9f1d20'>⬣ Error</span>" if f.is_error
                else "<span style='color:#7a5200'>▲ Warning</span>")
        line = f" · line {f.row + 1}" if f.row is not None else ""
        code = f" · {escape(f.code)}" if f.code else ""
        version = f" · table {escape(f.table_version)}" if f.table_version else ""
        parts.append(
            f"<p style='margin-bottom:2px'><b>{mark}</b>{code}{line}<br>{escape(f.message)}</p>"
            f"<p style='color:{MUTED}; margin-top:0'>Why: {escape(f.source)}{version} "
            f"(rule {escape(f.rule)})</p>")
    return "".join(parts)

