"""The base of ptdesk's form dialogs: Save/Cancel, a status line, errors shown under each field,
and the save round trip through the task runner, so every dialog saves the same way.

A dialog is its fields (`FieldForm` rows laid out by `_lay_out`), its validation (`errors()`:
the domain's `{field: message}` check plus `problems()`, what was typed but cannot be read)
and its save call (`save()`: `self.submit_save(service.method, ...)`). Save checks, shows every
message under its field and, when there is none, saves; the result lands in `result_value` and
the dialog closes (`ask` opens one and returns it; docs/architecture.md §3)."""

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm, enter_pressed

BUSY_TRIES = 5  # automatic tries while another desk holds the database, then it is said
T = TypeVar("T")


class SavingDialog(QDialog, Generic[T]):
    """Buttons, a status line, and the save round trip through the task runner."""

    forms: tuple[FieldForm, ...] = ()
    result_value: T | None = None  # what the save returned; None while not saved
    _runner: TaskRunner
    # Error keys that show under another field's row (e.g. month and day of one date).
    error_aliases: ClassVar[dict[str, str]] = {}

    def __init__(self, parent: QWidget | None = None, *, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        if runner is not None:  # (a subclass may have set it before calling this)
            self._runner = runner

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

    def _lay_out(self, *forms: FieldForm, intro: QWidget | str | None = None, min_width: int,
                 side_by_side: int = 0, above_status: tuple[QWidget, ...] = ()) -> None:
        """The standard arrangement: an intro line, the forms (the first `side_by_side` of them
        in columns of equal width), what the dialog shows above the status line (a warning),
        the status line, the buttons. The order is also the Tab order. An intro given as
        words is a wrapped line."""
        self.forms = forms
        self._make_buttons()
        layout = QVBoxLayout(self)
        if isinstance(intro, str):
            intro = QLabel(intro)
            intro.setWordWrap(True)
        if intro is not None:
            layout.addWidget(intro)
        if side_by_side:
            columns = QGridLayout()
            columns.setHorizontalSpacing(24)
            for i, form in enumerate(forms[:side_by_side]):
                columns.addLayout(form, 0, i)
                columns.setColumnStretch(i, 1)
            layout.addLayout(columns)
        for form in forms[side_by_side:]:
            layout.addLayout(form)
        for widget in above_status:
            layout.addWidget(widget)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(min_width)
        # The layout's own minimum too: a dialog that sizes to its layout (SetMinimumSize, for
        # wrapped sentences) would otherwise replace the width asked for above with its own.
        m = layout.contentsMargins()
        layout.addStrut(min_width - m.left() - m.right())

    # ---- what each dialog declares -------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """What was typed in the forms' date and number fields but is not one."""
        return {k: m for form in self.forms for k, m in form.problems().items()}

    def errors(self) -> dict[str, str]:
        """The dialog's validation, `{field key: message}`; by default unreadable input only."""
        return self.problems()

    def save(self) -> None:
        """The save call, once `errors()` found nothing: `self.submit_save(fn, *args)`."""
        raise NotImplementedError

    @classmethod
    def ask(cls, parent: QWidget | None, *args: Any, **kwargs: Any) -> T | None:
        """Open the dialog (built from `args`, `kwargs`) and wait: what was saved, or None."""
        build: Callable[..., SavingDialog[T]] = cls  # each dialog's own parameters
        dialog = build(*args, parent=parent, **kwargs)
        dialog.exec()
        return dialog.result_value

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

    def _set_busy(self, busy: bool, message: str = "Saving…") -> None:
        self.save_button.setEnabled(not busy)
        # "Saving…" is news, not a problem: small print while busy, the error colour after.
        self.status.setProperty("role", "hint" if busy else "error")
        self.status.style().polish(self.status)
        self.status.setText(message if busy else "")

    def submit_save(self, fn: Callable[..., Any], *args: Any,
                    on_done: Callable[[Any], None] | None = None,
                    busy: str = "Saving…") -> None:
        """Run `fn(*args)` on the worker, saying `busy` meanwhile; `on_done` (by default
        `_saved`) gets the result, `_failed` any error (a busy database is tried again)."""
        self._pending: tuple[Callable[..., Any], tuple[Any, ...], Callable[[Any], None]] = (
            fn, args, on_done or self._saved)
        self._busy_tries = 0
        self._set_busy(True, busy)
        self._try_again()

    def _try_again(self) -> None:
        fn, args, on_done = self._pending
        self._runner.submit(fn, *args, on_done=on_done, on_error=self._failed)

    def _saved(self, result: T) -> None:
        self._set_busy(False)
        self.result_value = result
        self.accept()

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
        errors = self.errors()
        self.show_errors(errors)
        if not errors:
            self.save()
