"""Users and the desk's security settings (office manager only): add a user with roles,
switch an account off, unlock an account locked after too many failed attempts, set how long
a desk waits before it locks and how many wrong passwords lock an account."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import ROLE_LABELS, Role
from ptdesk.domain.sign_in_lockout import (
    ATTEMPTS_RANGE,
    MINUTES_RANGE,
    SOURCE,
    LockoutPolicy,
)
from ptdesk.services.accounts.users import IDLE_RANGE, NewUser, UserView
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.field_form import spin_box

_PROBLEM_STYLE = "color: #a4262c; font-weight: 600;"
_DONE_STYLE = "color: #1d6b3a; font-weight: 600;"
_USER_ROLE = Qt.ItemDataRole.UserRole


class UsersApi(Protocol):
    def users(self) -> tuple[UserView, ...]: ...
    def create_user(self, new: NewUser) -> UserView: ...
    def set_active(self, user_id: int, active: bool) -> UserView: ...
    def unlock_account(self, user_id: int) -> UserView: ...
    def idle_minutes(self) -> int: ...
    def set_idle_minutes(self, minutes: int) -> int: ...
    def lockout_policy(self) -> LockoutPolicy: ...
    def set_lockout_policy(self, policy: LockoutPolicy) -> LockoutPolicy: ...
    def now(self) -> datetime: ...


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


class UsersPage(QWidget):
    def __init__(self, api: UsersApi, on_idle_changed: Callable[[int], None]) -> None:
        super().__init__()
        self._api = api
        self._on_idle_changed = on_idle_changed
        self._users: dict[int, UserView] = {}
        lay = QHBoxLayout(self)
        lay.addLayout(self._build_list(), 1)
        right = QVBoxLayout()
        right.addWidget(self._build_add())
        right.addWidget(self._build_security())
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        self.problem.setAccessibleName("Problem")
        right.addWidget(self.problem)
        right.addStretch(1)
        lay.addLayout(right, 1)
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle)
        self.unlock_button.clicked.connect(self.unlock)
        self.idle_button.clicked.connect(self.save_idle)
        self.lockout_button.clicked.connect(self.save_lockout)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    # ---- building -----------------------------------------------------------------------
    def _build_list(self) -> QVBoxLayout:
        left = QVBoxLayout()
        title = QLabel("Users")
        title.setStyleSheet("font-size: 18px; font-weight: 600;")
        left.addWidget(title)
        self.list = QListWidget()
        self.list.setAccessibleName("Users")
        self.list.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        # A locked account's line is long ("LOCKED until 9:29 AM on Dec 2, 2026 · ..."): it
        # wraps within the list instead of hiding behind a sideways scroll bar.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.toggle_button = QPushButton("Switch account off")
        self.unlock_button = QPushButton("Unlock account")
        self.unlock_button.setToolTip("Open an account locked after too many wrong passwords "
                                      "or PINs, at once.")
        row.addWidget(self.toggle_button)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        left.addLayout(row)
        return left

    def _build_add(self) -> QGroupBox:
        add = QGroupBox("Add a user")
        form = QFormLayout(add)
        self.name = QLineEdit()
        self.name.setAccessibleName("New user's name")
        self.role_boxes = {r: QCheckBox(ROLE_LABELS[r]) for r in Role}
        roles = QVBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        self.password = self._secret("Password")
        self.again = self._secret("Password again")
        self.pin = self._secret("PIN (optional)")
        self.pin.setPlaceholderText("4 to 8 digits, to unlock quickly")
        form.addRow("Name", self.name)
        form.addRow("Roles", roles)
        form.addRow("Password", self.password)
        form.addRow("Password again", self.again)
        form.addRow("PIN (optional)", self.pin)
        self.add_button = QPushButton("Add user")
        form.addRow("", self.add_button)
        return add

    def _build_security(self) -> QGroupBox:
        box = QGroupBox("Locking")
        outer = QVBoxLayout(box)
        form = QFormLayout()
        outer.addLayout(form)
        self.idle = spin_box(*IDLE_RANGE, suffix=" minutes idle", name="Lock after idle minutes")
        self.idle_button = QPushButton("Save")
        row = QHBoxLayout()
        row.addWidget(self.idle)
        row.addWidget(self.idle_button)
        row.addStretch(1)
        form.addRow("Lock a desk after", row)
        self.attempts = spin_box(*ATTEMPTS_RANGE, suffix=" wrong tries",
                                 name="Lock an account after wrong tries")
        self.lock_minutes = spin_box(*MINUTES_RANGE, suffix=" minutes",
                                     name="Account lock minutes")
        self.lockout_button = QPushButton("Save")
        row = QHBoxLayout()
        row.addWidget(self.attempts)
        row.addWidget(QLabel("for"))
        row.addWidget(self.lock_minutes)
        row.addWidget(self.lockout_button)
        row.addStretch(1)
        form.addRow("Lock an account after", row)
        # Below the form, the group's full width: in a form row the wrapped note was given
        # an empty band above it.
        outer.addWidget(_muted("Wrong passwords or PINs in a row, at the sign-in or the lock "
                               "screen, lock the account; an office manager can unlock it "
                               f"sooner. Default 5 tries, 15 minutes: {SOURCE}."))
        return box

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        f = QLineEdit()
        f.setEchoMode(QLineEdit.EchoMode.Password)
        f.setAccessibleName(name)
        return f

    # ---- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = self.chosen()
        now = self._api.now()
        self.list.clear()
        self._users = {u.id: u for u in self._api.users()}
        for u in self._users.values():
            item = QListWidgetItem(u.describe(now))
            item.setData(_USER_ROLE, u.id)
            self.list.addItem(item)
            if chosen is not None and u.id == chosen.id:
                self.list.setCurrentItem(item)
        self.idle.setValue(self._api.idle_minutes())
        policy = self._api.lockout_policy()
        self.attempts.setValue(policy.attempts)
        self.lock_minutes.setValue(policy.minutes)
        self._update_buttons()

    def chosen(self) -> UserView | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return None if item is None else self._users.get(item.data(_USER_ROLE))

    def _update_buttons(self) -> None:
        u = self.chosen()
        self.toggle_button.setEnabled(u is not None)
        self.toggle_button.setText("Switch account on" if u is not None and not u.active
                                   else "Switch account off")
        locked = u is not None and u.locked(self._api.now())
        self.unlock_button.setEnabled(locked)
        self.unlock_button.setToolTip(
            "Open this account now: it was locked after too many wrong passwords or PINs."
            if locked else "Choose a locked account (marked LOCKED in the list) to open it.")

    def say(self, text: str, *, done: bool = False) -> None:
        """A problem in red, or (done) what just happened in green."""
        self.problem.setStyleSheet(_DONE_STYLE if done else _PROBLEM_STYLE)
        self.problem.setText(text)

    # ---- actions ------------------------------------------------------------------------
    def add_user(self) -> None:
        roles = frozenset(r for r, b in self.role_boxes.items() if b.isChecked())
        try:
            self._api.create_user(NewUser(self.name.text(), roles, self.password.text(),
                                          self.again.text(), self.pin.text().strip()))
        except ValidationErrors as exc:
            self.say("\n".join(exc.errors.values()))
            return
        except DomainError as exc:
            self.say(exc.message)
            return
        self.say("")
        for f in (self.name, self.password, self.again, self.pin):
            f.clear()
        for b in self.role_boxes.values():
            b.setChecked(False)
        self.refresh()

    def toggle(self) -> None:
        u = self.chosen()
        if u is None:
            return
        try:
            self._api.set_active(u.id, not u.active)
        except DomainError as exc:
            self.say(exc.message)
            return
        self.say("")
        self.refresh()

    def unlock(self) -> None:
        u = self.chosen()
        if u is None:
            return
        try:
            self._api.unlock_account(u.id)
        except DomainError as exc:
            self.say(exc.message)
            return
        self.say(f"{u.name} can sign in again.", done=True)
        self.refresh()

    def save_idle(self) -> None:
        try:
            minutes = self._api.set_idle_minutes(self.idle.value())
        except DomainError as exc:
            self.say(exc.message)
            return
        self.say("")
        self._on_idle_changed(minutes)

    def save_lockout(self) -> None:
        try:
            self._api.set_lockout_policy(LockoutPolicy(self.attempts.value(),
                                                       self.lock_minutes.value()))
        except ValidationErrors as exc:
            self.say("\n".join(exc.errors.values()))
            return
        except DomainError as exc:
            self.say(exc.message)
            return
        self.say("")
