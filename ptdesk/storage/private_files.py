"""Files and folders only this account can read (0600 / 0700): the database, its backups and
the log hold patient data, and the platform's defaults (0644 in 0755) let every account on
the computer read them. Explicit modes rather than a process-wide umask, so importing ptdesk
(tests, another program) changes nothing else. On Windows the modes are ignored (the user's
profile folder is already private)."""

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(folder: Path) -> Path:
    """Create `folder` (and parents) if needed; make it, not its parents, owner-only."""
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _tighten(folder, DIR_MODE)
    return folder


def private_file(path: Path) -> Path:
    """Create `path` empty and owner-only if missing; tighten it if it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 & ~mode:
            os.chmod(path, mode)
    except PermissionError:  # another account's file on a shared folder: leave it
        pass
