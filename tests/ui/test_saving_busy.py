"""A form whose save meets a busy database says so in words at once, keeps what was typed and
tries the same save again by itself; after a few tries it says what to do (dialog still open)."""

from typing import Any

from pytestqt.qtbot import QtBot

from ptdesk.storage.concurrency import DatabaseBusy, DatabaseReadOnly
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.saving_dialog import BUSY_TRIES, SavingDialog


class _Form(SavingDialog):
    def __init__(self) -> None:
        super().__init__()
        self._runner = TaskRunner(self)
        self._lay_out(FieldForm(), intro=None, min_width=300)
        self.result: Any = None

    def _saved(self, result: Any) -> None:
        self.result = result


class _Flaky:
    def __init__(self, failures: int, exc: Exception) -> None:
        self.calls, self.failures, self.exc = 0, failures, exc

    def __call__(self, value: str) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc
        return value


def test_busy_database_is_said_and_tried_again(qtbot: QtBot) -> None:
    dlg = _Form()
    qtbot.addWidget(dlg)
    dlg.show()
    save = _Flaky(2, DatabaseBusy())
    dlg.submit_save(save, "typed")
    qtbot.waitUntil(lambda: "Another desk is saving; trying again" in dlg.status.text(),
                    timeout=5000)
    qtbot.waitUntil(lambda: dlg.result == "typed", timeout=5000)
    assert save.calls == 3


def test_still_busy_after_the_tries_is_said_and_nothing_is_lost(qtbot: QtBot) -> None:
    dlg = _Form()
    qtbot.addWidget(dlg)
    dlg.show()
    save = _Flaky(BUSY_TRIES + 1, DatabaseBusy())
    dlg.submit_save(save, "typed")
    qtbot.waitUntil(lambda: "press Save again" in dlg.status.text(), timeout=10000)
    assert dlg.isVisible()
    assert dlg.save_button.isEnabled()
    assert dlg.result is None


def test_read_only_database_is_said_next_to_the_form(qtbot: QtBot) -> None:
    dlg = _Form()
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.submit_save(_Flaky(1, DatabaseReadOnly()), "typed")
    qtbot.waitUntil(lambda: "read-only" in dlg.status.text(), timeout=5000)
    assert dlg.isVisible()
