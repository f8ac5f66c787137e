"""The key of an encrypted clinic database, and the two secrets that give it back.

The database key is 32 random bytes (SQLCipher's raw key: no key derivation on each open).
- The **recovery key** is that key itself, written for people: 52 letters and digits in groups
  of four. It opens the database and every backup of it with nothing else, on any computer,
  so a lost key file or a forgotten passphrase never loses the clinic.
- The **passphrase** opens the key file beside the database (`<db>.key`, owner-only): scrypt
  turns it into 64 bytes, the first 32 mask the database key, the last 32 sign the result
  (HMAC-SHA256), so a wrong passphrase is told apart from a damaged file and nothing of the
  key shows. Each wrapping draws a new salt, so a mask is never used twice. Changing the
  passphrase rewrites this small file only (docs/encryption.md).
Standard library only (hashlib.scrypt, hmac): nothing more to install or to trust.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ptdesk.domain.errors import DomainError
from ptdesk.storage.private_files import private_file

KEY_BYTES = 32
FORMAT = "ptdesk-sqlcipher-key/1"
# scrypt cost: 2^15 x 8 = 32 MiB and ~0.1 s on a front-desk PC for each try of a passphrase.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_MAXMEM = 64 * 1024 * 1024
_GROUP = 4
# Base32 has no 0, 1 or 8: read as the letters they are mistaken for.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_RECOVERY = re.compile(r"^[A-Z2-7]{52}$")
MIN_PASSPHRASE = 10


class KeyFileProblem(DomainError):
    """The key file is missing, unreadable or not ptdesk's."""


class WrongSecret(DomainError):
    """The passphrase or recovery key does not open this database."""


@dataclass(frozen=True)
class WrappedKey:
    salt: bytes
    masked: bytes
    tag: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def recovery_key_text(key: bytes) -> str:
    """'ABCD-EFGH-…': 13 groups of 4 (256 bits in base32)."""
    plain = base64.b32encode(key).decode("ascii").rstrip("=")
    return "-".join(plain[i:i + _GROUP] for i in range(0, len(plain), _GROUP))


def parse_recovery_key(text: str) -> bytes | None:
    """The key a typed recovery key stands for, or None when `text` is not one (then it may
    be a passphrase). Spaces, dashes and case do not matter."""
    plain = re.sub(r"[\s-]", "", text).upper().translate(_LOOKALIKES)
    if not _RECOVERY.match(plain):
        return None
    try:
        return base64.b32decode(plain + "====")[:KEY_BYTES]
    except binascii.Error:
        return None


def check_passphrase(passphrase: str) -> str | None:
    """Why `passphrase` will not do, or None."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"Use at least {MIN_PASSPHRASE} characters (a few words are easy to remember)."
    if passphrase.strip() != passphrase:
        return "Leave out spaces at the start and the end."
    if parse_recovery_key(passphrase) is not None:
        return "That looks like a recovery key; choose words of your own."
    return None


def _stretch(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAXMEM, dklen=2 * KEY_BYTES)


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def wrap(key: bytes, passphrase: str) -> WrappedKey:
    salt = secrets.token_bytes(16)
    stretched = _stretch(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    masked = _xor(key, stretched[:KEY_BYTES])
    tag = hmac.new(stretched[KEY_BYTES:], masked, hashlib.sha256).digest()
    return WrappedKey(salt, masked, tag)


def unwrap(wrapped: WrappedKey, passphrase: str) -> bytes:
    try:
        stretched = _stretch(passphrase, wrapped.salt, wrapped.n, wrapped.r, wrapped.p)
    except ValueError:  # cost figures scrypt refuses (not a power of 2, over the memory cap)
        raise KeyFileProblem("The key file is damaged; type the recovery key.") from None
    tag = hmac.new(stretched[KEY_BYTES:], wrapped.masked, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, wrapped.tag):
        raise WrongSecret("That passphrase does not open this database. Check Caps Lock, or "
                          "type the recovery key instead.")
    return _xor(wrapped.masked, stretched[:KEY_BYTES])


def key_file_for(database: Path) -> Path:
    return database.with_name(database.name + ".key")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write_key_file(path: Path, wrapped: WrappedKey) -> None:
    """Written whole or not at all: a temporary file (owner-only), flushed, then renamed."""
    body = json.dumps({"format": FORMAT, "kdf": "scrypt", "n": wrapped.n, "r": wrapped.r,
                       "p": wrapped.p, "salt": _b64(wrapped.salt),
                       "masked": _b64(wrapped.masked), "tag": _b64(wrapped.tag)}, indent=1)
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(body + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_key_file(path: Path) -> WrappedKey:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileProblem(f"The key file {path.name} is missing beside the database, so "
                             "the passphrase cannot open it; type the recovery key.") from None
    except (OSError, ValueError) as exc:
        raise KeyFileProblem(f"The key file {path.name} cannot be read ({exc}); type the "
                             "recovery key.") from None
    try:
        if data["format"] != FORMAT or data["kdf"] != "scrypt":
            raise ValueError(data.get("format"))
        salt, masked, tag = (base64.b64decode(data[k], validate=True)
                             for k in ("salt", "masked", "tag"))
        wrapped = WrappedKey(salt, masked, tag, int(data["n"]), int(data["r"]), int(data["p"]))
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise KeyFileProblem(f"{path.name} is not a ptdesk key file; type the recovery "
                             "key.") from None
    if len(wrapped.masked) != KEY_BYTES or len(wrapped.tag) != 32 or len(wrapped.salt) < 16 \
            or not 2 <= wrapped.n <= 2**20 or wrapped.r > 64:
        raise KeyFileProblem(f"{path.name} is damaged; type the recovery key.")
    return wrapped


def key_from_secret(secret: str, key_file: Path) -> bytes:
    """The database key from what a person typed: a recovery key, or the passphrase (which
    needs the key file). The caller still checks that the key opens the database."""
    key = parse_recovery_key(secret)
    if key is not None:
        return key
    return unwrap(read_key_file(key_file), secret)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
