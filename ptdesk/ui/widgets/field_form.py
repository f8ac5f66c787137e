"""A form layout where every field has a label (its buddy, with a mnemonic) and an error line
under it, so validation messages appear next to what they concern (docs/architecture.md §3.8)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QFormLayout, QLabel, QWidget


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
        return widget

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Show each message under its field; returns the keys it had no field for."""
        unknown = [k for k in errors if k not in self.errors]
        for key, label in self.errors.items():
            message = errors.get(key, "")
            label.setText(message)
            self.setRowVisible(label, bool(message))
            self.fields[key].setAccessibleDescription(message)
        return unknown

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
