"""Patients and their coverages: find, open, create, edit (issue 3, items 4 and 5).

Every method is one transaction and returns frozen rows (patient_dtos). Validation is the
domain's (patient_rules); what needs the database (a chart number already taken, two primary
coverages at once) is checked here and raised as the same `ValidationErrors`, keyed by field.
"""

from collections.abc import Iterable
from dataclasses import asdict, replace
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.overrides import OverrideKind, override_words
from ptdesk.domain.patient_rules import (
    CoverageDraft,
    PatientDraft,
    age_on,
    check_coverage,
    check_patient,
    same_person_key,
)
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.patients.chart_numbers import (
    chart_prefix,
    ensure_counter,
    next_chart_number,
    set_chart_prefix,
)
from ptdesk.services.patients.dtos import (
    PRIORITY_LABELS,
    CoverageInfo,
    CoverageState,
    DuplicateCandidate,
    PatientDetail,
    PatientRecord,
    VisitInfo,
    display_name,
)
from ptdesk.services.patients.lookup import PatientLookup
from ptdesk.services.patients.search import rewrite_search_terms
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Coverage,
    Patient,
    Payer,
    Provider,
    Visit,
    VisitOverride,
)

# A unique violation on the chart number when another desk saved the same one first.
_CHART_ATTEMPTS = 5
RECORD_VISITS = 12  # upcoming and past visits shown on the record, each


class PatientNotFound(DomainError):
    """The patient was removed or never existed (another desk may have changed it)."""


class CoverageNotFound(DomainError):
    pass


class PatientService(PatientLookup):
    """Find (the lookup, `PatientLookup`), open, create and edit patients and coverages."""

    def get(self, patient_id: int, today: date) -> PatientRecord:
        require(Permission.VIEW_PATIENTS)
        with session_scope(self._factory) as s:
            patient = s.get(Patient, patient_id)
            if patient is None:
                raise PatientNotFound("This patient is no longer in the database.")
            coverages = _coverages(s, patient_id, today)
            return PatientRecord(
                patient=_detail(patient),
                age=age_on(patient.date_of_birth, today),
                coverages=coverages,
                upcoming_visits=_visits(s, patient_id, today, upcoming=True),
                past_visits=_visits(s, patient_id, today, upcoming=False),
            )

    def find_possible_duplicates(
        self,
        last_name: str,
        first_name: str,
        date_of_birth: date | None,
        exclude_id: int | None = None,
    ) -> tuple[DuplicateCandidate, ...]:
        """Patients with the same date of birth and the same names (case, accents, spacing and
        punctuation ignored), or the same names swapped."""
        if date_of_birth is None:
            return ()
        key = same_person_key(last_name, first_name)
        with session_scope(self._factory) as s:
            stmt = select(Patient).where(Patient.date_of_birth == date_of_birth)
            if exclude_id is not None:
                stmt = stmt.where(Patient.id != exclude_id)
            found = []
            for p in s.scalars(stmt.order_by(Patient.last_name, Patient.first_name)):
                other = same_person_key(p.last_name, p.first_name)
                if other == key or other == key[::-1]:
                    found.append(
                        DuplicateCandidate(
                            patient_id=p.id,
                            chart_number=p.chart_number,
                            display_name=display_name(p.last_name, p.first_name, p.preferred_name),
                            date_of_birth=p.date_of_birth,
                            phone=p.phone_mobile or p.phone_home,
                        )
                    )
            return tuple(found)

    # ---- patients -----------------------------------------------------------------------
    def create_patient(self, draft: PatientDraft, today: date) -> PatientDetail:
        """Save a new patient; a blank chart number gets the next one of the clinic's scheme
        ("C000024"), retried when another desk took it at the same moment."""
        require(Permission.EDIT_PATIENTS)
        cleaned = check_patient(draft, today)
        if not cleaned.chart_number:
            ensure_counter(self._factory)
        for attempt in range(1, _CHART_ATTEMPTS + 1):
            try:
                with session_scope(self._factory) as s:
                    chart = cleaned.chart_number or next_chart_number(s)
                    _check_chart_free(s, chart, None)
                    patient = Patient(**_patient_values(replace(cleaned, chart_number=chart)))
                    s.add(patient)
                    s.flush()
                    rewrite_search_terms(s, [patient.id])
                    return _detail(patient)
            except IntegrityError:
                if cleaned.chart_number or attempt == _CHART_ATTEMPTS:
                    raise _chart_taken(cleaned.chart_number or chart) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def chart_prefix(self) -> str:
        """What new patients' chart numbers start with ("C" unless the clinic set another)."""
        with session_scope(self._factory) as s:
            return chart_prefix(s)

    def set_chart_prefix(self, prefix: str) -> str:
        """Set the prefix of new chart numbers; existing charts keep theirs."""
        require(Permission.EDIT_CLINIC)
        return set_chart_prefix(self._factory, prefix)

    def update_patient(self, patient_id: int, draft: PatientDraft, today: date) -> PatientDetail:
        require(Permission.EDIT_PATIENTS)
        cleaned = check_patient(draft, today)
        with session_scope(self._factory) as s:
            patient = s.get(Patient, patient_id)
            if patient is None:
                raise PatientNotFound("This patient is no longer in the database.")
            chart = cleaned.chart_number or patient.chart_number
            _check_chart_free(s, chart, patient_id)
            for name, value in _patient_values(replace(cleaned, chart_number=chart)).items():
                setattr(patient, name, value)
            try:
                s.flush()
            except IntegrityError:
                raise _chart_taken(chart) from None
            rewrite_search_terms(s, [patient_id])
            return _detail(patient)

    def rewrite_search_terms(self, patient_ids: Iterable[int] | None = None) -> int:
        """Rebuild the search keys of these patients (all when None), e.g. after a bulk load."""
        with session_scope(self._factory) as s:
            if patient_ids is None:
                patient_ids = list(s.scalars(select(Patient.id)))
            ids = list(patient_ids)
            return rewrite_search_terms(s, ids)

    # ---- coverages ----------------------------------------------------------------------
    def add_coverage(self, patient_id: int, draft: CoverageDraft, today: date) -> CoverageInfo:
        require(Permission.EDIT_PATIENTS)
        cleaned = check_coverage(draft, today)
        with session_scope(self._factory) as s:
            if s.get(Patient, patient_id) is None:
                raise PatientNotFound("This patient is no longer in the database.")
            _check_coverage_fits(s, patient_id, cleaned, None)
            coverage = Coverage(patient_id=patient_id, **_coverage_values(cleaned))
            s.add(coverage)
            s.flush()
            rewrite_search_terms(s, [patient_id])
            return _coverage_info(s, coverage, today)

    def update_coverage(self, coverage_id: int, draft: CoverageDraft, today: date) -> CoverageInfo:
        require(Permission.EDIT_PATIENTS)
        cleaned = check_coverage(draft, today)
        with session_scope(self._factory) as s:
            coverage = _get_coverage(s, coverage_id)
            _check_coverage_fits(s, coverage.patient_id, cleaned, coverage_id)
            for name, value in _coverage_values(cleaned).items():
                setattr(coverage, name, value)
            s.flush()
            rewrite_search_terms(s, [coverage.patient_id])
            return _coverage_info(s, coverage, today)

    def end_coverage(self, coverage_id: int, end_date: date, today: date) -> CoverageInfo:
        """Close a coverage on `end_date` (its last covered day)."""
        require(Permission.EDIT_PATIENTS)
        with session_scope(self._factory) as s:
            coverage = _get_coverage(s, coverage_id)
            if end_date < coverage.effective_date:
                raise ValidationErrors(
                    {"end_date": "The end date cannot be before the coverage started."}
                )
            coverage.end_date = end_date
            s.flush()
            return _coverage_info(s, coverage, today)


# ---- helpers -------------------------------------------------------------------------------
def _patient_values(d: PatientDraft) -> dict[str, object]:
    return asdict(d)


def _coverage_values(d: CoverageDraft) -> dict[str, object]:
    return asdict(d)


def _detail(p: Patient) -> PatientDetail:
    return PatientDetail(
        id=p.id,
        chart_number=p.chart_number,
        last_name=p.last_name,
        first_name=p.first_name,
        middle_name=p.middle_name,
        preferred_name=p.preferred_name,
        date_of_birth=p.date_of_birth,
        sex=p.sex,
        phone_mobile=p.phone_mobile,
        phone_home=p.phone_home,
        email=p.email,
        address_line1=p.address_line1,
        address_line2=p.address_line2,
        city=p.city,
        state=p.state,
        postal_code=p.postal_code,
        active=p.active,
        notes=p.notes,
    )


def _coverage_state(c: Coverage, today: date) -> CoverageState:
    if c.effective_date > today:
        return CoverageState.FUTURE
    if c.end_date is not None and c.end_date < today:
        return CoverageState.ENDED
    return CoverageState.ACTIVE


def _coverage_draft(c: Coverage) -> CoverageDraft:
    return CoverageDraft(**{name: getattr(c, name) for name in CoverageDraft.__dataclass_fields__})


def _coverage_info(s: Session, c: Coverage, today: date) -> CoverageInfo:
    payer = c.payer if c.payer is not None else s.get(Payer, c.payer_id)
    assert payer is not None
    return CoverageInfo(
        id=c.id,
        patient_id=c.patient_id,
        payer_id=c.payer_id,
        payer_name=payer.name,
        payer_kind=payer.kind,
        draft=_coverage_draft(c),
        state=_coverage_state(c, today),
    )


_STATE_ORDER = {CoverageState.ACTIVE: 0, CoverageState.FUTURE: 1, CoverageState.ENDED: 2}


def _coverages(s: Session, patient_id: int, today: date) -> tuple[CoverageInfo, ...]:
    rows = s.scalars(select(Coverage).where(Coverage.patient_id == patient_id))
    infos = [_coverage_info(s, c, today) for c in rows]
    infos.sort(
        key=lambda c: (
            _STATE_ORDER[c.state],
            c.priority,
            -(c.end_date or date.max).toordinal(),
            -c.effective_date.toordinal(),
        )
    )
    return tuple(infos)


def _visits(s: Session, patient_id: int, today: date, *, upcoming: bool) -> tuple[VisitInfo, ...]:
    completed = aliased(VisitOverride)  # the session form's errors overridden (issue 10)
    stmt = (
        select(Visit, Provider, Payer.name, VisitOverride.reason, VisitOverride.detail,
               VisitOverride.by, completed.reason, completed.detail, completed.by)
        .outerjoin(Provider, Provider.id == Visit.provider_id)
        .outerjoin(Coverage, Coverage.id == Visit.coverage_id)
        .outerjoin(Payer, Payer.id == Coverage.payer_id)
        .outerjoin(VisitOverride, (VisitOverride.visit_id == Visit.id)
                   & (VisitOverride.kind == OverrideKind.CHECK_IN))
        .outerjoin(completed, (completed.visit_id == Visit.id)
                   & (completed.kind == OverrideKind.SESSION))
        .where(Visit.patient_id == patient_id)
    )
    if upcoming:
        stmt = stmt.where(Visit.visit_date >= today).order_by(Visit.visit_date, Visit.id)
    else:
        stmt = stmt.where(Visit.visit_date < today).order_by(
            Visit.visit_date.desc(), Visit.id.desc()
        )
    out = []
    for (visit, provider, payer_name, reason, detail, by, s_reason, s_detail,
         s_by) in s.execute(stmt.limit(RECORD_VISITS)):
        provider_name = (
            f"{provider.first_name} {provider.last_name}"
            + (f", {provider.credentials}" if provider.credentials else "")
            if provider is not None
            else ""
        )
        out.append(
            VisitInfo(
                id=visit.id,
                visit_date=visit.visit_date,
                status=visit.status,
                provider_name=provider_name,
                payer_name=payer_name or "Self-pay",
                override=override_words(reason, detail, by),
                outside=visit.outside_reason,
                session_override=override_words(s_reason, s_detail, s_by),
            )
        )
    return tuple(out)


def _get_coverage(s: Session, coverage_id: int) -> Coverage:
    coverage = s.get(Coverage, coverage_id)
    if coverage is None:
        raise CoverageNotFound("This coverage is no longer in the database.")
    return coverage


def _chart_taken(chart: str) -> ValidationErrors:
    return ValidationErrors({"chart_number": f"Chart number {chart} belongs to another patient."})


def _check_chart_free(s: Session, chart: str, patient_id: int | None) -> None:
    taken = select(Patient.id).where(Patient.chart_number == chart)
    if patient_id is not None:
        taken = taken.where(Patient.id != patient_id)
    if s.scalar(select(exists(taken))):
        raise _chart_taken(chart)


def _check_coverage_fits(
    s: Session, patient_id: int, draft: CoverageDraft, coverage_id: int | None
) -> None:
    """Two coverages of the same rank (two primaries) cannot be in force on the same day."""
    if s.get(Payer, draft.payer_id) is None:
        raise ValidationErrors({"payer_id": "This payer is no longer in the list."})
    assert draft.effective_date is not None
    stmt = (
        select(Payer.name, Coverage.effective_date, Coverage.end_date)
        .join(Payer, Payer.id == Coverage.payer_id)
        .where(
            Coverage.patient_id == patient_id,
            Coverage.priority == draft.priority,
            or_(Coverage.end_date.is_(None), Coverage.end_date >= draft.effective_date),
        )
    )
    if draft.end_date is not None:
        stmt = stmt.where(Coverage.effective_date <= draft.end_date)
    if coverage_id is not None:
        stmt = stmt.where(Coverage.id != coverage_id)
    clash = s.execute(stmt.limit(1)).first()
    if clash is not None:
        rank = PRIORITY_LABELS[draft.priority].lower()
        raise ValidationErrors(
            {
                "priority": (
                    f"{clash.name} is already the {rank} coverage on these dates. End it first, "
                    "or choose another rank."
                )
            }
        )
