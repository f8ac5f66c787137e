"""Encryption at rest of the clinic's SQLite file (issue 12 #6, ONC 170.315(d)(7)): the office
manager turns it on with a passphrase and gets a recovery key once; the passphrase can be
changed. Only a manager may (checked here, not only on the screen). The design, and why the
recovery key is the database key itself: docs/encryption.md.
"""

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.services.accounts.access import Permission, record_event, require
from ptdesk.storage.backup import list_backups
from ptdesk.storage.cipher import (
    EncryptionFailed,
    check_key,
    cipher_url,
    export_encrypted,
    is_encrypted,
    key_of,
    wipe,
)
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.key_file import (
    check_passphrase,
    key_file_for,
    key_from_secret,
    new_database_key,
    recovery_key_text,
    wrap,
    write_key_file,
)
from ptdesk.storage.migrate import sqlite_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EncryptionStatus:
    can_encrypt: bool  # a clinic's own SQLite file (not a server, not the demo)
    encrypted: bool
    database: Path | None
    words: str  # what the Settings tab says


@dataclass(frozen=True)
class EncryptionDone:
    recovery_key: str  # shown once; ptdesk keeps no copy of it in words
    backups_encrypted: int
    backups_left_plain: int


class EncryptionService:
    def __init__(self, factory: sessionmaker[Session], backups_dir: Path, *,
                 is_demo: bool) -> None:
        self._factory = factory
        self._backups_dir = backups_dir
        self._is_demo = is_demo

    @property
    def _engine(self) -> Engine:
        bind = self._factory.kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    def status(self) -> EncryptionStatus:
        path = sqlite_file(self._engine)
        if path is None:
            return EncryptionStatus(False, False, None, "The clinic's data is on a database "
                                    "server: its encryption is the server's (ask whoever runs "
                                    "it); the connection below can require TLS.")
        if self._is_demo:
            return EncryptionStatus(False, False, path, "The demo clinic holds synthetic "
                                    "data only and stays unencrypted.")
        if key_of(self._engine) is not None:
            return EncryptionStatus(True, True, path, "The database file and its backups are "
                                    "encrypted (SQLCipher, AES-256). ptdesk asks for the "
                                    "passphrase or the recovery key at every start.")
        return EncryptionStatus(True, False, path, "The database file is not encrypted: "
                                "anyone who copies it (a stolen disk, a backup drive) can read "
                                "it.")

    def turn_on(self, passphrase: str, repeat: str) -> EncryptionDone:
        """Encrypt the database file in place and the backups in the backups folder; returns
        the recovery key to show once. Other desks must have closed the file."""
        require(Permission.MANAGE_SECURITY)
        state = self.status()
        if not state.can_encrypt or state.database is None:
            raise ValidationErrors({"passphrase": state.words})
        if state.encrypted:
            raise ValidationErrors({"passphrase": "The database is already encrypted."})
        _check_new(passphrase, repeat)
        path = state.database
        key = new_database_key()
        wrapped = wrap(key, passphrase)
        old = self._engine
        old.dispose()  # every pooled connection closed: the file is about to be replaced
        try:
            from ptdesk.storage.cipher import encrypt_in_place

            encrypt_in_place(path, key,
                             before_swap=lambda: write_key_file(key_file_for(path), wrapped))
        except BaseException:
            if not is_encrypted(path):
                key_file_for(path).unlink(missing_ok=True)  # never a key for a plain file
            raise
        self._factory.configure(bind=create_engine_for(cipher_url(path, key)))
        done, plain = self._encrypt_copies(key, path)
        record_event(self._factory, "encryption_on",
                     details={"backups_encrypted": done, "backups_left_plain": plain})
        log.info("database encrypted; %d backups encrypted, %d left", done, plain)
        return EncryptionDone(recovery_key_text(key), done, plain)

    def _encrypt_copies(self, key: bytes, database: Path) -> tuple[int, int]:
        """The plain copies hold the same patients: the backups folder's, and the files a
        restore kept aside (`<db>.replaced-<time>`). Encrypt them too."""
        done = failed = 0
        problems: tuple[type[Exception], ...] = (EncryptionFailed, OSError, *_db_errors())
        copies = [b.path for b in list_backups(self._backups_dir)]
        copies += sorted(database.parent.glob(f"{database.stem}.replaced-*{database.suffix}"))
        for copy in copies:
            if copy.suffix == ".pgdump" or not copy.is_file() or is_encrypted(copy):
                continue
            tmp = copy.with_name(copy.name + ".encrypting")
            try:
                export_encrypted(copy, None, tmp, key, begin="BEGIN")
                old = copy.with_name(copy.name + ".plain-old")
                copy.rename(old)
                tmp.rename(copy)
                wipe(old)
                done += 1
            except problems:
                log.exception("a plain backup could not be encrypted")
                tmp.unlink(missing_ok=True)
                failed += 1
        return done, failed

    def change_passphrase(self, current: str, new: str, repeat: str) -> None:
        """`current` is the passphrase or the recovery key (so a forgotten passphrase is
        replaced with the recovery key). The database itself is not rewritten."""
        require(Permission.MANAGE_SECURITY)
        path = sqlite_file(self._engine)
        if path is None or not is_encrypted(path):
            raise ValidationErrors({"current": "The database is not encrypted."})
        if not current:
            raise ValidationErrors({"current": "Type the current passphrase or the recovery "
                                               "key."})
        _check_new(new, repeat)
        from ptdesk.storage.key_file import KeyFileProblem, WrongSecret

        try:
            key = key_from_secret(current, key_file_for(path))
            check_key(path, key)
        except (WrongSecret, KeyFileProblem) as exc:
            raise ValidationErrors({"current": exc.message}) from None
        write_key_file(key_file_for(path), wrap(key, new))
        record_event(self._factory, "passphrase_changed")


def _check_new(passphrase: str, repeat: str) -> None:
    problem = check_passphrase(passphrase)
    if problem:
        raise ValidationErrors({"passphrase": problem})
    if passphrase != repeat:
        raise ValidationErrors({"repeat": "The two passphrases differ."})


def _db_errors() -> tuple[type[Exception], ...]:
    from ptdesk.storage.cipher import database_errors

    return database_errors()
