"""SQLCipher at rest: tell an encrypted database file from a plain one, open it with its key,
copy it (backups) and convert a plain file into an encrypted one without ever losing it.

The key is SQLCipher's raw 32-byte key (`PRAGMA key = "x'…'"`), from storage/key_file.py.
The engine goes through SQLAlchemy's `sqlite+pysqlcipher` dialect (module `sqlcipher3`), with
the key as the URL's password: SQLAlchemy masks it wherever it prints a URL, and it never
leaves the process. Plain databases keep the standard library's `sqlite3`.
"""

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from ptdesk.domain.errors import DomainError
from ptdesk.storage.key_file import KEY_BYTES, WrongSecret, fsync_dir
from ptdesk.storage.private_files import private_file

PLAIN_HEADER = b"SQLite format 3\x00"
CIPHER_DRIVER = "sqlite+pysqlcipher"
_ENCRYPTING = ".encrypting"  # the new file while it is written (deleted if left by a crash)
_OLD_PLAIN = ".plain-old"  # the plain file between the swap and its wiping


class EncryptionFailed(DomainError):
    """The database could not be encrypted; it is as it was."""


def is_encrypted(path: Path) -> bool:
    """An existing database file whose first bytes are not SQLite's plain header."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(PLAIN_HEADER))
    except (FileNotFoundError, IsADirectoryError):
        return False
    return len(head) == len(PLAIN_HEADER) and head != PLAIN_HEADER


def database_errors() -> tuple[type[Exception], ...]:
    """`DatabaseError` of both drivers (sqlcipher3's is its own class); imported late so a
    plain clinic's start-up does not load SQLCipher."""
    import sqlcipher3

    return (sqlite3.DatabaseError, sqlcipher3.DatabaseError)


def _raw(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    return f"x'{key.hex()}'"


def cipher_url(path: Path, key: bytes) -> URL:
    # The dialect sends `pragma key="<password>"`: with x'hex' that is the raw-key form.
    return URL.create(CIPHER_DRIVER, password=_raw(key), database=str(path))


def key_of(engine: Engine) -> bytes | None:
    """The raw key of an engine on an encrypted file, None for a plain one."""
    url = engine.url
    if url.drivername != CIPHER_DRIVER or not url.password:
        return None
    text = str(url.password)
    return bytes.fromhex(text[2:-1]) if text.startswith("x'") else None


def connect(path: Path | str, key: bytes | None, *, read_only: bool = False,
            timeout: float = 5.0) -> Any:
    """A DB-API connection: sqlcipher3 with the key, or the standard library's sqlite3."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    if key is None:
        return sqlite3.connect(target, uri=read_only, timeout=timeout)
    import sqlcipher3

    conn = sqlcipher3.connect(target, uri=read_only, timeout=timeout)
    conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key prints no HMAC lines
    conn.execute(f'PRAGMA key = "{_raw(key)}"')
    return conn


def check_key(path: Path, key: bytes) -> None:
    """Refuse in words a key that does not open `path` (SQLCipher checks page 1's HMAC)."""
    import sqlcipher3

    try:
        conn = connect(path, key, read_only=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlcipher3.DatabaseError:
        raise WrongSecret("That passphrase or recovery key does not open this database."
                          ) from None


def copy_database(source: Any, target: Path, key: bytes | None) -> None:
    """SQLite's online backup from an open driver connection into a new owner-only file,
    encrypted with `key` when the source is (SQLCipher copies pages under the same key)."""
    private_file(target)
    dest = connect(target, key)
    try:
        source.backup(dest)
    finally:
        dest.close()


def _tables(conn: Any, schema: str) -> list[str]:
    rows = conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [str(r[0]) for r in rows]


def export_encrypted(source: Path, source_key: bytes | None, target: Path, key: bytes, *,
                     begin: str = "BEGIN EXCLUSIVE") -> None:
    """Write `source`'s whole content into the new file `target` encrypted with `key`
    (`sqlcipher_export`), under an exclusive lock, then check that every table arrived with
    all its rows. `target` is fsynced; on any failure it is deleted."""
    import sqlcipher3

    target.unlink(missing_ok=True)
    private_file(target)
    try:
        conn = sqlcipher3.connect(str(source), timeout=2)
        try:
            conn.isolation_level = None
            if source_key is not None:
                conn.execute(f'PRAGMA key = "{_raw(source_key)}"')
            conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"{_raw(key)}\"", (str(target),))
            # Nobody writes while the copy is made; another desk that holds the file makes
            # this wait at most the timeout, then the conversion is refused.
            conn.execute(begin)
            conn.execute("SELECT sqlcipher_export('encrypted')")
            version = conn.execute("PRAGMA main.user_version").fetchone()[0]
            conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
            conn.execute("COMMIT")
            tables = _tables(conn, "main")
            if tables != _tables(conn, "encrypted"):
                raise EncryptionFailed("The encrypted copy is missing tables; nothing changed.")
            for table in tables:
                quoted = '"' + table.replace('"', '""') + '"'
                a = conn.execute(f"SELECT count(*) FROM main.{quoted}").fetchone()[0]
                b = conn.execute(f"SELECT count(*) FROM encrypted.{quoted}").fetchone()[0]
                if a != b:
                    raise EncryptionFailed(f"The encrypted copy of {table} has {b} rows "
                                           f"instead of {a}; nothing changed.")
            ok = conn.execute("PRAGMA encrypted.integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise EncryptionFailed("The encrypted copy failed its integrity check; "
                                       "nothing changed.")
            conn.execute("DETACH DATABASE encrypted")
        finally:
            conn.close()
        with open(target, "rb+") as f:
            os.fsync(f.fileno())
    except sqlcipher3.OperationalError as exc:
        target.unlink(missing_ok=True)
        if "locked" in str(exc) or "busy" in str(exc):
            raise EncryptionFailed("Another desk is using the database; close ptdesk on the "
                                   "other computers, then try again.") from None
        raise EncryptionFailed(f"The database could not be encrypted ({exc}); nothing "
                               "changed.") from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def wipe(path: Path) -> None:
    """Overwrite a plain file with zeros, flush, delete. On a disk that remaps blocks (SSDs)
    the old blocks may survive in the drive; the file never stays readable by name."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as f:
            chunk = b"\0" * (1 << 20)
            left = size
            while left > 0:
                f.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
            f.flush()
            os.fsync(f.fileno())
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)


def _fold_wal(path: Path, key: bytes | None) -> None:
    """Checkpoint the write-ahead log into the file and leave no -wal/-shm behind (they
    would hold plain pages, or pages the new file does not expect)."""
    conn = connect(path, key, timeout=2)
    try:
        conn.isolation_level = None
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
    except (sqlite3.OperationalError, Exception) as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise EncryptionFailed("Another desk is using the database; close ptdesk on the "
                                   "other computers, then try again.") from None
        raise
    finally:
        conn.close()
    if not mode or str(mode[0]).lower() != "delete":
        raise EncryptionFailed("Another desk is using the database; close ptdesk on the "
                               "other computers, then try again.")


def encrypt_in_place(path: Path, key: bytes, *, before_swap: Any = None) -> None:
    """Replace the plain database `path` by an encrypted copy, safely:
    1. the write-ahead log is folded in (this also proves no other desk has it open);
    2. `<db>.encrypting` is written with `sqlcipher_export`, checked table by table, fsynced;
    3. `before_swap()` runs (the caller writes the key file: it must exist before the
       encrypted file does);
    4. a hard link keeps the plain file as `<db>.plain-old`, the encrypted file is renamed
       over `path` (atomic), the folder fsynced;
    5. the plain file is overwritten with zeros and deleted.
    A crash before 4 leaves the plain database in place (the leftover is deleted at the next
    start); after 4, the encrypted one (the plain leftover is wiped at the next start)."""
    _fold_wal(path, None)
    tmp = path.with_name(path.name + _ENCRYPTING)
    export_encrypted(path, None, tmp, key)
    if before_swap is not None:
        before_swap()
    old = path.with_name(path.name + _OLD_PLAIN)
    old.unlink(missing_ok=True)
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links: two renames (see tidy_after_crash)
        os.replace(path, old)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    wipe(old)
    for extra in ("-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def tidy_after_crash(path: Path) -> None:
    """At start: remove what an interrupted conversion left (see `encrypt_in_place`)."""
    tmp = path.with_name(path.name + _ENCRYPTING)
    old = path.with_name(path.name + _OLD_PLAIN)
    if old.exists() and not path.exists():
        os.replace(old, path)  # stopped between the two renames: the plain file goes back
    tmp.unlink(missing_ok=True)
    if old.exists() and is_encrypted(path):
        wipe(old)
    elif old.exists():
        old.unlink()  # the swap never happened: `path` is this same plain file (a hard link)
