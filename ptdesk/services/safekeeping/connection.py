"""The connection settings screen's service: which PostgreSQL server this computer opens, over
TLS or not, with the password in the OS keyring or ~/.pgpass (storage/server_connection.py).
Only an office manager changes them (checked here). They take effect at the next start.

Before anyone is signed in (the server moved and the window cannot open), nobody can be a
manager: `save_before_sign_in` then writes the same file the OS account could edit by hand;
it never reads or writes the clinic's data.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.accounts.access import Permission, record_event, require
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.server_connection import (
    SSL_MODES,
    ServerSettings,
    has_saved_password,
    keyring_name,
    load_password,
    pgpass_file,
    read_settings,
    settings_file,
    store_password,
    write_settings,
)

__all__ = ["SSL_MODES", "ConnectionCheck", "ConnectionService", "ConnectionView",
           "ServerSettings", "check_settings"]

_HOST = re.compile(r"^[A-Za-z0-9._:\-\[\]]+$")
_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True)
class ConnectionView:
    settings: ServerSettings | None  # None: this computer's own database file
    password_saved: bool
    password_store: str  # where a password would be kept, in words


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    words: str


class ConnectionService:
    def __init__(self, data_dir: Path,
                 factory: sessionmaker[Session] | None = None) -> None:
        self._file = settings_file(data_dir)
        self._factory = factory  # the open database, for the audit trail (None before)

    def load(self) -> ConnectionView:
        settings = read_settings(self._file)
        store = keyring_name()
        words = (f"the system keyring ({store})" if store else
                 f"{pgpass_file()} (readable by this account only; this computer has no "
                 "system keyring)")
        saved = settings is not None and has_saved_password(settings)
        return ConnectionView(settings, saved, words)

    def save(self, settings: ServerSettings | None, password: str | None) -> str:
        """Keep `settings` (None: go back to this computer's file) and the password if one
        was typed (None keeps the saved one). Returns what was done, in words."""
        require(Permission.MANAGE_SECURITY)
        words = self._save(settings, password)
        if self._factory is not None:
            record_event(self._factory, "connection_settings_changed",
                         details={"server": None if settings is None else
                                  f"{settings.host}:{settings.port}/{settings.database}",
                                  "sslmode": None if settings is None else settings.sslmode})
        return words

    def save_before_sign_in(self, settings: ServerSettings | None,
                            password: str | None) -> str:
        return self._save(settings, password)

    def _save(self, settings: ServerSettings | None, password: str | None) -> str:
        if settings is None:
            write_settings(self._file, None)
            return "This computer opens its own database file from the next start."
        check_settings(settings)
        where = store_password(settings, password) if password else None
        write_settings(self._file, settings)
        saved = f" The password is kept in {where}." if where else ""
        return (f"Saved: ptdesk opens {settings.host}/{settings.database} from the next "
                f"start (the clinic's data is not copied there).{saved}")

    def test(self, settings: ServerSettings, password: str | None) -> ConnectionCheck:
        """Connect once (bounded by the timeout) and say whether TLS is in use."""
        check_settings(settings)
        engine = create_engine_for(settings.url(password or load_password(settings)))
        try:
            with engine.connect() as conn:
                ssl = conn.execute(text("SELECT ssl, version FROM pg_stat_ssl "
                                        "WHERE pid = pg_backend_pid()")).first()
        except DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            return ConnectionCheck(False, f"Could not connect: {first}")
        finally:
            engine.dispose()
        if ssl is not None and ssl[0]:
            return ConnectionCheck(True, f"Connected, encrypted with {ssl[1]}.")
        return ConnectionCheck(True, "Connected, but NOT encrypted: the server does not offer TLS. "
                                "Choose \"require\" once it does.")


def check_settings(s: ServerSettings) -> None:
    errors: dict[str, str] = {}
    if not s.host or not _HOST.match(s.host):
        errors["host"] = "Type the server's name or address (letters, digits, dots, dashes)."
    if not 1 <= s.port <= 65535:
        errors["port"] = "The port is a number from 1 to 65535 (PostgreSQL's usual is 5432)."
    if not s.database or not _NAME.match(s.database):
        errors["database"] = "Type the database's name (letters, digits, _ . -)."
    if not s.user or not _NAME.match(s.user):
        errors["user"] = "Type the user name on the server (letters, digits, _ . -)."
    if s.sslmode not in SSL_MODES:
        errors["sslmode"] = f"TLS is one of {', '.join(SSL_MODES)}."
    if s.sslmode in ("verify-ca", "verify-full") and not s.sslrootcert:
        errors["sslrootcert"] = ("Checking the server's certificate needs the certificate of "
                                 "the authority that signed it (a .crt or .pem file).")
    elif s.sslrootcert and not Path(s.sslrootcert).is_file():
        errors["sslrootcert"] = f"{s.sslrootcert} is not a file on this computer."
    if not 1 <= s.connect_timeout <= 120:
        errors["connect_timeout"] = "Wait between 1 and 120 seconds for the server."
    if errors:
        raise ValidationErrors(errors)
