"""Completing the visit from the session form: refused, saying what to fix, while a line is
not valid; the engine's errors block until they are corrected or overridden with a reason;
leaving asks first when something typed would be lost."""

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton, QWidget

from ptdesk.domain.errors import DomainError
from ptdesk.domain.words import plural
from ptdesk.services.visits.dtos import VisitView
from ptdesk.services.visits.history import Correction, SessionOverride
from ptdesk.services.visits.session_dtos import SessionContext, SessionPreview, VisitsApi
from ptdesk.ui.session.session_facts import VisitFacts
from ptdesk.ui.session.session_lines_model import SessionLinesModel
from ptdesk.ui.session.session_override import SessionOverrideDialog, blocking, errors_words
from ptdesk.ui.session.session_table import LineDelegate
from ptdesk.ui.tasks import TaskRunner


class SessionSaving(QDialog):
    """The save, override and leave flow of the session form."""

    sig_saved = Signal(object)  # VisitView

    _now: Callable[[], datetime]
    _visits: VisitsApi
    _runner: TaskRunner
    _context: SessionContext
    _dirty: bool
    _saving: bool
    preview: SessionPreview | None
    saved: VisitView | None
    override: SessionOverride | None
    model: SessionLinesModel
    delegate: LineDelegate
    facts: VisitFacts
    message: QLabel
    save_button: QPushButton
    override_button: QPushButton

    def go_to(self, row: int, column: int) -> None:
        raise NotImplementedError

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

