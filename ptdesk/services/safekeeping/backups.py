"""Backups a clinic can live by: on demand (`ptdesk backup`), once a day on the first start,
keeping the newest N (app setting `backup.keep`, default 14), restore with the current file
kept aside, and the words the window shows about the last one."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import long_date
from ptdesk.storage.backup import (
    PRUNED_LABELS,
    BackupFailed,
    list_backups,
    make_backup,
    prune,
)
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AppSetting

KEEP_KEY = "backup.keep"
DEFAULT_KEEP = 14


@dataclass(frozen=True)
class BackupDone:
    path: Path
    taken_at: datetime
    pruned: int


def _time(t: datetime) -> str:
    return f"{t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


class BackupService:
    def __init__(self, factory: sessionmaker[Session], folder: Path,
                 now: Callable[[], datetime]) -> None:
        self._factory = factory
        self._folder = folder
        self._now = now

    @property
    def _engine(self) -> Engine:
        bind = self._factory.kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    def keep(self) -> int:
        with session_scope(self._factory) as s:
            value = s.scalar(select(AppSetting.value).where(AppSetting.key == KEEP_KEY))
        return int(value) if value and value.isdigit() and int(value) > 0 else DEFAULT_KEEP

    def set_keep(self, keep: int) -> None:
        if not 1 <= keep <= 3650:
            raise ValidationErrors({"keep": "Keep between 1 and 3650 backups."})
        with session_scope(self._factory) as s:
            s.merge(AppSetting(key=KEEP_KEY, value=str(keep)))

    def backup_now(self, to: Path | None = None, *, label: str = "manual") -> BackupDone:
        now = self._now().replace(tzinfo=None)
        folder = to or self._folder
        path = make_backup(self._engine, folder, label, now)
        pruned = prune(folder, self.keep()) if folder == self._folder else []
        return BackupDone(path, now, len(pruned))

    def daily_if_due(self) -> BackupDone | None:
        """The first start of a day backs up (nothing if a daily or manual copy exists)."""
        today = self._now().date()
        if any(b.taken_at.date() == today and b.label in PRUNED_LABELS
               for b in list_backups(self._folder)):
            return None
        return self.backup_now(label="daily")

    def last_backup(self) -> datetime | None:
        found = list_backups(self._folder)
        return found[0].taken_at if found else None

    def status_text(self) -> str:
        """For the status bar: when the last backup was, or why there is none."""
        last = self.last_backup()
        if last is None:
            return "No backup yet"
        today = self._now().date()
        if last.date() == today:
            return f"Last backup: today {_time(last)}"
        days = (today - last.date()).days
        when = "yesterday" if days == 1 else long_date(last.date())
        warn = "  (more than a day old)" if days > 1 else ""
        return f"Last backup: {when} {_time(last)}{warn}"

    def start_of_day(self) -> str:
        """Run by the window after it shows: the daily backup if due, then the status words.
        A failure is said in the status bar (the clinic must notice), not raised."""
        try:
            self.daily_if_due()
        except (BackupFailed, OSError) as exc:
            message = exc.message if isinstance(exc, BackupFailed) else str(exc)
            return f"Backup failed: {message}"
        return self.status_text()
