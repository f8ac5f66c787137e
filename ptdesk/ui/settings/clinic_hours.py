"""Settings > Clinic hours (issue 10 #2): when the clinic opens and closes and how long a slot
is, for the Today page's week view. A small tab of its own, so the clinic-details tab is not
touched."""

from datetime import time
from typing import Protocol

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.domain.week_grid import ClinicHours
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.permission_guard import guard

SLOTS = (10, 15, 20, 30, 45, 60)


class ClinicHoursApi(Protocol):
    def hours(self) -> ClinicHours: ...

    def save_hours(self, hours: ClinicHours) -> ClinicHours: ...


def _qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute)


class ClinicHoursSection(QWidget):
    def __init__(self, api: ClinicHoursApi, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api, self._runner = api, runner
        self.opens = QTimeEdit()
        self.closes = QTimeEdit()
        for edit in (self.opens, self.closes):
            edit.setDisplayFormat("h:mm AP")
        self.slot = QComboBox()
        for n in SLOTS:
            self.slot.addItem(f"{n} minutes", n)
        self.form = FieldForm()
        self.form.add_field("opens", "&Opens", self.opens)
        self.form.add_field("closes", "&Closes", self.closes,
                            "The last slot starts one slot before closing")
        self.form.add_field("slot_minutes", "&Slot length", self.slot)
        self.save_button = QPushButton("&Save hours")
        guard(self.save_button, Permission.EDIT_CLINIC)
        self.status = QLabel()
        intro = QLabel("The rows of the week view on the Today page (Ctrl+Shift+W).")
        intro.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.status, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(self.form)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self._runner.submit(self._api.hours, on_done=self._show, on_error=self._failed)

    def _show(self, h: ClinicHours) -> None:
        self.opens.setTime(_qtime(h.opens))
        self.closes.setTime(_qtime(h.closes))
        self.slot.setCurrentIndex(max(0, self.slot.findData(h.slot_minutes)))

    def save(self) -> None:
        o, c = self.opens.time(), self.closes.time()
        try:
            hours = ClinicHours(time(o.hour(), o.minute()), time(c.hour(), c.minute()),
                                int(self.slot.currentData()))
        except ValidationErrors as e:
            self.form.show_errors(e.errors)
            return
        self.form.show_errors({})
        self.status.setText("Saving…")
        self._runner.submit(self._api.save_hours, hours, on_done=self._saved,
                            on_error=self._failed)

    def _saved(self, h: ClinicHours) -> None:
        self._show(h)
        self.status.setText("Saved.")

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        report_unexpected(type(exc), exc, exc.__traceback__, self)
