"""Where a command's report goes: standard output, or a file written all or nothing.

A file is written beside its destination and moved into place (`os.replace`), so a failure
half-way never leaves half a report where the old one was (issue 12). Used by the estimate,
board and export commands; the audit streams large reports and keeps its own temp file.
"""

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_atomically(path: Path, data: bytes) -> None:
    """All or nothing: a temp file beside `path`, then os.replace."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def emit_text(out: Path | None, write: Callable[[TextIO], None], command: str) -> int:
    """Run `write` into standard output, or into `out` all or nothing. Exit code: 0, or 2 with
    one line when the file cannot be written."""
    if out is None:
        write(sys.stdout)
        return 0
    buffer = io.StringIO(newline="")
    write(buffer)
    try:
        write_atomically(out, buffer.getvalue().encode("utf-8"))
    except OSError as exc:
        print(f"ptdesk {command}: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0
