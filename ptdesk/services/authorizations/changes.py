"""Add, edit and end authorizations; keep each patient's visit allocation current (issue 5).

Every method is one transaction (`session_scope`) and returns frozen rows from
`authorization_dtos`. Validation is the domain's (`AuthorizationRecord` refuses an end before
the start and negative counts) plus the form rules below; what needs the database (overlaps
with the coverage's other authorizations) comes back as warnings, not errors. After every
change the patient's visits are re-allocated (`domain.visit_allocation.allocate`) and the
change counter is bumped, in the same transaction.
"""

import re
from collections.abc import Callable
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationRecord, AuthState
from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.permissions import Permission
from ptdesk.domain.status import long_date, short_date
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.authorizations.dtos import (
    AuthorizationCodeDraft,
    AuthorizationDraft,
    AuthorizationSaved,
    OverlapWarning,
)
from ptdesk.services.authorizations.records import (
    coverage_patient,
    load_auths,
    load_patients,
    reallocate,
    refresh_patient,
)
from ptdesk.storage.concurrency import lock_patients, retry_conflicts
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Authorization, AuthorizationCode, Patient

MAX_SPAN_DAYS = 731  # an authorization longer than two years is almost surely a typo
_CODE = re.compile(r"^[A-Z0-9]{5}$")


class AuthorizationNotFound(DomainError):
    """The authorization was removed (another desk may have changed it)."""


@cache
def known_codes() -> frozenset[str]:
    """The procedure codes ptdesk knows (resources/rules/codes.csv): an authorization may
    name only these, so a typo ("9711X") cannot pass as a code nothing will ever match."""
    # Imported here: the rule tables' module brings the billing engine, which the patient
    # screen (built at start-up when it was the last page) needs only when an authorization
    # is saved.
    from ptdesk.storage.rule_tables import read_codes, rules_dir

    return frozenset(read_codes(rules_dir()))


def validate(draft: AuthorizationDraft) -> None:
    """Raise `ValidationErrors` keyed by field for everything the dialog must refuse."""
    errors: dict[str, str] = {}
    try:  # the domain's own checks: end before start, negative counts
        AuthorizationRecord(0, draft.coverage_id, _terms(draft), draft.state, draft.carried_in)
    except ValidationErrors as e:
        errors.update(e.errors)
    if draft.state is AuthState.ENDED:
        errors["state"] = "Use End authorization to close one early."
    if draft.state is AuthState.ACTIVE and draft.authorized == 0:
        errors["authorized"] = (f"An approved authorization needs at least one "
                                f"{'unit' if draft.counts is AuthUnit.UNITS else 'visit'}.")
    if "end" not in errors and (draft.end - draft.start).days > MAX_SPAN_DAYS:
        errors["end"] = (f"{long_date(draft.start)} to {long_date(draft.end)} is more than two "
                         "years: check the dates.")
    codes = [c.code.strip().upper() for c in draft.codes]
    bad = [c for c in codes if not _CODE.match(c)]
    unknown = [c for c in codes if _CODE.match(c) and c not in known_codes()]
    if bad:
        errors["codes"] = f"Not a procedure code: {', '.join(bad)} (5 letters or digits)."
    elif unknown:
        errors["codes"] = (f"Not on ptdesk's code list: {', '.join(unknown)} (check the "
                           "payer's letter for the therapy codes it names).")
    elif len(set(codes)) != len(codes):
        errors["codes"] = "A code is listed twice."
    units = [c.units for c in draft.codes]
    if draft.counts is AuthUnit.VISITS and any(u is not None for u in units):
        errors["codes"] = "Units per code apply only to an authorization counted in units."
    if draft.counts is AuthUnit.UNITS:
        if not draft.codes:
            errors["codes"] = "An authorization counted in units needs its codes."
        elif any(u is not None and u <= 0 for u in units):
            errors["codes"] = "Each code's units must be at least 1."
        elif all(u is not None for u in units):
            total = sum(u for u in units if u is not None)
            if total != draft.authorized:
                errors["authorized"] = (f"The codes' units add up to {total}, not "
                                        f"{draft.authorized}.")
            if draft.carried_in:
                errors["carried_in"] = ("For units per code, enter the units used before "
                                        "ptdesk in the notes; they cannot be split by code.")
        elif any(u is not None for u in units):
            errors["codes"] = "Give units for every code, or for none (one shared pool)."
    if "authorized" not in errors and draft.carried_in > draft.authorized > 0:
        errors["carried_in"] = "More used before ptdesk than were authorized."
    if errors:
        raise ValidationErrors(errors)


def _terms(draft: AuthorizationDraft) -> AuthorizationTerms:
    return AuthorizationTerms(
        start=draft.start, end=draft.end, authorized=draft.authorized,
        codes=frozenset(c.code.strip().upper() for c in draft.codes), counts=draft.counts,
        number=draft.number.strip(),
    )


def overlaps(s: Session, draft: AuthorizationDraft, own_id: int | None) -> tuple[
    OverlapWarning, ...
]:
    """Authorizations of the same coverage, same unit, overlapping in dates and codes."""
    if draft.state is not AuthState.ACTIVE:
        return ()
    mine = frozenset(c.code.strip().upper() for c in draft.codes)
    out = []
    for a in load_auths(s, (draft.coverage_id,)):
        if a.id == own_id or a.state is not AuthState.ACTIVE or a.counts is not draft.counts:
            continue
        end = a.ended_on if a.ended_on is not None and a.ended_on < a.end else a.end
        if a.start > draft.end or end < draft.start:
            continue
        theirs = frozenset(c for c, _ in a.codes)
        if mine and theirs and not (mine & theirs):
            continue
        common = sorted(mine & theirs) if mine and theirs else []
        what = f"codes {', '.join(common)}" if common else "the same codes (any code)"
        label = f"Auth {a.number}" if a.number else f"Auth #{a.id}"
        out.append(OverlapWarning(
            a.id, a.number, a.start, end,
            f"{label} ({short_date(a.start)} to {short_date(end)}) already covers these dates "
            f"and {what}. Two authorizations for the same visits are usually a typing mistake; "
            "save anyway only if the payer really approved both.",
        ))
    return tuple(out)


class AuthorizationService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def check(
        self, draft: AuthorizationDraft, authorization_id: int | None = None
    ) -> tuple[OverlapWarning, ...]:
        """Validate without saving: raises `ValidationErrors` (by field) for what is refused,
        returns the overlap warnings the dialog shows before saving."""
        validate(draft)
        with session_scope(self._factory) as s:
            return overlaps(s, draft, authorization_id)

    @retry_conflicts
    def add(self, draft: AuthorizationDraft) -> AuthorizationSaved:
        """Add an approved authorization or a pending placeholder; re-allocate the visits."""
        require(Permission.EDIT_PATIENTS)
        validate(draft)
        with session_scope(self._factory) as s:
            pid = coverage_patient(s, draft.coverage_id)
            if pid is None:
                raise ValidationErrors({"coverage_id": "This coverage no longer exists."})
            warnings = overlaps(s, draft, None)
            auth = Authorization(coverage_id=draft.coverage_id)
            _apply(auth, draft)
            s.add(auth)
            s.flush()
            _, token = refresh_patient(s, pid)
            return AuthorizationSaved(auth.id, warnings, token)

    @retry_conflicts
    def update(self, authorization_id: int, draft: AuthorizationDraft) -> AuthorizationSaved:
        require(Permission.EDIT_PATIENTS)
        validate(draft)
        with session_scope(self._factory) as s:
            auth = self._get(s, authorization_id)
            old_cov = auth.coverage_id
            pid = coverage_patient(s, draft.coverage_id)
            if pid is None or pid != coverage_patient(s, old_cov):
                raise ValidationErrors({"coverage_id": "Choose one of this patient's coverages."})
            warnings = overlaps(s, draft, authorization_id)
            auth.codes.clear()
            s.flush()  # the old codes go before the new ones (unique per authorization)
            auth.coverage_id = draft.coverage_id
            _apply(auth, draft)
            s.flush()
            _, token = refresh_patient(s, pid)
            return AuthorizationSaved(auth.id, warnings, token)

    @retry_conflicts
    def end(self, authorization_id: int, ended_on: date, reason: str) -> AuthorizationSaved:
        """Close early (discharge, replaced): visits after `ended_on` stop drawing from it."""
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            auth = self._get(s, authorization_id)
            if ended_on < auth.start_date:
                raise ValidationErrors({"ended_on": "It cannot end before it starts "
                                                    f"({long_date(auth.start_date)})."})
            if not reason.strip():
                raise ValidationErrors({"end_reason": "Say why it ends (discharged, replaced)."})
            auth.ended_on = min(ended_on, auth.end_date)
            auth.end_reason = reason.strip()[:200]
            auth.state = AuthState.ENDED
            s.flush()
            pid = coverage_patient(s, auth.coverage_id)
            assert pid is not None
            _, token = refresh_patient(s, pid)
            return AuthorizationSaved(auth.id, (), token)

    def draft_of(self, authorization_id: int) -> AuthorizationDraft:
        with session_scope(self._factory) as s:
            return draft_of(self._get(s, authorization_id))

    @retry_conflicts
    def reallocate_patient(self, patient_id: int) -> int:
        """Rewrite the patient's stored allocation and usage; returns the new change token."""
        with session_scope(self._factory) as s:
            return refresh_patient(s, patient_id)[1]

    def reallocate_all(
        self, progress: Callable[[int, int], None] | None = None, batch: int = 2000
    ) -> int:
        """Every patient (after a bulk import or the demo generator, which write visits
        without their allocation); one transaction per batch. Returns patients done."""
        with session_scope(self._factory) as s:
            ids = list(s.scalars(select(Patient.id).order_by(Patient.id)))
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            with session_scope(self._factory) as s:
                lock_patients(s, chunk)
                for data in load_patients(s, chunk).values():
                    reallocate(s, data)
                bump(s, ())
            if progress is not None:
                progress(min(i + batch, len(ids)), len(ids))
        return len(ids)

    @staticmethod
    def _get(s: Session, authorization_id: int) -> Authorization:
        auth = s.get(Authorization, authorization_id)
        if auth is None:
            raise AuthorizationNotFound("This authorization is no longer in the database.")
        return auth


def _apply(auth: Authorization, d: AuthorizationDraft) -> None:
    auth.number = d.number.strip()
    auth.state = d.state
    auth.start_date = d.start
    auth.end_date = d.end
    auth.counts = d.counts
    auth.authorized = d.authorized
    auth.used_before_ptdesk = d.carried_in
    auth.notes = d.notes
    if d.state is not AuthState.ENDED:
        auth.ended_on = None
        auth.end_reason = ""
    auth.codes = [AuthorizationCode(code=c.code.strip().upper(), authorized_units=c.units)
                  for c in d.codes]


def draft_of(a: Authorization) -> AuthorizationDraft:
    return AuthorizationDraft(
        coverage_id=a.coverage_id, start=a.start_date, end=a.end_date, authorized=a.authorized,
        number=a.number, state=a.state, counts=a.counts,
        codes=tuple(AuthorizationCodeDraft(c.code, c.authorized_units)
                    for c in sorted(a.codes, key=lambda c: c.code)),
        carried_in=a.used_before_ptdesk, notes=a.notes,
    )



