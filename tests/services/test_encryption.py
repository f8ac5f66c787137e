"""Encryption at rest (issue 12 #6): a database turned encrypted is unreadable without its key
(no plaintext in the file), reopens with the passphrase and with the recovery key, refuses a
wrong one in words, its backups and pre-upgrade copies are encrypted, migrations run on it,
the passphrase changes, only a manager may, a crash midway loses nothing, the demo stays
plain."""

import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import NotPermitted, Role
from ptdesk.services.safekeeping.backups import BackupService
from ptdesk.services.safekeeping.encryption import EncryptionService
from ptdesk.storage.actor import Actor, acting_as
from ptdesk.storage.backup import check_sqlite_backup, restore_sqlite
from ptdesk.storage.cipher import (
    EncryptionFailed,
    check_key,
    cipher_url,
    connect,
    encrypt_in_place,
    is_encrypted,
    key_of,
    tidy_after_crash,
)
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.key_file import (
    WrongSecret,
    key_file_for,
    key_from_secret,
    new_database_key,
    parse_recovery_key,
    recovery_key_text,
)
from ptdesk.storage.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    migration_connection,
    upgrade_to_head,
)
from tests.services.auth_fixtures import make_clinic

PASS = "correct horse battery staple"
NAME = b"Rivera"  # a patient's last name (make_clinic): must not be readable in the file


class Clock:
    def __call__(self) -> datetime:
        return datetime(2026, 3, 16, 8, 5)


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "ptdesk.sqlite3"
    engine = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(engine)
    make_clinic(make_session_factory(engine))
    yield path, engine
    engine.dispose()


def _service(engine: Engine, tmp_path: Path, *, demo: bool = False) -> EncryptionService:
    return EncryptionService(make_session_factory(engine), tmp_path / "data" / "backups",
                             is_demo=demo)


def _patients(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM patients")).scalar_one())


def _assert_unreadable(path: Path) -> None:
    data = path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert NAME not in data
    assert b"CREATE TABLE" not in data
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def test_turned_on_the_file_is_unreadable_and_reopens_with_either_secret(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    assert NAME in path.read_bytes() or _patients(engine) == 2  # plain before
    service = _service(engine, tmp_path)
    assert not service.status().encrypted
    done = service.turn_on(PASS, PASS)
    _assert_unreadable(path)
    assert not Path(f"{path}-wal").exists() or NAME not in Path(f"{path}-wal").read_bytes()
    assert not path.with_name(path.name + ".plain-old").exists()
    assert not path.with_name(path.name + ".encrypting").exists()
    key_file = key_file_for(path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert service.status().encrypted
    # the service's factory now works on the encrypted file
    with service._factory() as s:
        assert s.execute(text("SELECT count(*) FROM patients")).scalar_one() == 2
    for secret in (PASS, done.recovery_key, done.recovery_key.lower().replace("-", " ")):
        key = key_from_secret(secret, key_file)
        check_key(path, key)
        eng = create_engine_for(cipher_url(path, key))
        assert _patients(eng) == 2
        eng.dispose()
    # the recovery key opens it without the key file too (another computer, a lost file)
    key_file.unlink()
    key = parse_recovery_key(done.recovery_key)
    assert key is not None
    check_key(path, key)


def test_a_wrong_secret_is_refused_in_words(clinic: tuple[Path, Engine],
                                            tmp_path: Path) -> None:
    path, engine = clinic
    _service(engine, tmp_path).turn_on(PASS, PASS)
    with pytest.raises(WrongSecret, match="does not open this database"):
        key_from_secret("not the passphrase", key_file_for(path))
    other = recovery_key_text(new_database_key())
    key = key_from_secret(other, key_file_for(path))  # a well-formed but foreign key
    with pytest.raises(WrongSecret, match="does not open this database"):
        check_key(path, key)


def test_open_context_asks_and_refuses_a_wrong_passphrase(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    import argparse

    from ptdesk.app.context import DatabaseUnavailable, open_context

    path, engine = clinic
    _service(engine, tmp_path).turn_on(PASS, PASS)
    engine.dispose()
    args = argparse.Namespace(data_dir=str(path.parent), db_url=None, demo=False)
    answers = iter(["wrong passphrase!", PASS])
    problems: list[str | None] = []

    def ask(problem: str | None) -> str | None:
        problems.append(problem)
        return next(answers)

    ctx = open_context(args, ask_secret=ask)
    try:
        assert problems[0] is None
        assert problems[1] is not None
        assert "does not open" in problems[1]
        assert ctx.db_label.endswith("(encrypted)")
        assert _patients(ctx.engine) == 2
    finally:
        ctx.close()
    with pytest.raises(DatabaseUnavailable, match="encrypted"):
        open_context(args, ask_secret=lambda problem: None)


def test_backups_are_encrypted_with_the_same_key_and_restore(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    folder = tmp_path / "data" / "backups"
    factory = make_session_factory(engine)
    plain_backup = BackupService(factory, folder, Clock()).backup_now().path
    kept_aside = path.with_name("ptdesk.replaced-20260301-120000.sqlite3")  # by a restore
    kept_aside.write_bytes(plain_backup.read_bytes())
    done = EncryptionService(factory, folder, is_demo=False).turn_on(PASS, PASS)
    assert done.backups_encrypted == 2
    _assert_unreadable(plain_backup)  # the copies made before are encrypted too
    _assert_unreadable(kept_aside)
    new_backup = BackupService(factory, folder, Clock()).backup_now(label="daily").path
    _assert_unreadable(new_backup)
    key = key_from_secret(PASS, key_file_for(path))
    assert check_sqlite_backup(new_backup, key) == head_revision()
    factory.kw["bind"].dispose()
    aside = restore_sqlite(new_backup, path, datetime(2026, 3, 16, 9, 0), key=key,
                           backup_key=key)
    assert aside is not None
    assert is_encrypted(aside)
    _assert_unreadable(path)
    eng = create_engine_for(cipher_url(path, key))
    assert _patients(eng) == 2
    eng.dispose()


def test_a_plain_backup_restored_into_an_encrypted_clinic_comes_back_encrypted(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    plain = tmp_path / "usb-copy.sqlite3"
    raw = engine.raw_connection()
    dest = sqlite3.connect(plain)
    raw.driver_connection.backup(dest)  # type: ignore[union-attr]
    dest.close()
    raw.close()
    _service(engine, tmp_path).turn_on(PASS, PASS)
    key = key_from_secret(PASS, key_file_for(path))
    restore_sqlite(plain, path, datetime(2026, 3, 16, 9, 0), key=key)
    _assert_unreadable(path)
    eng = create_engine_for(cipher_url(path, key))
    assert _patients(eng) == 2
    eng.dispose()


def test_migrations_run_on_an_encrypted_database(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    key = new_database_key()
    engine = create_engine_for(cipher_url(path, key))
    cfg = alembic_config()
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012_booking_outside")
    result = upgrade_to_head(engine, backup_dir=tmp_path / "backups")
    assert result.from_revision == "0012_booking_outside"
    assert current_revision(engine) == head_revision()
    assert result.backup is not None
    _assert_unreadable(path)
    _assert_unreadable(result.backup)  # the copy taken before the upgrade
    check_key(result.backup, key)
    assert key_of(engine) == key
    engine.dispose()


def test_change_passphrase_with_the_old_one_or_the_recovery_key(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    service = _service(engine, tmp_path)
    done = service.turn_on(PASS, PASS)
    with pytest.raises(ValidationErrors) as bad:
        service.change_passphrase("a wrong passphrase", "new passphrase 1", "new passphrase 1")
    assert "current" in bad.value.errors
    service.change_passphrase(PASS, "new passphrase 1", "new passphrase 1")
    with pytest.raises(WrongSecret):
        key_from_secret(PASS, key_file_for(path))
    service.change_passphrase(done.recovery_key, "new passphrase 2", "new passphrase 2")
    check_key(path, key_from_secret("new passphrase 2", key_file_for(path)))


def test_bad_new_passphrases_are_refused_and_nothing_changes(
        clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    service = _service(engine, tmp_path)
    for new, repeat, field in (("short", "short", "passphrase"),
                               (PASS, PASS + "x", "repeat")):
        with pytest.raises(ValidationErrors) as bad:
            service.turn_on(new, repeat)
        assert field in bad.value.errors
    assert not is_encrypted(path)
    assert not key_file_for(path).exists()


def test_only_a_manager_may_turn_it_on(clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    service = _service(engine, tmp_path)
    with acting_as(Actor("Desk", frozenset({Role.FRONT_DESK, Role.BILLER, Role.THERAPIST}))), \
            pytest.raises(NotPermitted, match="only an office manager"):
        service.turn_on(PASS, PASS)
    assert not is_encrypted(path)


def test_the_demo_clinic_stays_plain(clinic: tuple[Path, Engine], tmp_path: Path) -> None:
    path, engine = clinic
    service = _service(engine, tmp_path, demo=True)
    assert not service.status().can_encrypt
    with pytest.raises(ValidationErrors, match="demo"):
        service.turn_on(PASS, PASS)
    assert not is_encrypted(path)


def test_a_crash_before_the_swap_leaves_the_plain_database(
        clinic: tuple[Path, Engine]) -> None:
    path, engine = clinic
    engine.dispose()

    def crash() -> None:
        raise KeyboardInterrupt  # the power goes after the encrypted copy is written

    with pytest.raises(KeyboardInterrupt):
        encrypt_in_place(path, new_database_key(), before_swap=crash)
    tidy_after_crash(path)
    assert not is_encrypted(path)
    assert _patients(engine) == 2
    assert [p.name for p in path.parent.iterdir()
            if p.name.startswith(path.name + ".")] == []


def test_a_crash_after_the_swap_leaves_the_encrypted_one_and_wipes_the_plain(
        clinic: tuple[Path, Engine]) -> None:
    path, engine = clinic
    engine.dispose()
    key = new_database_key()
    # simulate: the encrypted file is in place, the plain one still linked aside
    old = path.with_name(path.name + ".plain-old")
    os.link(path, old)
    tmp = path.with_name(path.name + ".encrypted-copy")
    from ptdesk.storage.cipher import export_encrypted

    export_encrypted(path, None, tmp, key)
    os.replace(tmp, path)
    assert NAME in old.read_bytes()
    tidy_after_crash(path)
    assert not old.exists()
    check_key(path, key)


def test_another_desk_holding_the_file_refuses_the_conversion(
        clinic: tuple[Path, Engine]) -> None:
    path, engine = clinic
    engine.dispose()
    other = connect(path, None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE patients SET first_name = first_name")
    try:
        with pytest.raises(EncryptionFailed, match="Another desk"):
            encrypt_in_place(path, new_database_key())
    finally:
        other.rollback()
        other.close()
    assert not is_encrypted(path)
    assert _patients(engine) == 2


def test_a_crash_between_two_renames_puts_the_plain_file_back(
        clinic: tuple[Path, Engine]) -> None:
    """Where hard links are missing the swap is two renames; stopped between them, the next
    start finds no database but the plain file aside, and puts it back."""
    path, engine = clinic
    engine.dispose()
    tmp = path.with_name(path.name + ".encrypting")
    from ptdesk.storage.cipher import export_encrypted

    export_encrypted(path, None, tmp, new_database_key())
    os.replace(path, path.with_name(path.name + ".plain-old"))
    assert not path.exists()
    tidy_after_crash(path)
    assert not is_encrypted(path)
    assert _patients(engine) == 2
    assert not tmp.exists()


def test_a_tampered_key_file_is_refused_in_words(tmp_path: Path) -> None:
    import json

    from ptdesk.storage.key_file import KeyFileProblem, wrap, write_key_file

    key_file = tmp_path / "db.sqlite3.key"
    write_key_file(key_file, wrap(new_database_key(), PASS))
    data = json.loads(key_file.read_text())
    for field, value in (("n", 3), ("r", 60), ("salt", "%%%"), ("format", "other")):
        bad = dict(data, **{field: value})
        key_file.write_text(json.dumps(bad))
        with pytest.raises(KeyFileProblem):
            key_from_secret(PASS, key_file)
    key_file.write_text("not json")
    with pytest.raises(KeyFileProblem):
        key_from_secret(PASS, key_file)
