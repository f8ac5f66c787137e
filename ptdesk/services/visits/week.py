"""The Today page's week view (issue 10 #2): one provider's week, Monday to Saturday, in the
clinic's time slots, with each visit's patient (short name), status chip and booking mark,
free slots, and the days the clinic is closed. Clinic hours are a small clinic-wide setting
(`app_settings`: open, close, slot length), defaulting to 8:00-18:00 in 30-minute slots.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.business_days import federal_holidays
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.domain.week_grid import ClinicHours, parse_hours
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.clinic.details import load_details
from ptdesk.services.patients.dtos import ProviderOption
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AppSetting, Patient, Provider, Visit

DAYS = 6  # Monday to Saturday
_KEYS = ("clinic_opens", "clinic_closes", "clinic_slot_minutes")
_SHOWN = (VisitStatus.BOOKED, VisitStatus.CHECKED_IN, VisitStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class WeekVisit:
    visit_id: int
    patient_id: int
    short_name: str  # "Quintero R." (the week's cells are narrow)
    at: time | None
    status: VisitStatus
    chip: StatusChipView | None
    outside: str  # booked outside the authorization: why ("" = no)


@dataclass(frozen=True, slots=True)
class WeekView:
    monday: date
    provider_id: int | None
    providers: tuple[ProviderOption, ...]
    hours: ClinicHours
    days: tuple[date, ...]
    closed: tuple[str, ...]  # per day: "" open, else why ("federal holiday", "clinic closed")
    # cells[slot][day]: the visits in that slot; the last row holds visits with no time.
    cells: tuple[tuple[tuple[WeekVisit, ...], ...], ...]
    untimed: tuple[tuple[WeekVisit, ...], ...]


def short_name(last: str, first: str, preferred: str | None) -> str:
    initial = (preferred or first or "")[:1]
    return f"{last} {initial}." if initial else last


def _order(v: WeekVisit) -> tuple[time, str, int]:
    return (v.at or time.min, v.short_name.casefold(), v.visit_id)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def load_hours(s: Session) -> ClinicHours:
    got = {k: v for k, v in s.execute(select(AppSetting.key, AppSetting.value)
                                      .where(AppSetting.key.in_(_KEYS)))}
    return parse_hours(got.get(_KEYS[0], "08:00"), got.get(_KEYS[1], "18:00"),
                       got.get(_KEYS[2], "30"))


class WeekService:
    def __init__(self, session_factory: sessionmaker[Session], *,
                 with_status: bool = True) -> None:
        self._factory = session_factory
        self._with_status = with_status
        # Chips by patient for one (change counter, day): see `_chips`. The worker pool may
        # run two loads at once; a lost update only costs a recomputation.
        self._chip_key: tuple[int, date] | None = None
        self._chip_cache: dict[int, StatusChipView | None] = {}

    def _chips(self, s: Session, patient_ids: list[int],
               today: date) -> dict[int, StatusChipView | None]:
        """The patients' status chips, remembered until the change counter moves (flicking
        through providers and weeks asks for the same patients again)."""
        if not self._with_status:
            return {}
        from ptdesk.services.authorizations.change_counter import current_token
        from ptdesk.services.board.practice_board import statuses_for

        key = (current_token(s), today)
        if self._chip_key != key:
            self._chip_key, self._chip_cache = key, {}
        missing = [p for p in patient_ids if p not in self._chip_cache]
        if missing:
            got = statuses_for(s, missing, today)
            self._chip_cache.update({p: got.get(p) for p in missing})
        return {p: self._chip_cache[p] for p in patient_ids}

    def hours(self) -> ClinicHours:
        with session_scope(self._factory) as s:
            return load_hours(s)

    def save_hours(self, hours: ClinicHours) -> ClinicHours:
        require(Permission.EDIT_CLINIC)
        values = (hours.opens.strftime("%H:%M"), hours.closes.strftime("%H:%M"),
                  str(hours.slot_minutes))
        with session_scope(self._factory) as s:
            for key, value in zip(_KEYS, values, strict=True):
                row = s.get(AppSetting, key) or AppSetting(key=key, value=value)
                row.value = value
                s.add(row)
            s.flush()
            return load_hours(s)

    def week(self, day: date, provider_id: int | None, today: date) -> WeekView:
        """The week containing `day` for one provider (None: the first active one)."""
        monday = monday_of(day)
        days = tuple(monday + timedelta(days=i) for i in range(DAYS))
        with session_scope(self._factory) as s:
            hours = load_hours(s)
            providers = tuple(
                ProviderOption(p.id, f"{p.last_name}, {p.first_name}"
                               + (f", {p.credentials}" if p.credentials else ""),
                               p.role.value, p.npi or "")
                for p in s.execute(select(Provider).where(Provider.active.is_(True))
                                   .order_by(Provider.last_name, Provider.first_name))
                .scalars())
            if provider_id is None or all(p.id != provider_id for p in providers):
                provider_id = providers[0].id if providers else None
            closed_dates = set(load_details(s).closed_dates)
            rows = s.execute(
                select(Visit.id, Visit.patient_id, Patient.last_name, Patient.first_name,
                       Patient.preferred_name, Visit.visit_date, Visit.scheduled_time,
                       Visit.status, Visit.outside_reason)
                .join(Patient, Patient.id == Visit.patient_id)
                .where(Visit.provider_id == provider_id, Visit.visit_date >= days[0],
                       Visit.visit_date <= days[-1], Visit.status.in_(_SHOWN))
            ).all()
            chips = self._chips(s, sorted({r[1] for r in rows}), today) if rows else {}
        slots = hours.slots()
        grid: list[list[list[WeekVisit]]] = [[[] for _ in days] for _ in slots]
        untimed: list[list[WeekVisit]] = [[] for _ in days]
        for vid, pid, last, first, pref, d, at, status, outside in rows:
            v = WeekVisit(vid, pid, short_name(last, first, pref), at, status, chips.get(pid),
                          outside or "")
            col = (d - monday).days
            if at is None:
                untimed[col].append(v)
            else:
                grid[hours.slot_of(at)][col].append(v)
        closed = tuple("federal holiday" if d in federal_holidays(d.year)
                       else "clinic closed" if d in closed_dates else "" for d in days)
        return WeekView(
            monday, provider_id, providers, hours, days, closed,
            tuple(tuple(tuple(sorted(c, key=_order)) for c in row) for row in grid),
            tuple(tuple(sorted(c, key=_order)) for c in untimed))
