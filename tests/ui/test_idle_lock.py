"""The automatic lock (issue 12, ONC (d)(5)), through the real composition: after the idle
time the windows are covered, only the signed-in person's password or PIN unlocks, typed on
the keyboard, and the open form keeps what was typed."""

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.domain.permissions import Role
from ptdesk.services.accounts.users import AccountService, NewUser
from ptdesk.services.patients.records import PatientService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry
from ptdesk.ui.accounts.idle_lock import LockScreen
from ptdesk.ui.patients.patient_dialog import PatientDialog
from ptdesk.ui.tasks import TaskRunner
from tests.ui.test_patients_page import TODAY

PW = "front desk pw"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    accounts = AccountService(context.session_factory)
    accounts.create_user(NewUser("Dana", frozenset({Role.FRONT_DESK}), PW, PW, "2468"))
    accounts.sign_in("Dana", PW)
    yield context
    context.close()


def _lock_screen() -> LockScreen | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LockScreen) and w.isVisible()), None)


def test_idle_lock_keeps_the_open_form_and_unlocks_with_the_pin(
        qtbot: QtBot, ctx: AppContext) -> None:
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    assert "Dana (Front desk)" in window.user_status.text()
    # A front desk sees neither the Users nor the Audit page.
    hidden = {window.nav.item(i).text() for i in range(window.nav.count())
              if window.nav.item(i).isHidden()}
    assert hidden == {"Users", "Audit"}
    runner = TaskRunner()
    form = PatientDialog(PatientService(ctx.session_factory), runner, TODAY, parent=window)
    form.open()  # an open form, modal, as the Patients page opens it
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.last_name, "Okonkwo")
    window.idle_lock.set_minutes(0.002)  # ~120 ms: a short idle time for the test
    qtbot.waitUntil(lambda: _lock_screen() is not None, timeout=5000)
    screen = _lock_screen()
    assert screen is not None
    assert form.isVisible()  # kept, only covered: nothing of it or the window shows
    for covered in (form, window):
        cover = covered.findChild(QWidget, "lockCover")
        assert cover is not None
        assert cover.isVisible()
        assert cover.geometry() == covered.rect()
    # A wrong PIN is refused; the right one, typed and Enter, unlocks.
    qtbot.keyClicks(screen.secret, "1111")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    assert "not right" in screen.problem.text()
    assert _lock_screen() is screen
    window.idle_lock.set_minutes(10)
    qtbot.keyClicks(screen.secret, "2468")
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _lock_screen() is None, timeout=3000)
    assert not window.idle_lock.locked
    assert form.isVisible()
    assert form.last_name.text() == "Okonkwo"
    assert form.findChild(QWidget, "lockCover") is None or not form.findChild(
        QWidget, "lockCover").isVisible()
    with session_scope(ctx.session_factory) as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["lock", "unlock_failed", "unlock"]
    form.reject()
    runner.shutdown()


def test_escape_does_not_unlock(qtbot: QtBot, ctx: AppContext) -> None:
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    window.account_actions["lock"].trigger()
    screen = _lock_screen()
    assert screen is not None
    qtbot.keyClick(screen.secret, Qt.Key.Key_Escape)
    assert _lock_screen() is screen
    qtbot.keyClicks(screen.secret, PW)
    qtbot.keyClick(screen.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _lock_screen() is None, timeout=3000)
