"""Unexpected errors: logged with their traceback, shown to the person as a calm dialog.

Messages from the domain (DomainError) are meant for the desk and are shown as they are.
Anything else gets a general sentence; its details go only to the log file, which never holds
patient names, dates of birth or member ids (SQL parameters are hidden by the engine).
"""

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ptdesk.domain.errors import DomainError

log = logging.getLogger("ptdesk.unexpected")

_showing = False


def user_message(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    return (
        "Something went wrong and ptdesk could not finish what you asked. Nothing that was "
        "already saved has been lost. Please try again; if it keeps happening, tell your "
        "administrator and mention the time, so they can find the details in ptdesk's log."
    )


def report_unexpected(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    global _showing
    if not isinstance(exc, DomainError):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None or _showing:
        return
    _showing = True  # one dialog at a time, even if errors cascade
    try:
        box = QMessageBox(parent or QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("ptdesk")
        box.setText(user_message(exc))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    def hook(t: type[BaseException], e: BaseException, tb: TracebackType | None) -> None:
        if issubclass(t, KeyboardInterrupt):
            sys.__excepthook__(t, e, tb)
            return
        report_unexpected(t, e, tb)

    sys.excepthook = hook
