"""Where the clinic's PostgreSQL server is, kept on this computer: host, port, database, user,
TLS mode and root certificate in `<data dir>/connection.json` (owner-only), the password never
there and never on a command line:
- in the OS keyring (python `keyring`: Windows Credential Manager, macOS Keychain, the
  desktop's Secret Service) when one works;
- else in `~/.pgpass` (PGPASSFILE if set), mode 0600, the file libpq itself reads; the
  settings screen says which was used.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from ptdesk.domain.errors import DomainError
from ptdesk.storage.key_file import fsync_dir
from ptdesk.storage.private_files import private_file

SSL_MODES = ("prefer", "require", "verify-ca", "verify-full")
DEFAULT_SSL_MODE = "prefer"
DEFAULT_TIMEOUT_S = 5
KEYRING_SERVICE = "ptdesk"
FILE_NAME = "connection.json"

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


class ConnectionFileProblem(DomainError):
    """connection.json cannot be read or written."""


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    database: str
    user: str
    sslmode: str = DEFAULT_SSL_MODE
    sslrootcert: str = ""  # a CA certificate file, for verify-ca / verify-full
    connect_timeout: int = DEFAULT_TIMEOUT_S

    @property
    def account(self) -> str:
        """The keyring's user name for this server's password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> URL:
        query = {"sslmode": self.sslmode, "connect_timeout": str(self.connect_timeout)}
        if self.sslrootcert:
            query["sslrootcert"] = self.sslrootcert
        return URL.create("postgresql+psycopg", username=self.user, password=password,
                          host=self.host, port=self.port, database=self.database, query=query)


def settings_file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def read_settings(path: Path) -> ServerSettings | None:
    """The saved server, or None when this computer uses its own file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConnectionFileProblem(f"{path} cannot be read ({exc}); fix or delete it.") from None
    try:
        return ServerSettings(str(data["host"]), int(data["port"]), str(data["database"]),
                              str(data["user"]), str(data.get("sslmode", DEFAULT_SSL_MODE)),
                              str(data.get("sslrootcert", "")),
                              int(data.get("connect_timeout", DEFAULT_TIMEOUT_S)))
    except (KeyError, TypeError, ValueError):
        raise ConnectionFileProblem(f"{path} is not a ptdesk connection file; fix or delete "
                                    "it.") from None


def write_settings(path: Path, settings: ServerSettings | None) -> None:
    """Written whole (a temporary file renamed); None removes it (this computer's file)."""
    if settings is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    tmp.write_text(json.dumps(asdict(settings), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    fsync_dir(path.parent)


# --- the password -------------------------------------------------------------------------

def _keyring() -> "KeyringBackend | None":
    """The OS keyring when one works here (a headless Linux has none: NoKeyringError)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return backend


def keyring_name() -> str | None:
    backend = _keyring()
    return None if backend is None else str(backend.name)


def pgpass_file() -> Path:
    return Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass")


def _pgpass_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def _pgpass_fields(line: str) -> list[str]:
    fields, current, escaped = [], "", False
    for ch in line:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ":":
            fields.append(current)
            current = ""
        else:
            current += ch
    fields.append(current)
    return fields


def _pgpass_write(settings: ServerSettings, password: str | None) -> Path:
    """Replace this server's line of ~/.pgpass (or remove it); the file stays 0600, since
    libpq ignores a .pgpass that others can read."""
    path = pgpass_file()
    head = [settings.host, str(settings.port), settings.database, settings.user]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    kept = [ln for ln in lines if ln.startswith("#") or _pgpass_fields(ln)[:4] != head]
    if password is not None:
        kept.append(":".join(_pgpass_escape(v) for v in [*head, password]))
    elif kept == lines:
        return path  # nothing of this server's there: leave the file (or its absence) alone
    tmp = path.with_name(path.name + ".ptdesk-new")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _pgpass_read(settings: ServerSettings) -> str | None:
    head = [settings.host, str(settings.port), settings.database, settings.user]
    try:
        lines = pgpass_file().read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        fields = _pgpass_fields(line)
        if len(fields) == 5 and fields[:4] == head:
            return fields[4]
    return None


def store_password(settings: ServerSettings, password: str) -> str:
    """Keep the password where only this account reads it; returns where, in words."""
    backend = _keyring()
    if backend is not None:
        try:
            backend.set_password(KEYRING_SERVICE, settings.account, password)
            _pgpass_write(settings, None)  # never two copies that could disagree
            return f"the system keyring ({keyring_name()})"
        except Exception as exc:  # a locked or broken keyring: fall back, and say so
            fallback = f" (the keyring refused: {type(exc).__name__})"
        else:  # pragma: no cover
            fallback = ""
    else:
        fallback = " (no system keyring on this computer)"
    path = _pgpass_write(settings, password)
    return f"{path}, readable by this account only{fallback}"


def load_password(settings: ServerSettings) -> str | None:
    """From the keyring if it holds one; else None and libpq reads ~/.pgpass by itself."""
    backend = _keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, settings.account)
    except Exception:  # a locked keyring: libpq may still find ~/.pgpass
        return None
    return None if value is None else str(value)


def has_saved_password(settings: ServerSettings) -> bool:
    return load_password(settings) is not None or _pgpass_read(settings) is not None
