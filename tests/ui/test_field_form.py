"""A field's message stays until the field is changed, then goes (until the next check)."""

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from ptdesk.ui.widgets.date_field import DateField
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, spin_box, text_box


def test_a_changed_field_loses_its_message_and_only_its_own(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    name, kind, notes, count, when = (QLineEdit(), choice_box([("A", "a"), ("B", "b")]),
                                      text_box(40), spin_box(0, 9),
                                      DateField(date(2026, 12, 1)))
    form = FieldForm.of(("name", "&Name", name), ("kind", "&Kind", kind),
                        ("notes", "N&otes", notes), ("count", "&Count", count),
                        ("when", "&When", when))
    host.setLayout(form)
    every = {k: f"{k} is wrong" for k in form.fields}
    edits: list[tuple[str, QWidget]] = [("name", name), ("kind", kind), ("notes", notes),
                                        ("count", count), ("when", when)]
    for key, widget in edits:
        form.show_errors(every)
        assert all(form.errors[k].text() for k in form.fields)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(1 - widget.currentIndex())
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText("changed")
        elif isinstance(widget, QSpinBox):
            widget.setValue(widget.value() + 1)
        elif isinstance(widget, QLineEdit):
            widget.setText(widget.text() + "x")
        assert form.errors[key].text() == "", key
        assert not form.isRowVisible(form.errors[key])
        assert all(form.errors[k].text() for k in form.fields if k != key)
