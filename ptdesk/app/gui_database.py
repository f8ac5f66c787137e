"""Wiring of the database's safekeeping into the window (issue 12 #6): the passphrase dialog
at start for an encrypted file, the connection settings offered when the saved server cannot
be reached, and the Settings > Database tab."""

import argparse
from typing import Any, cast

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.paths import app_paths
from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission, allows
from ptdesk.storage.actor import current_actor


def _may_manage() -> bool:
    actor = current_actor()
    return actor is not None and allows(actor.roles, Permission.MANAGE_SECURITY)


def open_for_window(args: argparse.Namespace) -> AppContext | int:
    """Open the database the window needs: an encrypted file asks for its passphrase in a
    dialog; a saved server that cannot be reached offers its settings, then tries again.
    Else the exit code: 0 the person chose Quit, 2 the database could not be opened (said)."""
    from PySide6.QtWidgets import QMessageBox

    paths = app_paths(getattr(args, "data_dir", None), demo=bool(getattr(args, "demo", False)))
    db_url = getattr(args, "db_url", None)
    asker = _AskWhenEncrypted(f"file {paths.database_file}" if not db_url else _label(db_url))
    while True:
        try:
            return open_context(args, ask_secret=asker)
        except DomainError as exc:
            if asker.dialog is not None and not asker.dialog.result():
                return 0  # Quit in the passphrase dialog: nothing to explain
            if not _saved_server_failed(args):
                QMessageBox.critical(None, "ptdesk cannot open the database", exc.message)
                return 2
            box = QMessageBox(QMessageBox.Icon.Critical, "ptdesk cannot open the database",
                              exc.message)
            settings = box.addButton("Connection settings…", QMessageBox.ButtonRole.ActionRole)
            box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            clicked = box.clickedButton()
            if clicked is settings:
                _connection_dialog(args)
            elif clicked is not None and box.buttonRole(clicked) == \
                    QMessageBox.ButtonRole.RejectRole:
                return 2


class _AskWhenEncrypted:
    """The passphrase dialog (`DialogSecret`), its module imported only when an encrypted
    file asks: a plain file or a server opens without it (issue 9 #3)."""

    def __init__(self, db_label: str) -> None:
        self._label = db_label
        self._asker: Any = None

    @property
    def dialog(self) -> Any:
        return None if self._asker is None else self._asker.dialog

    def __call__(self, problem: str | None) -> str | None:
        if self._asker is None:
            from ptdesk.ui.accounts.unlock_dialog import DialogSecret

            self._asker = DialogSecret(self._label)
        return cast("str | None", self._asker(problem))


def _label(db_url: str) -> str:
    from ptdesk.app.context import describe_url

    try:
        return describe_url(db_url)
    except Exception:  # not a URL at all: open_context says so in words
        return db_url.split("@")[-1]


def _saved_server_failed(args: argparse.Namespace) -> bool:
    from ptdesk.storage.server_connection import settings_file

    if getattr(args, "db_url", None) or getattr(args, "demo", False):
        return False
    return settings_file(app_paths(getattr(args, "data_dir", None), demo=False).data_dir
                         ).exists()


class _BeforeSignIn:
    """Nobody can sign in while no database opens: the settings file is this OS account's
    own (services/safekeeping/connection.py `save_before_sign_in`)."""

    def __init__(self, service: Any) -> None:
        self._service = service

    def load(self) -> Any:
        return self._service.load()

    def test(self, settings: Any, password: str | None) -> Any:
        return self._service.test(settings, password)

    def save(self, settings: Any, password: str | None) -> str:
        return str(self._service.save_before_sign_in(settings, password))


def _connection_dialog(args: argparse.Namespace) -> None:
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

    from ptdesk.services.safekeeping.connection import ConnectionService
    from ptdesk.ui.settings.connection_section import ConnectionSection
    from ptdesk.ui.tasks import TaskRunner

    dialog = QDialog()
    dialog.setWindowTitle("Connection settings")
    dialog.setMinimumWidth(760)
    runner = TaskRunner(dialog)
    paths = app_paths(getattr(args, "data_dir", None), demo=False)
    section = ConnectionSection(_BeforeSignIn(ConnectionService(paths.data_dir)), runner,
                                in_use="nothing (the saved server did not answer)",
                                may_manage=lambda: True)
    layout = QVBoxLayout(dialog)
    layout.addWidget(section)
    close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    close.rejected.connect(dialog.reject)
    layout.addWidget(close)
    dialog.exec()
    runner.shutdown()


def add_database_tab(tabs: Any, ctx: AppContext, runner: Any, window: Any) -> None:
    """Settings > Database (built with the Settings page, on first use)."""
    from ptdesk.services.safekeeping.connection import ConnectionService
    from ptdesk.services.safekeeping.encryption import EncryptionService
    from ptdesk.ui.settings.connection_section import ConnectionSection
    from ptdesk.ui.settings.database_tab import DatabaseTab
    from ptdesk.ui.settings.encryption_section import EncryptionSection

    encryption = EncryptionSection(
        EncryptionService(ctx.session_factory, ctx.paths.backups_dir, is_demo=ctx.is_demo),
        runner, db_label=ctx.db_label, may_manage=_may_manage,
        on_encrypted=lambda: _label_encrypted(ctx, window))
    connection = ConnectionSection(ConnectionService(ctx.paths.data_dir, ctx.session_factory),
                                   runner, in_use=ctx.db_label, may_manage=_may_manage,
                                   fixed=("The demo clinic always opens its own file. Start "
                                          "ptdesk without --demo to choose the clinic's "
                                          "database." if ctx.is_demo else None))
    tabs.database = DatabaseTab(encryption, connection)
    tabs.tabs.addTab(tabs.database, "Database")


def _label_encrypted(ctx: AppContext, window: Any) -> None:
    if not ctx.db_label.endswith("(encrypted)"):
        ctx.db_label += " (encrypted)"
    window.db_status.setText(f"Database: {ctx.db_label}")
