"""Settings > Database: encryption of the clinic's database file (issue 12 #6). The manager
turns it on with a passphrase (then sees the recovery key once) or changes the passphrase; the
service refuses anyone else, the buttons only say so first."""

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.services.safekeeping.encryption import EncryptionDone, EncryptionStatus
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.settings.recovery_key_dialog import RecoveryKeyDialog
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.theme import MUTED
from ptdesk.ui.widgets.field_form import FieldForm


class EncryptionApi(Protocol):
    def status(self) -> EncryptionStatus: ...
    def turn_on(self, passphrase: str, repeat: str) -> EncryptionDone: ...
    def change_passphrase(self, current: str, new: str, repeat: str) -> None: ...


def _secret() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaximumWidth(360)
    return edit


class _SecretsDialog(QDialog):
    """A short form of passphrases, run on the worker thread, errors under the fields."""

    def __init__(self, title: str, intro: str, action: str, runner: TaskRunner,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 17px; font-weight: 600;")
        text = QLabel(intro)
        text.setWordWrap(True)
        text.setStyleSheet(f"color: {MUTED};")
        self.form = FieldForm()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "hint")
        self.go = QPushButton(action)
        self.go.setProperty("primary", True)
        self.go.setDefault(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.reject)
        self.go.clicked.connect(self._submit)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.cancel)
        row.addWidget(self.go)
        # a dialog does not ask a word-wrapped label for its height at the dialog's width
        text.setMinimumHeight(text.heightForWidth(self.minimumWidth() - 24))
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(self.form)
        layout.addLayout(row)
        self.result_value: object = None

    def work(self) -> Callable[[], object]:
        raise NotImplementedError

    def busy_words(self) -> str:
        return "Working…"

    def _submit(self) -> None:
        self.form.show_errors({})
        self.go.setEnabled(False)
        self.cancel.setEnabled(False)
        self.status.setText(self.busy_words())
        self._runner.submit(self.work(), on_done=self._done, on_error=self._failed)

    def _done(self, value: object) -> None:
        self.result_value = value
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.go.setEnabled(True)
        self.cancel.setEnabled(True)
        if isinstance(exc, ValidationErrors):
            unknown = self.form.show_errors(exc.errors)
            self.status.setText("; ".join(exc.errors[k] for k in unknown) or
                                "See the fields marked above.")
            self.adjustSize()  # room for the messages under the fields
            return
        if isinstance(exc, DomainError):
            self.status.setText(exc.message)
            return
        self.status.setText("")
        report_unexpected(type(exc), exc, exc.__traceback__, self)


class TurnOnDialog(_SecretsDialog):
    def __init__(self, api: EncryptionApi, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            "Encrypt the database", "ptdesk will encrypt the database file and the copies in "
            "its backups folder (AES-256, SQLCipher). From then on it asks for this passphrase "
            "at every start, on this computer and on any other that opens the file.\n\n"
            "Close ptdesk on the other computers first. It takes a few seconds to a few "
            "minutes; the database stays as it is until the encrypted copy is complete and "
            "checked.\n\nNext you get a recovery key: with the passphrase forgotten, only it "
            "opens the data. Nobody else can recover it.", "&Encrypt now", runner, parent)
        self._api = api
        self.passphrase = _secret()
        self.repeat = _secret()
        self.form.add_field("passphrase", "&Passphrase", self.passphrase,
                            "At least 10 characters; a few words are easy to remember")
        self.form.add_field("repeat", "&Again", self.repeat, "The same passphrase again")

    def busy_words(self) -> str:
        return "Encrypting… keep this computer on."

    def work(self) -> Callable[[], object]:
        p, r = self.passphrase.text(), self.repeat.text()
        return lambda: self._api.turn_on(p, r)


class ChangePassphraseDialog(_SecretsDialog):
    def __init__(self, api: EncryptionApi, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(
            "Change the passphrase", "Type the current passphrase (or the recovery key, if "
            "the passphrase is forgotten), then the new one twice. The recovery key does not "
            "change. Other computers use the new passphrase from their next start.",
            "&Change passphrase", runner, parent)
        self._api = api
        self.current = _secret()
        self.passphrase = _secret()
        self.repeat = _secret()
        self.form.add_field("current", "C&urrent passphrase", self.current,
                            "Or the recovery key")
        self.form.add_field("passphrase", "&New passphrase", self.passphrase,
                            "At least 10 characters")
        self.form.add_field("repeat", "&Again", self.repeat, "The new passphrase again")

    def work(self) -> Callable[[], object]:
        c, p, r = self.current.text(), self.passphrase.text(), self.repeat.text()
        return lambda: self._api.change_passphrase(c, p, r)


class EncryptionSection(QWidget):
    def __init__(self, api: EncryptionApi, runner: TaskRunner, *, db_label: str,
                 may_manage: Callable[[], bool], on_encrypted: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._api = api
        self._on_encrypted = on_encrypted  # e.g. the status bar's "Database: … (encrypted)"
        self._runner = runner
        self._db_label = db_label
        self._may_manage = may_manage
        title = QLabel("Encryption of the database file")
        title.setProperty("role", "title")
        self.state = QLabel("…")
        self.state.setStyleSheet("font-weight: 600;")
        self.words = QLabel("")
        self.words.setWordWrap(True)
        self.words.setProperty("role", "hint")
        self.turn_on = QPushButton("&Encrypt the database…")
        self.turn_on.setProperty("primary", True)
        self.change = QPushButton("C&hange passphrase…")
        self.note = QLabel("")
        self.note.setProperty("role", "hint")
        self.turn_on.clicked.connect(self._turn_on)
        self.change.clicked.connect(self._change)
        row = QHBoxLayout()
        row.addWidget(self.turn_on)
        row.addWidget(self.change)
        row.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.state)
        layout.addWidget(self.words)
        layout.addLayout(row)
        self.status: EncryptionStatus | None = None
        self.reload()

    def reload(self) -> None:
        self._runner.submit(self._api.status, on_done=self.show_status,
                            on_error=lambda exc: report_unexpected(type(exc), exc,
                                                                   exc.__traceback__, self))

    def show_status(self, status: EncryptionStatus) -> None:
        self.status = status
        if not status.can_encrypt:
            self.state.setText("Not applicable")
        else:
            self.state.setText("Encrypted" if status.encrypted else "Not encrypted")
        self.words.setText(status.words)
        manager = self._may_manage()
        self.turn_on.setVisible(status.can_encrypt and not status.encrypted)
        self.change.setVisible(status.encrypted)
        for b in (self.turn_on, self.change):
            b.setEnabled(manager)
        self.note.setText("" if manager or not status.can_encrypt else
                          "Only an office manager changes the encryption.")

    def _turn_on(self) -> None:
        dialog = TurnOnDialog(self._api, self._runner, self)
        if dialog.exec() and isinstance(dialog.result_value, EncryptionDone):
            done = dialog.result_value
            note = (f"{done.backups_encrypted} backups in the backups folder were encrypted "
                    "too." if done.backups_encrypted else "")
            if done.backups_left_plain:
                note += (f" {done.backups_left_plain} could not be: see the log, and delete "
                         "them once a new backup exists.")
            if self._on_encrypted is not None:
                self._on_encrypted()
            RecoveryKeyDialog(done.recovery_key, self._db_label, self, note=note.strip()).exec()
        self.reload()

    def _change(self) -> None:
        dialog = ChangePassphraseDialog(self._api, self._runner, self)
        if dialog.exec():
            self.words.setText("Passphrase changed. " + (self.status.words
                                                        if self.status else ""))
