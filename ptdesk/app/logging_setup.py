"""Logging to a rotating file under the data dir.

Patient names, dates of birth and member ids are never logged: code logs ids only, and a
filter masks anything shaped like a date or a long digit run in case a message slips through.
"""

import io
import logging
import logging.handlers
import re
from pathlib import Path

from ptdesk.storage.private_files import private_dir, private_file

_DATE = re.compile(r"\b\d{1,4}[/-]\d{1,2}[/-]\d{1,4}\b")
_LONG_DIGITS = re.compile(r"\b\d{7,}\b")

LOG_FILE_NAME = "ptdesk.log"


class RedactingFilter(logging.Filter):
    """Last line of defence: masks date-like and long number-like text in log messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _LONG_DIGITS.sub("[number]", _DATE.sub("[date]", message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file it opens (the first, and each after a rotation) is owner-only (0600)."""

    def _open(self) -> io.TextIOWrapper:
        private_file(Path(self.baseFilename))
        return super()._open()


def configure_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    private_dir(logs_dir.parent)  # the data folder
    private_dir(logs_dir)
    log_file = logs_dir / LOG_FILE_NAME
    handler = _PrivateRotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_ptdesk", False)]:
        root.removeHandler(old)
        old.close()
    handler._ptdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return log_file
