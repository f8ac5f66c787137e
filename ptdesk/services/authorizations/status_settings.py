"""Status bands and renewal timing for the clinic and per payer.

Defaults come from resources/rules/status_defaults.csv, each with its source. The clinic may
save its own (the row with payer_id NULL) and any payer its own; a payer without a row uses the
clinic's. `load_bands(session)` is what the panel and board services use.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.kx_status import KxBands
from ptdesk.domain.permissions import Permission
from ptdesk.domain.renewal import RenewalTiming
from ptdesk.domain.status import StatusBands
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.authorizations.dtos import BandDefaultView, BandSettingsDraft, BandSettingsView
from ptdesk.storage.bundled import rules_dir
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Payer, StatusBandSetting

CLINIC_NAME = "Clinic default"
_FIELDS = ("red_visits", "yellow_visits", "red_days", "yellow_days", "renew_at_visits",
           "renew_late_below_visits", "renew_days_before_end")


@lru_cache(maxsize=1)
def bundled_defaults() -> tuple[BandDefaultView, ...]:
    with (rules_dir() / "status_defaults.csv").open(newline="", encoding="utf-8") as f:
        return tuple(BandDefaultView(r["key"], r["value"], r["meaning"], r["source"])
                     for r in csv.DictReader(f))


def default_value(key: str) -> str:
    return next(d.value for d in bundled_defaults() if d.key == key)


def default_draft() -> BandSettingsDraft:
    v = [int(default_value(k)) for k in _FIELDS]
    return BandSettingsDraft(v[0], v[1], v[2], v[3], v[4], v[5], v[6],
                             Decimal(default_value("kx_approaching_within")))


@dataclass(frozen=True, slots=True)
class Bands:
    """The domain's objects for one payer (or the clinic)."""

    status: StatusBands
    timing: RenewalTiming
    kx: KxBands


def to_bands(d: BandSettingsDraft) -> Bands:
    """Validated by the domain; raises `ValidationErrors` keyed by field."""
    errors: dict[str, str] = {}
    status = timing = kx = None
    try:
        status = StatusBands(d.red_visits, d.yellow_visits, d.red_days, d.yellow_days)
    except ValidationErrors as e:
        errors.update(e.errors)
    try:
        if d.renew_at_visits < 0 or d.renew_late_below_visits < 0 or d.renew_days_before_end < 0:
            raise ValidationErrors({"renew_at_visits": "Renewal points cannot be negative."})
        timing = RenewalTiming(d.renew_at_visits, d.renew_late_below_visits,
                               d.renew_days_before_end)
    except ValidationErrors as e:
        errors.update(e.errors)
    try:
        kx = KxBands(d.kx_approaching_within)
    except ValidationErrors as e:
        errors.update(e.errors)
    if errors or status is None or timing is None or kx is None:
        raise ValidationErrors(errors)
    return Bands(status, timing, kx)


@dataclass(frozen=True, slots=True)
class BandTable:
    clinic: Bands
    by_payer: dict[int, Bands]

    def for_payer(self, payer_id: int | None) -> Bands:
        return self.by_payer.get(payer_id, self.clinic) if payer_id is not None else self.clinic


def _draft(r: StatusBandSetting) -> BandSettingsDraft:
    return BandSettingsDraft(r.red_visits, r.yellow_visits, r.red_days, r.yellow_days,
                             r.renew_at_visits, r.renew_late_below_visits,
                             r.renew_days_before_end, r.kx_approaching_within)


_BAND_COLUMNS = (StatusBandSetting.payer_id, StatusBandSetting.red_visits,
                 StatusBandSetting.yellow_visits, StatusBandSetting.red_days,
                 StatusBandSetting.yellow_days, StatusBandSetting.renew_at_visits,
                 StatusBandSetting.renew_late_below_visits,
                 StatusBandSetting.renew_days_before_end,
                 StatusBandSetting.kx_approaching_within)


@cache
def _bands_statement() -> Select[Any]:
    return select(*_BAND_COLUMNS)


@lru_cache(maxsize=16)
def _band_table(rows: tuple[tuple[Any, ...], ...]) -> BandTable:
    """The table of the stored settings, built once per distinct content: every panel, chip
    and check-in reads the bands, and they change when someone saves Settings."""
    clinic = to_bands(default_draft())
    by_payer: dict[int, Bands] = {}
    for payer_id, *values in rows:
        b = to_bands(BandSettingsDraft(*values))
        if payer_id is None:
            clinic = b
        else:
            by_payer[payer_id] = b
    return BandTable(clinic, by_payer)


def load_bands(s: Session) -> BandTable:
    if s.autoflush:
        s.flush()  # a setting saved in this session counts (as the ORM query's autoflush did)
    rows = s.connection().execute(_bands_statement()).all()
    return _band_table(tuple(tuple(r) for r in rows))


class PayerNotFound(DomainError):
    pass


class StatusSettingsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def defaults(self) -> tuple[BandDefaultView, ...]:
        """Every bundled default with its meaning and source."""
        return bundled_defaults()

    def clinic(self) -> BandSettingsView:
        with session_scope(self._factory) as s:
            return _clinic_view(s)

    def for_payer(self, payer_id: int) -> BandSettingsView:
        with session_scope(self._factory) as s:
            return _payer_view(s, payer_id)

    def all(self) -> tuple[BandSettingsView, ...]:
        """The clinic's row, then every active payer's (own or inherited), by name."""
        with session_scope(self._factory) as s:
            ids = s.scalars(select(Payer.id).where(Payer.active).order_by(Payer.name)).all()
            return (_clinic_view(s), *(_payer_view(s, i) for i in ids))

    def save_clinic(self, draft: BandSettingsDraft) -> BandSettingsView:
        return self._save(None, draft)

    def save_payer(self, payer_id: int, draft: BandSettingsDraft) -> BandSettingsView:
        return self._save(payer_id, draft)

    def reset_payer(self, payer_id: int) -> BandSettingsView:
        """Drop the payer's own row: it inherits the clinic's settings again."""
        require(Permission.EDIT_STATUS_BANDS)
        with session_scope(self._factory) as s:
            s.execute(delete(StatusBandSetting).where(StatusBandSetting.payer_id == payer_id))
            bump(s, ())
            s.flush()
            return _payer_view(s, payer_id)

    def _save(self, payer_id: int | None, draft: BandSettingsDraft) -> BandSettingsView:
        require(Permission.EDIT_STATUS_BANDS)
        to_bands(draft)
        with session_scope(self._factory) as s:
            if payer_id is not None and s.get(Payer, payer_id) is None:
                raise PayerNotFound("This payer is no longer in the database.")
            row = s.scalars(select(StatusBandSetting).where(
                StatusBandSetting.payer_id.is_(None) if payer_id is None
                else StatusBandSetting.payer_id == payer_id)).first()
            if row is None:
                row = StatusBandSetting(payer_id=payer_id)
                s.add(row)
            for k in _FIELDS:
                setattr(row, k, getattr(draft, k))
            row.kx_approaching_within = draft.kx_approaching_within
            bump(s, ())
            s.flush()
            return _clinic_view(s) if payer_id is None else _payer_view(s, payer_id)


def _clinic_view(s: Session) -> BandSettingsView:
    row = s.scalars(select(StatusBandSetting).where(StatusBandSetting.payer_id.is_(None))).first()
    return BandSettingsView(None, CLINIC_NAME, row is not None,
                            _draft(row) if row is not None else default_draft())


def _payer_view(s: Session, payer_id: int) -> BandSettingsView:
    payer = s.get(Payer, payer_id)
    if payer is None:
        raise PayerNotFound("This payer is no longer in the database.")
    row = s.scalars(select(StatusBandSetting)
                    .where(StatusBandSetting.payer_id == payer_id)).first()
    if row is not None:
        return BandSettingsView(payer_id, payer.name, True, _draft(row))
    return BandSettingsView(payer_id, payer.name, False, _clinic_view(s).settings)
