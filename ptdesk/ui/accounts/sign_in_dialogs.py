"""Signing in: the first start's manager account, and the everyday sign-in dialog."""

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import Role
from ptdesk.services.accounts.access import Actor
from ptdesk.services.accounts.users import NewUser
from ptdesk.ui.theme import MUTED

_PROBLEM_STYLE = "color: #a4262c; font-weight: 600;"


class AccountsApi(Protocol):
    def sign_in(self, name: str, password: str) -> Actor: ...
    def create_first_manager(self, new: NewUser) -> Actor: ...


def _secret_field(name: str) -> QLineEdit:
    f = QLineEdit()
    f.setEchoMode(QLineEdit.EchoMode.Password)
    f.setAccessibleName(name)
    return f


class _Base(QDialog):
    """A heading, an intro, the rows (label, field: in Tab order), a problem line, and
    `ok_text` (which calls `_ok`) / Quit."""

    def __init__(self, title: str, intro: str, rows: tuple[tuple[str, QWidget], ...],
                 ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 18px; font-weight: 600;")
        self.layout_.addWidget(heading)
        text = QLabel(intro)
        text.setWordWrap(True)
        text.setStyleSheet(f"color: {MUTED};")
        self.layout_.addWidget(text)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        for label, field in rows:
            self.form.addRow(label, field)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setAccessibleName("Problem")
        self.problem.setVisible(False)
        self.layout_.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.layout_.addWidget(self.buttons)
        ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.actor: Actor | None = None

    def _ok(self) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        # A shown dialog does not grow for a wrapped label by itself: the two lines of "Too
        # many attempts: try again at ..." were cut in half.
        width = self.problem.width() if self.problem.width() > 50 else self.width() - 24
        self.problem.setMinimumHeight(self.problem.heightForWidth(width) if text else 0)
        self.adjustSize()


class SignInDialog(_Base):
    def __init__(self, accounts: AccountsApi, db_label: str,
                 parent: QWidget | None = None) -> None:
        self._accounts = accounts
        self.name = QLineEdit()
        self.name.setAccessibleName("User name")
        self.password = _secret_field("Password")
        super().__init__("Sign in to ptdesk", f"Database: {db_label}",
                         (("&Name", self.name), ("&Password", self.password)), "Sign in", parent)

    def _ok(self) -> None:
        self.try_sign_in()

    def try_sign_in(self) -> None:
        try:
            self.actor = self._accounts.sign_in(self.name.text(), self.password.text())
        except DomainError as exc:
            self.say(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class FirstManagerDialog(_Base):
    """The first start of a real clinic: nobody can sign in yet, so the office manager's
    account is created here."""

    def __init__(self, accounts: AccountsApi, parent: QWidget | None = None) -> None:
        self._accounts = accounts
        self.name = QLineEdit()
        self.name.setAccessibleName("Manager's name")
        self.password = _secret_field("Password")
        self.again = _secret_field("Password again")
        self.pin = _secret_field("PIN (optional)")
        self.pin.setPlaceholderText("4 to 8 digits, to unlock quickly")
        self.treats = QCheckBox("I also treat patients (PT or PTA)")
        super().__init__(
            "Create the office manager's account",
            "This clinic has no users yet. The office manager signs in with this account and "
            "then adds the front desk, therapists and billers (Settings → Users). Nobody can "
            "read a password back: keep it somewhere safe.",
            (("&Name", self.name), ("&Password", self.password), ("Password &again", self.again),
             ("P&IN (optional)", self.pin), ("", self.treats)),
            "Create and sign in", parent)
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ok(self) -> None:
        self.create_account()

    def create_account(self) -> None:
        roles = {Role.MANAGER} | ({Role.THERAPIST} if self.treats.isChecked() else set())
        try:
            self.actor = self._accounts.create_first_manager(NewUser(
                self.name.text(), frozenset(roles), self.password.text(), self.again.text(),
                self.pin.text().strip()))
        except ValidationErrors as exc:
            self.say("\n".join(exc.errors.values()))
            return
        except DomainError as exc:
            self.say(exc.message)
            return
        self.accept()
