"""A form layout where every field has a label (its buddy, with a mnemonic) and an error line
under it, so validation messages appear next to what they concern (docs/architecture.md §3.8).

A field's key is the draft attribute it edits and the key of the domain's `{field: message}`
check, so the form reads and writes a draft by key (`values`, `load`) and collects what was
typed but cannot be read (`problems`) without a dialog listing its fields again."""

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

_UNREADABLE = object()  # a container row (several widgets): the dialog reads it itself


def read_value(widget: QWidget) -> Any:
    """What a field holds: typed fields (dates, money, counts) their parsed value, a choice its
    item data, a check box whether it is ticked, text fields their text."""
    if hasattr(widget, "set_value"):
        return widget.value()  # type: ignore[attr-defined]
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QSpinBox):
        return widget.value()
    return _UNREADABLE


def write_value(widget: QWidget, value: Any) -> None:
    """The reverse of `read_value`; a choice not in the list selects the first item."""
    if hasattr(widget, "set_value"):
        widget.set_value(value)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(bool(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value)
    elif isinstance(widget, QLineEdit):
        widget.setText(value)
    elif isinstance(widget, QSpinBox):
        widget.setValue(value)


def _change_signals(widget: QWidget) -> list[Any]:
    """What tells that a person changed the field (a container row: its choices' toggles)."""
    if isinstance(widget, QLineEdit):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged]
    if isinstance(widget, QAbstractButton):
        return [widget.toggled]
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QSpinBox):
        return [widget.valueChanged]
    return [b.toggled for b in widget.findChildren(QAbstractButton)]


def choice_box(items: Iterable[tuple[str, Any]]) -> QComboBox:
    """A drop-down of (words, value) items; `read_value` gives the chosen value."""
    box = QComboBox()
    for words, value in items:
        box.addItem(words, value)
    return box


def spin_box(low: int, high: int, *, value: int | None = None, suffix: str = "",
             name: str = "") -> QSpinBox:
    """A whole-number box from `low` to `high` (its words after the number in `suffix`; `name`
    for a screen reader when the row's label does not say it all)."""
    box = QSpinBox()
    box.setRange(low, high)
    if value is not None:
        box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    if name:
        box.setAccessibleName(name)
    return box


def text_box(height: int, placeholder: str = "") -> QPlainTextEdit:
    """A notes box of a fixed height in which Tab moves on (a form is filled with Tab)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    if placeholder:
        box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


class FieldForm(QFormLayout):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.setVerticalSpacing(6)
        self.setHorizontalSpacing(12)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}

    @classmethod
    def of(cls, *rows: tuple[str, str, QWidget] | tuple[str, str, QWidget, str]) -> "FieldForm":
        """A form declared as its rows: (key, "&Label", widget[, hint]), in Tab order."""
        form = cls()
        for row in rows:
            form.add_field(*row)
        return form

    def add_field(
        self, key: str, label: str, widget: QWidget, hint: str = "", *, note: bool = False
    ) -> QWidget:
        """Add `widget` under `label` ("&Last name" gives Alt+L); errors for `key` show under it.
        `note`: a line of small print under the field too (`notes[key]`, e.g. a source)."""
        caption = QLabel(label)
        caption.setBuddy(widget)
        plain = label.replace("&", "")
        widget.setAccessibleName(plain)
        if hint:
            widget.setAccessibleDescription(hint)
            if not widget.toolTip():
                widget.setToolTip(hint)
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.setObjectName(f"error_{key}")
        self.addRow(caption, widget)
        # The message gets a row of its own under the field (a nested layout would clip it).
        self.addRow(QLabel(), error)
        self.setRowVisible(error, False)
        if note:
            small = QLabel()
            small.setProperty("role", "hint")
            small.setWordWrap(True)
            small.setObjectName(f"note_{key}")
            self.addRow(QLabel(), small)
            self.notes[key] = small
        self.fields[key] = widget
        self.errors[key] = error
        self.labels[key] = caption
        for signal in _change_signals(widget):
            signal.connect(lambda *_a, k=key: self.clear_error(k))
        return widget

    def clear_error(self, key: str) -> None:
        """The field was changed: its message (about what it held) goes until the next check."""
        label = self.errors[key]
        if label.text():
            label.setText("")
            self.setRowVisible(label, False)
            self.fields[key].setAccessibleDescription("")

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Show each message under its field; returns the keys it had no field for."""
        unknown = [k for k in errors if k not in self.errors]
        for key, label in self.errors.items():
            message = errors.get(key, "")
            label.setText(message)
            self.setRowVisible(label, bool(message))
            self.fields[key].setAccessibleDescription(message)
        return unknown

    def values(self) -> dict[str, Any]:
        """Every readable field's value by key (see `read_value`)."""
        read = {key: read_value(w) for key, w in self.fields.items()}
        return {key: v for key, v in read.items() if v is not _UNREADABLE}

    def load(self, draft: object, **shown: Any) -> None:
        """Show a draft: each field whose key is an attribute of `draft` gets its value, or
        the value given here by key when the field shows it otherwise (codes as text)."""
        for key, widget in self.fields.items():
            if key in shown:
                write_value(widget, shown[key])
            elif hasattr(draft, key):
                write_value(widget, getattr(draft, key))

    def problems(self) -> dict[str, str]:
        """Typed fields holding what is not a date or number (their own message), by key."""
        found: dict[str, str] = {}
        for key, widget in self.fields.items():
            problem = widget.problem() if hasattr(widget, "problem") else None
            if problem:
                found[key] = problem
        return found

    def first_error_field(self, errors: dict[str, str]) -> QWidget | None:
        for key, widget in self.fields.items():  # in the order the fields were added
            if key in errors:
                return widget
        return None


def enter_pressed(dialog: QWidget, event: QKeyEvent, save: QAbstractButton) -> bool:
    """Enter in a form: presses the focused button, else saves. (QDialog's own default-button
    handling loses track of the default once a button box has had focus.)"""
    if event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return False
    if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
        return False
    focus = dialog.focusWidget()
    target = focus if isinstance(focus, QAbstractButton) else save
    if target.isEnabled():
        target.click()
    return True
