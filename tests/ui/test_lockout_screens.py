"""The failed sign-in lockout on screen, through the real composition: the lock screen and the
sign-in dialog say in words until when, and the manager unlocks on the Users page."""

import argparse
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.domain.permissions import Role
from ptdesk.domain.sign_in_lockout import LockoutPolicy
from ptdesk.services.accounts.users import AccountService, NewUser
from ptdesk.storage.actor import Actor, set_actor
from ptdesk.ui.accounts.idle_lock import LockScreen
from ptdesk.ui.accounts.sign_in_dialogs import SignInDialog
from ptdesk.ui.accounts.users_page import UsersPage

PW = "front desk pw"
SHOTS = os.environ.get("PTDESK_SHOTS")  # a folder: the screens are saved there to look at


def _shot(widget: Any, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    accounts = AccountService(context.session_factory)
    accounts.create_user(NewUser("Maria Lopez", frozenset({Role.MANAGER}), PW, PW))
    accounts.create_user(NewUser("Dana", frozenset({Role.FRONT_DESK}), PW, PW, "2468"))
    accounts.set_lockout_policy(LockoutPolicy(3, 15))
    yield context
    context.close()


def _lock_screen() -> LockScreen | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LockScreen) and w.isVisible()), None)


def test_lock_screen_says_until_when_after_too_many_pins(qtbot: QtBot, ctx: AppContext) -> None:
    AccountService(ctx.session_factory).sign_in("Dana", PW)
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.account_actions["lock"].trigger()
    screen = _lock_screen()
    assert screen is not None
    for pin in ("1111", "2222", "3333"):
        qtbot.keyClicks(screen.secret, pin)
        qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    words = screen.problem.text()
    assert words.startswith("Too many attempts: try again at ")
    assert words.endswith(" or ask the office manager.")
    # The right PIN now: still locked, the same words.
    qtbot.keyClicks(screen.secret, "2468")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert _lock_screen() is screen
    assert screen.problem.text() == words
    assert screen.problem.isVisible()
    qtbot.waitUntil(lambda: screen.problem.height() >= screen.problem.heightForWidth(
        screen.problem.width()), timeout=3000)  # every wrapped line shown
    assert screen.note.geometry().top() > screen.problem.geometry().bottom()  # not covered
    _shot(screen, "lock-screen-locked-out")
    # The manager (another desk) unlocks Dana on the Users page; her PIN works again.
    set_actor(Actor("Maria Lopez", frozenset({Role.MANAGER}), 1))
    page = UsersPage(AccountService(ctx.session_factory), lambda _m: None)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    row = next(i for i in range(page.list.count()) if page.list.item(i).text().startswith("Dana"))
    assert "LOCKED until" in page.list.item(row).text()
    assert not page.unlock_button.isEnabled()  # nobody chosen yet
    page.list.setCurrentRow(row)
    assert page.unlock_button.isEnabled()
    _shot(page, "users-page-locked")
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)
    assert page.problem.text() == "Dana can sign in again."
    assert "LOCKED" not in page.list.currentItem().text()
    assert not page.unlock_button.isEnabled()
    set_actor(Actor("Dana", frozenset({Role.FRONT_DESK}), 2))
    qtbot.keyClicks(screen.secret, "2468")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _lock_screen() is None, timeout=3000)


def test_sign_in_dialog_says_until_when(qtbot: QtBot, ctx: AppContext) -> None:
    set_actor(None)
    dialog = SignInDialog(AccountService(ctx.session_factory), "clinic.sqlite3")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "dana")
    for _ in range(3):
        qtbot.keyClicks(dialog.password, "wrong one")
        dialog.try_sign_in()
    assert dialog.problem.text().startswith("Too many attempts: try again at ")
    assert dialog.actor is None
    # Both wrapped lines are shown, not cut in half.
    qtbot.waitUntil(lambda: dialog.problem.height() >= dialog.problem.heightForWidth(
        dialog.problem.width()), timeout=3000)
    _shot(dialog, "sign-in-locked-out")


def test_users_page_saves_the_lockout_policy(qtbot: QtBot, ctx: AppContext) -> None:
    page = UsersPage(AccountService(ctx.session_factory), lambda _m: None)
    qtbot.addWidget(page)
    assert (page.attempts.value(), page.lock_minutes.value()) == (3, 15)
    page.attempts.setValue(6)
    page.lock_minutes.setValue(30)
    qtbot.mouseClick(page.lockout_button, Qt.MouseButton.LeftButton)
    assert page.problem.text() == ""
    assert AccountService(ctx.session_factory).lockout_policy() == LockoutPolicy(6, 30)
