"""Settings > Database: which database this computer opens, its own file or a PostgreSQL server
shared by several desks, with TLS and the password kept in the keyring or ~/.pgpass (issue 12
#6). Also shown at start when the saved server cannot be reached, so it can be corrected."""

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.services.safekeeping.connection import ConnectionCheck, ConnectionView, ServerSettings
from ptdesk.ui.error_dialog import report_unexpected
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.field_form import FieldForm, choice_box, spin_box

TLS_CHOICES = (
    ("prefer", "Encrypted when the server offers it (prefer)"),
    ("require", "Always encrypted, refuse otherwise (require)"),
    ("verify-ca", "Encrypted, server certificate checked (verify-ca)"),
    ("verify-full", "Encrypted, certificate and server name checked (verify-full)"),
)


class ConnectionApi(Protocol):
    def load(self) -> ConnectionView: ...
    def save(self, settings: ServerSettings | None, password: str | None) -> str: ...
    def test(self, settings: ServerSettings, password: str | None) -> ConnectionCheck: ...


class ConnectionSection(QWidget):
    def __init__(self, api: ConnectionApi, runner: TaskRunner, *, in_use: str,
                 may_manage: Callable[[], bool], fixed: str | None = None,
                 parent: QWidget | None = None) -> None:
        """`fixed`: why there is no choice here (the demo clinic), said instead of the form."""
        super().__init__(parent)
        self._api = api
        self._fixed = fixed
        self._runner = runner
        self._may_manage = may_manage
        title = QLabel("Which database this computer opens")
        title.setProperty("role", "title")
        self.in_use = QLabel(f"In use now: {in_use}")
        self.in_use.setStyleSheet("font-weight: 600;")
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "hint")
        self.local = QRadioButton("This computer's own database &file")
        self.server = QRadioButton("A PostgreSQL database &server shared by several desks")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        self.form = FieldForm()
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. db.clinic.lan or 192.168.1.20")
        self.port = spin_box(1, 65535, value=5432)
        self.port.setMaximumWidth(100)
        self.database = QLineEdit()
        self.database.setPlaceholderText("ptdesk")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.tls = choice_box((words, value) for value, words in TLS_CHOICES)
        self.root_cert = QLineEdit()
        self.root_cert.setPlaceholderText("needed for the two 'checked' choices")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        cert_row = QWidget()
        cert_layout = QHBoxLayout(cert_row)
        cert_layout.setContentsMargins(0, 0, 0, 0)
        cert_layout.addWidget(self.root_cert, 1)
        cert_layout.addWidget(browse)
        self.timeout = spin_box(1, 120, value=5, suffix=" s")
        self.timeout.setMaximumWidth(100)
        f = self.form
        f.add_field("host", "&Host", self.host, "The server's name or address")
        f.add_field("port", "P&ort", self.port, "PostgreSQL's usual port is 5432")
        f.add_field("database", "&Database", self.database, "The database's name on the server")
        f.add_field("user", "&User", self.user, "The user name on the server")
        f.add_field("password", "Pass&word", self.password, "Kept in the keyring or ~/.pgpass")
        f.add_field("sslmode", "&TLS", self.tls, "How the connection is encrypted")
        f.add_field("sslrootcert", "&Root certificate", cert_row,
                    "The certificate of the authority that signed the server's (.crt/.pem)")
        f.add_field("connect_timeout", "Wait at &most", self.timeout,
                    "How long a start waits for a server that does not answer")
        self.fields = QWidget()
        self.fields.setMaximumWidth(760)
        self.fields.setLayout(self.form)
        self.test_button = QPushButton("Test &connection")
        self.save_button = QPushButton("&Save connection")
        self.save_button.setProperty("primary", True)
        self.test_button.clicked.connect(self.test)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (title, self.in_use, self.intro, self.local, self.server, self.fields):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.local.toggled.connect(self._sync)
        self.view: ConnectionView | None = None
        self.reload()

    def reload(self) -> None:
        self._runner.submit(self._api.load, on_done=self.show_view, on_error=self._failed)

    def show_view(self, view: ConnectionView) -> None:
        self.view = view
        self.intro.setText("Kept on this computer and used from its next start. The password "
                           f"is kept in {view.password_store}, never in ptdesk's files or on "
                           "a command line.")
        s = view.settings
        (self.server if s else self.local).setChecked(True)
        if s:
            self.host.setText(s.host)
            self.port.setValue(s.port)
            self.database.setText(s.database)
            self.user.setText(s.user)
            self.tls.setCurrentIndex(max(0, self.tls.findData(s.sslmode)))
            self.root_cert.setText(s.sslrootcert)
            self.timeout.setValue(s.connect_timeout)
        self.password.clear()
        self.password.setPlaceholderText("saved; type to replace" if view.password_saved
                                         else "none saved")
        self._sync()

    def _sync(self) -> None:
        if self._fixed is not None:
            for w in (self.local, self.server, self.fields, self.test_button, self.save_button):
                w.setVisible(False)
            self.intro.setVisible(True)
            self.intro.setText(self._fixed)
            return
        server = self.server.isChecked()
        self.fields.setVisible(server)  # a greyed form reads as values in use: hide it
        self.intro.setVisible(server)
        self.test_button.setVisible(server)
        manager = self._may_manage()
        self.save_button.setVisible(manager)
        for w in (self.local, self.server, self.fields):
            w.setEnabled(manager)
        if not manager:
            self.status.setText("Only an office manager changes the connection.")

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Root certificate", "",
                                              "Certificates (*.crt *.pem *.cer);;All files (*)")
        if path:
            self.root_cert.setText(path)

    def settings(self) -> ServerSettings | None:
        if not self.server.isChecked():
            return None
        return ServerSettings(self.host.text().strip(), self.port.value(),
                              self.database.text().strip(), self.user.text().strip(),
                              str(self.tls.currentData()), self.root_cert.text().strip(),
                              self.timeout.value())

    def test(self) -> None:
        settings = self.settings()
        if settings is None:
            return
        self.form.show_errors({})
        self.status.setText(f"Connecting (at most {settings.connect_timeout} s)…")
        self._runner.submit(self._api.test, settings, self.password.text() or None,
                            on_done=lambda c: self.status.setText(c.words),
                            on_error=self._failed)

    def save(self) -> None:
        self.form.show_errors({})
        self._runner.submit(self._api.save, self.settings(), self.password.text() or None,
                            on_done=self._saved, on_error=self._failed)

    def _saved(self, words: str) -> None:
        self.password.clear()
        self.status.setText(words)
        self._runner.submit(self._api.load, on_done=lambda v: self._keep_status(v, words),
                            on_error=self._failed)

    def _keep_status(self, view: ConnectionView, words: str) -> None:
        self.show_view(view)
        self.status.setText(words)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationErrors):
            self.form.show_errors(exc.errors)
            self.status.setText("See the fields marked above.")
        elif isinstance(exc, DomainError):
            self.status.setText(exc.message)
        else:
            report_unexpected(type(exc), exc, exc.__traceback__, self)
