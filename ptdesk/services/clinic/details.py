"""The clinic's details the estimates and Good Faith Estimates print (one row in the database)."""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.business_days import BusinessCalendar
from ptdesk.domain.clinic_identity import clean_tin, npi_problem, tin_problem
from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import ClinicDetails

_ROW = 1
_TEXT = ("name", "address_line1", "address_line2", "city", "state", "postal_code", "phone")
_E4 = 10000


def _to_draft(row: ClinicDetails | None) -> ClinicDetailsDraft:
    if row is None:
        return ClinicDetailsDraft()
    dates = tuple(date.fromisoformat(x) for x in row.closed_dates.split() if x)
    return ClinicDetailsDraft(
        **{k: getattr(row, k) for k in _TEXT}, npi=row.npi, tin=row.tin,
        locality_factor=(Decimal(row.locality_factor_e4) / _E4).quantize(Decimal("0.0001")),
        closed_dates=dates)


def validate(draft: ClinicDetailsDraft) -> ClinicDetailsDraft:
    """The draft cleaned (TIN digits only, state upper-case), or `ValidationErrors` by field."""
    errors: dict[str, str] = {}
    tin = clean_tin(draft.tin)
    state = draft.state.strip().upper()
    if p := npi_problem(draft.npi.strip()):
        errors["npi"] = p
    if p := tin_problem(tin):
        errors["tin"] = p
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        errors["state"] = "The two-letter state code, e.g. WI."
    if draft.postal_code and not re.fullmatch(r"\d{5}(-\d{4})?", draft.postal_code.strip()):
        errors["postal_code"] = "A ZIP code: 5 digits, or 5+4 (53703-1234)."
    if not draft.name.strip():
        errors["name"] = "The clinic's name prints on every estimate."
    lf = draft.locality_factor
    if not (lf > 0 and lf.as_tuple().exponent >= -4):  # type: ignore[operator]
        errors["locality_factor"] = "A positive number with at most 4 decimals."
    if errors:
        raise ValidationErrors(errors)
    return replace(draft, name=draft.name.strip(), npi=draft.npi.strip(), tin=tin, state=state,
                   postal_code=draft.postal_code.strip(),
                   closed_dates=tuple(sorted(set(draft.closed_dates))))


def load_details(s: Session) -> ClinicDetailsDraft:
    return _to_draft(s.get(ClinicDetails, _ROW))


def calendar_of(details: ClinicDetailsDraft) -> BusinessCalendar:
    return BusinessCalendar.of(details.closed_dates)


class ClinicDetailsService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def get(self) -> ClinicDetailsDraft:
        with session_scope(self._factory) as s:
            return load_details(s)

    def save(self, draft: ClinicDetailsDraft) -> ClinicDetailsDraft:
        require(Permission.EDIT_CLINIC)
        clean = validate(draft)
        with session_scope(self._factory) as s:
            row = s.get(ClinicDetails, _ROW) or ClinicDetails(id=_ROW)
            for k in _TEXT:
                setattr(row, k, getattr(clean, k).strip())
            row.npi, row.tin = clean.npi, clean.tin
            row.locality_factor_e4 = int(clean.locality_factor * _E4)
            row.closed_dates = "\n".join(d.isoformat() for d in clean.closed_dates)
            s.add(row)
            s.flush()
            return _to_draft(row)
