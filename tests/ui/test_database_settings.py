"""Settings > Database with real widgets and the real services (issue 12 #6): a manager turns
encryption on through the dialog and sees the recovery key, a wrong passphrase is said under
its field, the unlock dialog refuses an empty answer, the connection form saves the server
with the password out of connection.json, and a front desk gets no buttons that act."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.permissions import Role
from ptdesk.services.safekeeping.connection import ConnectionService
from ptdesk.services.safekeeping.encryption import EncryptionDone, EncryptionService
from ptdesk.storage.actor import Actor, acting_as
from ptdesk.storage.cipher import is_encrypted
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.server_connection import read_settings, settings_file
from ptdesk.ui.accounts.unlock_dialog import UnlockDialog
from ptdesk.ui.settings.connection_section import ConnectionSection
from ptdesk.ui.settings.encryption_section import EncryptionSection, TurnOnDialog
from ptdesk.ui.settings.recovery_key_dialog import RecoveryKeyDialog
from ptdesk.ui.tasks import TaskRunner

PASS = "correct horse battery staple"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def clinic(tmp_path: Path, _sqlite_template: Path) -> Iterator[tuple[Path, sessionmaker[Session]]]:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "ptdesk.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    engine = create_engine_for(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    yield path, factory
    factory.kw["bind"].dispose()
    engine.dispose()


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_a_manager_encrypts_through_the_dialog_and_gets_the_key(
        qtbot: QtBot, clinic: tuple[Path, sessionmaker[Session]], runner: TaskRunner,
        tmp_path: Path) -> None:
    path, factory = clinic
    service = EncryptionService(factory, tmp_path / "data" / "backups", is_demo=False)
    section = EncryptionSection(service, runner, db_label="file x", may_manage=lambda: True)
    qtbot.addWidget(section)
    qtbot.waitUntil(lambda: section.status is not None)
    assert section.state.text() == "Not encrypted"
    assert not section.turn_on.isHidden()
    assert section.change.isHidden()

    dialog = TurnOnDialog(service, runner, section)
    qtbot.addWidget(dialog)
    dialog.passphrase.setText(PASS)
    dialog.repeat.setText(PASS + "!")
    qtbot.mouseClick(dialog.go, LEFT)
    qtbot.waitUntil(lambda: dialog.form.errors["repeat"].text() != "")
    assert "differ" in dialog.form.errors["repeat"].text()
    assert not is_encrypted(path)
    dialog.repeat.setText(PASS)
    qtbot.mouseClick(dialog.go, LEFT)
    qtbot.waitUntil(lambda: dialog.result_value is not None)
    done = dialog.result_value
    assert isinstance(done, EncryptionDone)
    assert is_encrypted(path)

    key_dialog = RecoveryKeyDialog(done.recovery_key, "file x", section)
    qtbot.addWidget(key_dialog)
    assert done.recovery_key.replace("-", "") in key_dialog.key_label.text().replace(
        "-", "").replace("\n", "")
    assert not key_dialog.done_button.isEnabled()
    key_dialog.show()
    key_dialog.reject()  # Esc before the key is kept: stays open and says why
    assert key_dialog.isVisible()
    assert "Tick the box" in key_dialog.status.text()
    key_dialog.kept.setChecked(True)
    assert key_dialog.done_button.isEnabled()

    section.reload()
    qtbot.waitUntil(lambda: section.state.text() == "Encrypted")
    assert section.turn_on.isHidden()
    assert not section.change.isHidden()


def test_the_unlock_dialog_wants_an_answer(qtbot: QtBot) -> None:
    dialog = UnlockDialog("file x")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.open_button, LEFT)
    assert dialog.problem.isVisible()
    assert "Type the passphrase" in dialog.problem.text()
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.secret, PASS)
    qtbot.mouseClick(dialog.open_button, LEFT)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_the_connection_form_saves_the_server_and_keeps_the_password_out(
        qtbot: QtBot, runner: TaskRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    try:
        section = ConnectionSection(ConnectionService(tmp_path), runner, in_use="file x",
                                    may_manage=lambda: True)
        qtbot.addWidget(section)
        qtbot.waitUntil(lambda: section.view is not None)
        assert section.local.isChecked()
        assert section.fields.isHidden()
        section.server.setChecked(True)
        assert not section.fields.isHidden()
        section.host.setText("db.clinic.lan")
        section.database.setText("ptdesk")
        section.user.setText("desk")
        section.password.setText("pw-secret")
        section.tls.setCurrentIndex(section.tls.findData("verify-full"))
        qtbot.mouseClick(section.save_button, LEFT)
        qtbot.waitUntil(lambda: section.form.errors["sslrootcert"].text() != "")
        assert not settings_file(tmp_path).exists()
        section.tls.setCurrentIndex(section.tls.findData("require"))
        qtbot.mouseClick(section.save_button, LEFT)
        qtbot.waitUntil(lambda: section.status.text().startswith("Saved"))
        saved = read_settings(settings_file(tmp_path))
        assert saved is not None
        assert saved.sslmode == "require"
        assert "pw-secret" not in settings_file(tmp_path).read_text()
        assert "pw-secret" in (tmp_path / "pgpass").read_text()
        assert "pgpass" in section.status.text()
    finally:
        keyring.set_keyring(before)


def test_a_front_desk_sees_the_state_but_no_buttons_that_act(
        qtbot: QtBot, clinic: tuple[Path, sessionmaker[Session]], runner: TaskRunner,
        tmp_path: Path) -> None:
    _path, factory = clinic
    desk = Actor("Sam", frozenset({Role.FRONT_DESK}))
    with acting_as(desk):
        section = EncryptionSection(
            EncryptionService(factory, tmp_path / "backups", is_demo=False), runner,
            db_label="file x", may_manage=lambda: False)
        qtbot.addWidget(section)
        qtbot.waitUntil(lambda: section.status is not None)
        assert not section.turn_on.isEnabled()
        assert "Only an office manager" in section.note.text()
        conn = ConnectionSection(ConnectionService(tmp_path), runner, in_use="file x",
                                 may_manage=lambda: False)
        qtbot.addWidget(conn)
        qtbot.waitUntil(lambda: conn.view is not None)
        assert conn.save_button.isHidden()
        assert not conn.server.isEnabled()


def test_start_asks_for_the_passphrase_in_a_dialog_until_it_opens(
        qtbot: QtBot, clinic: tuple[Path, sessionmaker[Session]], tmp_path: Path) -> None:
    """The window's way in (app/gui_database.py): a wrong passphrase is said in the dialog,
    which stays; the right one opens the clinic."""
    import argparse

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ptdesk.app.gui_database import open_for_window

    path, factory = clinic
    EncryptionService(factory, tmp_path / "data" / "backups", is_demo=False).turn_on(PASS, PASS)
    factory.kw["bind"].dispose()
    seen: list[str] = []

    def answer(text: str, then: str | None) -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, UnlockDialog) and w.isVisible())
        seen.append(dialog.problem.text())
        dialog.secret.setText(text)
        if then is not None:
            QTimer.singleShot(0, lambda: answer(then, None))
        dialog.open_button.click()

    QTimer.singleShot(0, lambda: answer("not the passphrase", PASS))
    ctx = open_for_window(argparse.Namespace(data_dir=str(path.parent), db_url=None,
                                             demo=False))
    assert not isinstance(ctx, int)
    try:
        assert seen[0] == ""
        assert "does not open this database" in seen[1]
        assert ctx.db_label.endswith("(encrypted)")
    finally:
        ctx.close()
