"""Unlocking an encrypted clinic database at start: the passphrase the office manager set, or
the recovery key. A wrong one is said under the field and the dialog stays; Quit opens nothing.
"""

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.ui.theme import MUTED

_PROBLEM_STYLE = "color: #a4262c; font-weight: 600;"


class UnlockDialog(QDialog):
    def __init__(self, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock the clinic's database")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        heading = QLabel("This database is encrypted")
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        intro = QLabel("Type the passphrase the office manager set for it, or the recovery "
                       "key (the 13 groups of 4 letters and digits printed when encryption "
                       f"was turned on).\n\nDatabase: {db_label}")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        # a dialog does not ask a word-wrapped label for its height at the dialog's width
        intro.setMinimumHeight(intro.heightForWidth(self.minimumWidth() - 24))
        caption = QLabel("&Passphrase or recovery key")
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase or recovery key")
        caption.setBuddy(self.secret)
        self.show_typing = QCheckBox("&Show what I type")
        self.show_typing.toggled.connect(lambda on: self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setAccessibleName("Problem")
        self.problem.setVisible(False)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setDefault(True)
        self.open_button.setProperty("primary", True)
        buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        for w in (heading, intro, caption, self.secret, self.show_typing, self.problem):
            layout.addWidget(w)
        layout.addSpacing(8)
        layout.addWidget(buttons)

    def say(self, problem: str | None) -> None:
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))
        self.adjustSize()  # the message's lines are added below, nothing above is squeezed

    def _open(self) -> None:
        if not self.secret.text():
            self.say("Type the passphrase or the recovery key.")
            return
        self.accept()


class DialogSecret:
    """`open_context`'s way to ask (app/context.py AskSecret): one dialog, shown again with
    the reason after a wrong try, its field emptied."""

    def __init__(self, db_label: str) -> None:
        self._label = db_label
        self.dialog: UnlockDialog | None = None  # built when a database needs it

    def __call__(self, problem: str | None) -> str | None:
        if self.dialog is None:
            self.dialog = UnlockDialog(self._label)
        self.dialog.say(problem)
        self.dialog.secret.clear()
        self.dialog.secret.setFocus()
        if not self.dialog.exec():
            return None
        return self.dialog.secret.text()
