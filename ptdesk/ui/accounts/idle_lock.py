"""The automatic lock (ONC 170.315(d)(5)): after a set idle time the desk's windows are
covered and only the signed-in person's password or PIN opens them again.

Nothing is closed: forms and dialogs stay open, their typed text untouched, under a plain
cover (a child widget filling each visible window); the unlock box is an application-modal
window of its own over the main window, so it takes the keyboard even when a modal form is
open beneath it.
"""

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError
from ptdesk.ui.theme import ACCENT

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class Unlocker(Protocol):
    def unlock(self, secret: str) -> bool: ...
    def record_lock(self) -> None: ...


class _Cover(QWidget):
    """Hides one window's contents (and takes its clicks) while the desk is locked."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        # A plain QWidget paints a style-sheet background only with this attribute.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#lockCover {{ background: {ACCENT}; }}")
        self.setGeometry(parent.rect())
        parent.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


class LockScreen(QDialog):
    sig_unlocked = Signal()

    def __init__(self, window: QWidget, user_name: str, unlocker: Unlocker,
                 hint: str = "") -> None:
        super().__init__(window, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("lockScreen")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setStyleSheet(f"#lockScreen {{ background: {ACCENT}; }} "
                           "QLabel { color: white; } "
                           "QLabel#lockProblem { color: #ffd7d7; font-weight: 600; }")
        self._unlocker = unlocker
        self.setGeometry(window.geometry())
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setFixedWidth(480)  # a fixed width lets the wrapped lines take their height
        col = QVBoxLayout(box)
        title = QLabel("ptdesk is locked")
        title.setStyleSheet("font-size: 26px; font-weight: 600;")
        col.addWidget(title)
        who = QLabel(f"Signed in: <b>{user_name}</b>. Your open work is kept as it was.")
        who.setWordWrap(True)
        col.addWidget(who)
        row = QHBoxLayout()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("Password or PIN")
        self.secret.setAccessibleName("Password or PIN")
        self.secret.setMinimumHeight(34)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setDefault(True)
        row.addWidget(self.secret, 1)
        row.addWidget(self.unlock_button)
        col.addLayout(row)
        self.problem = QLabel("")
        self.problem.setObjectName("lockProblem")
        self.problem.setAccessibleName("Problem")
        self.problem.setWordWrap(True)  # "Too many attempts: try again at ..." is long
        # Room for two lines from the start: the words below never jump or get covered.
        self.problem.setMinimumHeight(2 * self.problem.fontMetrics().lineSpacing() + 4)
        col.addWidget(self.problem)
        note = QLabel(f"Not {user_name}? Only {user_name} can unlock. To use this desk, "
                      f"they unlock, save or close their work, then choose File → Switch "
                      f"user." + (f"\n\n{hint}" if hint else ""))
        note.setWordWrap(True)
        note.setMinimumHeight(note.heightForWidth(480) + 8)  # wrapped lines are not cut
        note.setStyleSheet("color: #dfe8f2;")
        col.addWidget(note)
        self.note = note
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self.try_unlock)

    def try_unlock(self) -> None:
        try:
            ok = self._unlocker.unlock(self.secret.text())
        except DomainError as exc:  # too many attempts: the words say until when
            self.secret.clear()
            self.say(exc.message)
            return
        if ok:
            self.secret.clear()
            self.sig_unlocked.emit()
            self.accept()
            return
        self.secret.clear()
        self.say("That password or PIN is not right.")

    def say(self, text: str) -> None:
        """The problem under the box, every wrapped line shown (the box is 480 px wide; with
        a larger desktop font "Too many attempts: ..." takes two lines, and the layout of
        this frameless window does not grow a wrapped label by itself)."""
        self.problem.setText(text)
        need = self.problem.heightForWidth(self.problem.width() or 480)
        if need > self.problem.minimumHeight():
            self.problem.setMinimumHeight(need)
            layout = self.layout()
            if layout is not None:
                layout.activate()

    def reject(self) -> None:
        """Escape does not unlock."""

    def closeEvent(self, event: object) -> None:
        if self.result() != QDialog.DialogCode.Accepted:
            event.ignore()  # type: ignore[attr-defined]


class IdleLock(QObject):
    """Watches the application's input; after `minutes` of none, locks."""

    sig_locked = Signal()

    def __init__(self, window: QWidget, unlocker: Unlocker, user_name: Callable[[], str],
                 minutes: float, hint: str = "") -> None:
        super().__init__(window)
        self._window = window
        self._unlocker = unlocker
        self._user_name = user_name
        self._hint = hint
        self._covers: list[_Cover] = []
        self.screen: LockScreen | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.screen is None and event.type() in _ACTIVITY:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.screen is not None:
            return
        self._covers = [_Cover(w) for w in QApplication.topLevelWidgets()
                        if w.isVisible() and not isinstance(w, LockScreen)
                        and w.windowType() != Qt.WindowType.Popup]
        self.screen = LockScreen(self._window, self._user_name(), self._unlocker, self._hint)
        self.screen.sig_unlocked.connect(self._unlocked)
        self._unlocker.record_lock()
        self.screen.open()
        self.screen.raise_()
        self.screen.activateWindow()
        self.screen.secret.setFocus()
        self.sig_locked.emit()

    def _unlocked(self) -> None:
        for c in self._covers:
            c.hide()  # at once; the widget itself goes when the event loop gets to it
            c.deleteLater()
        self._covers = []
        self.screen = None
        self.timer.start()
