"""The base of ptdesk's form dialogs: Save/Cancel, a status line, errors shown under each field,
and the save round trip through the task runner, so every dialog saves the same way."""

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm, enter_pressed

BUSY_TRIES = 5  # automatic tries while another desk holds the database, then it is said


class SavingDialog(QDialog):
    """Buttons, a status line, and the save round trip through the task runner."""

    forms: tuple[FieldForm, ...] = ()
    _runner: TaskRunner
    # Error keys that show under another field's row (e.g. month and day of one date).
    error_aliases: ClassVar[dict[str, str]] = {}

    def _make_buttons(self) -> None:
        self.status = QLabel()
        self.status.setProperty("role", "error")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setToolTip("Save (Ctrl+S or Enter)")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self, form: FieldForm, *, intro: QWidget | None, min_width: int) -> None:
        """The standard arrangement: an intro line, the form, the status line, the buttons."""
        self.forms = (form,)
        self._make_buttons()
        layout = QVBoxLayout(self)
        if intro is not None:
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(min_width)

    def show_errors(self, errors: dict[str, str]) -> None:
        shown: dict[str, str] = {}
        for key, message in errors.items():
            alias = self.error_aliases.get(key, key)
            shown[alias] = f"{shown[alias]} {message}" if alias in shown else message
        known: set[str] = set()
        for form in self.forms:
            form.show_errors(shown)
            known.update(form.errors)
        self.status.setProperty("role", "error")
        self.status.setText(" ".join(m for k, m in shown.items() if k not in known))
        self.adjustSize()  # make room for the messages so none is clipped
        first = next((w for f in self.forms if (w := f.first_error_field(shown)) is not None), None)
        if first is not None:
            first.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)
        self.status.setText("Saving…" if busy else "")

    def submit_save(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run the save on the worker; `_saved` gets the result, `_failed` any error."""
        self._pending: tuple[Callable[..., Any], tuple[Any, ...]] = (fn, args)
        self._busy_tries = 0
        self._set_busy(True)
        self._runner.submit(fn, *args, on_done=self._saved, on_error=self._failed)

    def _try_again(self) -> None:
        fn, args = self._pending
        self._runner.submit(fn, *args, on_done=self._saved, on_error=self._failed)

    def _saved(self, result: Any) -> None:
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        if getattr(exc, "retryable", False) and self._busy_tries < BUSY_TRIES:
            # Another desk holds the database (each try waits up to its busy timeout): say so
            # within that time, keep the form as typed, and try the same save again.
            self._busy_tries += 1
            self.status.setText("Another desk is saving; trying again…")
            QTimer.singleShot(300, self._try_again)
            return
        self._set_busy(False)
        if isinstance(exc, ValidationErrors):
            self.show_errors(exc.errors)
        elif isinstance(exc, DomainError):
            # e.g. another desk is saving, the database is read-only: said next to the form,
            # which stays open with everything typed
            self.status.setText(exc.message)
        else:
            report_unexpected(type(exc), exc, exc.__traceback__, self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not enter_pressed(self, event, self.save_button):
            super().keyPressEvent(event)

    def _save_clicked(self) -> None:
        raise NotImplementedError
