"""Logging to a rotating file under the data dir.

Patient names, dates of birth and member ids are never logged: code logs ids only, and a
filter masks anything shaped like a date or a long digit run in case a message slips through.
"""

import logging
import logging.handlers
import re
from pathlib import Path

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


def configure_logging(logs_dir: Path, *, level: int = logging.INFO) -> Path:
    logs_dir.mkdir(parents=True, exist_ok=True)
    log_file = logs_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(
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
