"""Users and the idle-lock time (office manager only): add a user with roles, switch an
account off, set how long a desk waits before it locks."""

from collections.abc import Callable
from typing import Protocol

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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import ROLE_LABELS, Role
from ptdesk.services.accounts.users import IDLE_RANGE, NewUser, UserView

_PROBLEM_STYLE = "color: #a4262c; font-weight: 600;"


class UsersApi(Protocol):
    def users(self) -> tuple[UserView, ...]: ...
    def create_user(self, new: NewUser) -> UserView: ...
    def set_active(self, user_id: int, active: bool) -> UserView: ...
    def idle_minutes(self) -> int: ...
    def set_idle_minutes(self, minutes: int) -> int: ...


def _describe(u: UserView) -> str:
    roles = ", ".join(ROLE_LABELS[r] for r in Role if r in u.roles)
    state = "" if u.active else " — switched off"
    return f"{u.name} · {roles}{' · PIN' if u.has_pin else ''}{state}"


class UsersPage(QWidget):
    def __init__(self, api: UsersApi, on_idle_changed: Callable[[int], None]) -> None:
        super().__init__()
        self._api = api
        self._on_idle_changed = on_idle_changed
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        title = QLabel("Users")
        title.setStyleSheet("font-size: 18px; font-weight: 600;")
        left.addWidget(title)
        self.list = QListWidget()
        self.list.setAccessibleName("Users")
        left.addWidget(self.list, 1)
        self.toggle_button = QPushButton("Switch the chosen account off / on")
        left.addWidget(self.toggle_button)
        lay.addLayout(left, 1)

        right = QVBoxLayout()
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
        form.addRow("Name", self.name)
        form.addRow("Roles", roles)
        form.addRow("Password", self.password)
        form.addRow("Password again", self.again)
        form.addRow("PIN (optional)", self.pin)
        self.add_button = QPushButton("Add user")
        form.addRow("", self.add_button)
        right.addWidget(add)
        lock = QGroupBox("Automatic lock")
        lock_form = QFormLayout(lock)
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_RANGE)
        self.idle.setSuffix(" minutes")
        self.idle.setAccessibleName("Lock after idle minutes")
        self.idle_button = QPushButton("Save")
        row = QHBoxLayout()
        row.addWidget(self.idle)
        row.addWidget(self.idle_button)
        lock_form.addRow("Lock a desk after", row)
        right.addWidget(lock)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(_PROBLEM_STYLE)
        right.addWidget(self.problem)
        right.addStretch(1)
        lay.addLayout(right, 1)
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle)
        self.idle_button.clicked.connect(self.save_idle)
        self.refresh()

    @staticmethod
    def _secret(name: str) -> QLineEdit:
        f = QLineEdit()
        f.setEchoMode(QLineEdit.EchoMode.Password)
        f.setAccessibleName(name)
        return f

    def refresh(self) -> None:
        self.list.clear()
        for u in self._api.users():
            item = QListWidgetItem(_describe(u))
            item.setData(256, (u.id, u.active))
            self.list.addItem(item)
        self.idle.setValue(self._api.idle_minutes())

    def add_user(self) -> None:
        roles = frozenset(r for r, b in self.role_boxes.items() if b.isChecked())
        try:
            self._api.create_user(NewUser(self.name.text(), roles, self.password.text(),
                                          self.again.text(), self.pin.text().strip()))
        except ValidationErrors as exc:
            self.problem.setText("\n".join(exc.errors.values()))
            return
        except DomainError as exc:
            self.problem.setText(exc.message)
            return
        self.problem.setText("")
        for f in (self.name, self.password, self.again, self.pin):
            f.clear()
        for b in self.role_boxes.values():
            b.setChecked(False)
        self.refresh()

    def toggle(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        user_id, active = item.data(256)
        try:
            self._api.set_active(user_id, not active)
        except DomainError as exc:
            self.problem.setText(exc.message)
            return
        self.refresh()

    def save_idle(self) -> None:
        try:
            minutes = self._api.set_idle_minutes(self.idle.value())
        except DomainError as exc:
            self.problem.setText(exc.message)
            return
        self._on_idle_changed(minutes)
