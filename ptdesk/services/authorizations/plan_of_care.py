"""Plans of care (issue 10 item 4): record and edit them, and read the ones that speak for
today, with their treatment-day counts, for the panel, the check-in and the board.

Which plans apply: those billed to a Medicare coverage, to a payer whose plan-of-care setting is
on (`payers.plan_of_care_rules`), or recorded without a coverage (the clinic chose to track it).
The latest plan (by first treatment day) of each patient and coverage speaks for today: a
recertification is recorded as a new plan.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.payers import PayerKind
from ptdesk.domain.permissions import Permission
from ptdesk.domain.plan_of_care import (
    PlanOfCare,
    PlanOfCareStatus,
    plan_of_care_status,
)
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.authorizations.plan_of_care_dtos import PlanOfCareDraft, PlanOfCareView
from ptdesk.services.authorizations.records import coverage_patient
from ptdesk.services.authorizations.status_settings import BandTable, load_bands
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Coverage, Patient, Payer, PlanOfCareRecord, Visit


class PlanNotFound(DomainError):
    """The plan of care was removed (another desk may have changed it)."""


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A plan as the rules see it, for the check-in and the board."""

    patient_id: int
    plan: PlanOfCare
    status: PlanOfCareStatus


def _check(d: PlanOfCareDraft) -> None:
    errors: dict[str, str] = {}
    for name, label in (("first_visit", "the first treatment day"),
                        ("plan_date", "the plan's date"), ("plan_end", "the plan's end date")):
        if getattr(d, name) is None:
            errors[name] = f"Enter {label}."
    if len(d.certifier.strip()) > 120:
        errors["certifier"] = "Too long: at most 120 characters."
    if errors:
        raise ValidationErrors(errors)


def _domain(r: PlanOfCareRecord, payer_name: str) -> PlanOfCare:
    return PlanOfCare(r.id, r.coverage_id, r.first_visit, r.plan_date, r.plan_end, r.certifier,
                      r.sent_on, r.signed_on, r.verbal_order_on, r.last_progress_report_on,
                      payer_name)


_APPLIES = or_(PlanOfCareRecord.coverage_id.is_(None), Payer.kind == PayerKind.MEDICARE,
               Payer.plan_of_care_rules)


def _plan_query() -> Select[tuple[PlanOfCareRecord, str, bool]]:
    return (select(PlanOfCareRecord, Payer.name, _APPLIES)
            .outerjoin(Coverage, Coverage.id == PlanOfCareRecord.coverage_id)
            .outerjoin(Payer, Payer.id == Coverage.payer_id))


def current_plans(
    s: Session, today: date, bands: BandTable, patient_ids: Sequence[int] | None = None,
) -> dict[int, list[PlanRow]]:
    """The applying plans that speak for today (the latest per patient and coverage, started
    on or before today), with the treatment days since their last progress report."""
    q = _plan_query().where(_APPLIES, PlanOfCareRecord.first_visit <= today)
    if patient_ids is not None:
        q = q.where(PlanOfCareRecord.patient_id.in_(patient_ids))
    latest: dict[tuple[int, int | None], tuple[PlanOfCareRecord, str]] = {}
    for rec, payer, _ap in s.execute(q):
        k = (rec.patient_id, rec.coverage_id)
        prev = latest.get(k)
        if prev is None or (rec.first_visit, rec.id) > (prev[0].first_visit, prev[0].id):
            latest[k] = (rec, payer or "")
    if not latest:
        return {}
    days = _treatment_days(s, [r for r, _ in latest.values()])
    out: dict[int, list[PlanRow]] = {}
    for rec, payer in latest.values():
        plan = _domain(rec, payer)
        st = plan_of_care_status(plan, days.get(rec.id, 0), today, bands.for_payer(None).status)
        out.setdefault(rec.patient_id, []).append(PlanRow(rec.patient_id, plan, st))
    return out


def _treatment_days(s: Session, plans: list[PlanOfCareRecord]) -> dict[int, int]:
    """Distinct treatment days (checked-in or completed visits) in each plan's current
    reporting period (pt-rules F3): one GROUP BY over the plans' visits."""
    ids = [p.id for p in plans]
    since = func.coalesce(PlanOfCareRecord.last_progress_report_on, PlanOfCareRecord.first_visit)
    out: dict[int, int] = {}
    for k in range(0, len(ids), 900):
        q = (select(PlanOfCareRecord.id, func.count(func.distinct(Visit.visit_date)))
             .join(Visit, Visit.patient_id == PlanOfCareRecord.patient_id)
             .where(PlanOfCareRecord.id.in_(ids[k:k + 900]),
                    Visit.status.in_(tuple(USED_STATUSES)),
                    Visit.visit_date >= PlanOfCareRecord.first_visit,
                    or_(PlanOfCareRecord.last_progress_report_on.is_(None),
                        Visit.visit_date > since),
                    or_(PlanOfCareRecord.coverage_id.is_(None),
                        and_(Visit.coverage_id == PlanOfCareRecord.coverage_id)))
             .group_by(PlanOfCareRecord.id))
        out.update({int(pid): int(n) for pid, n in s.execute(q)})
    return out


def _chip(st: PlanOfCareStatus) -> StatusChipView:
    reasons = st.reasons()
    head = next((r for r in reasons if r.status is st.status), None)
    text = head.chip if head else st.status.label
    tip = " ".join(x for x in (head.sentence, head.next_step) if x) if head else ""
    return StatusChipView(st.status, st.status.icon_name, text, tip)


class PlanOfCareService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def payer_rules(self, payer_id: int) -> tuple[bool, bool]:
        """(on, always): whether the payer's plans of care are checked; Medicare always is."""
        with session_scope(self._factory) as s:
            p = s.get(Payer, payer_id)
            if p is None:
                raise ValidationErrors({"payer_id": "This payer is no longer in the database."})
            always = p.kind is PayerKind.MEDICARE
            return always or p.plan_of_care_rules, always

    def set_payer_rules(self, payer_id: int, on: bool) -> tuple[bool, bool]:
        """Turn Medicare's plan-of-care rules on or off for another payer (off by default)."""
        require(Permission.EDIT_CLINIC)
        with session_scope(self._factory) as s:
            p = s.get(Payer, payer_id)
            if p is None:
                raise ValidationErrors({"payer_id": "This payer is no longer in the database."})
            p.plan_of_care_rules = on
            s.flush()
            bump(s, ())  # every chip and the board follow (a change naming no patient)
        return self.payer_rules(payer_id)

    def plans(self, patient_id: int, today: date) -> tuple[PlanOfCareView, ...]:
        """Every plan of the patient, the current ones first, newest first."""
        with session_scope(self._factory) as s:
            bands = load_bands(s)
            rows = s.execute(_plan_query().where(PlanOfCareRecord.patient_id == patient_id)
                             .order_by(PlanOfCareRecord.first_visit.desc(),
                                       PlanOfCareRecord.id.desc())).all()
            days = _treatment_days(s, [r[0] for r in rows])
            seen: set[int | None] = set()
            out = []
            for rec, payer, applies in rows:
                current = rec.coverage_id not in seen and rec.first_visit <= today
                if current:
                    seen.add(rec.coverage_id)
                out.append(_view(rec, payer or "", bool(applies), days.get(rec.id, 0), today,
                                 bands, current))
        return tuple(sorted(out, key=lambda v: not v.current))

    def save(self, plan_id: int | None, draft: PlanOfCareDraft, today: date) -> PlanOfCareView:
        require(Permission.EDIT_PATIENTS)
        _check(draft)
        assert draft.first_visit is not None
        assert draft.plan_date is not None
        assert draft.plan_end is not None
        # The domain's own checks (end before start, signed before sent) by field.
        PlanOfCare(0, draft.coverage_id, draft.first_visit, draft.plan_date, draft.plan_end,
                   draft.certifier, draft.sent_on, draft.signed_on, draft.verbal_order_on,
                   draft.last_progress_report_on)
        with session_scope(self._factory) as s:
            if s.get(Patient, draft.patient_id) is None:
                raise ValidationErrors({"patient_id": "This patient is no longer in the database."})
            if draft.coverage_id is not None and (
                coverage_patient(s, draft.coverage_id) != draft.patient_id
            ):
                raise ValidationErrors({"coverage_id": "Choose one of this patient's coverages."})
            if plan_id is None:
                rec = PlanOfCareRecord(patient_id=draft.patient_id)
                s.add(rec)
            else:
                found = s.get(PlanOfCareRecord, plan_id)
                if found is None or found.patient_id != draft.patient_id:
                    raise PlanNotFound("This plan of care is no longer in the database.")
                rec = found
            rec.coverage_id = draft.coverage_id
            rec.first_visit, rec.plan_date, rec.plan_end = (
                draft.first_visit, draft.plan_date, draft.plan_end)
            rec.certifier = draft.certifier.strip()
            rec.sent_on, rec.signed_on = draft.sent_on, draft.signed_on
            rec.verbal_order_on = draft.verbal_order_on
            rec.last_progress_report_on = draft.last_progress_report_on
            rec.notes = draft.notes.strip()
            s.flush()
            bump(s, (draft.patient_id,))  # the board and the chips follow
            plan_key = rec.id
        return next(v for v in self.plans(draft.patient_id, today) if v.plan_id == plan_key)


def _view(rec: PlanOfCareRecord, payer: str, applies: bool, days: int, today: date,
          bands: BandTable, current: bool) -> PlanOfCareView:
    st = plan_of_care_status(_domain(rec, payer), days, today, bands.for_payer(None).status)
    reasons = st.reasons()
    return PlanOfCareView(
        rec.id, rec.patient_id, rec.coverage_id, payer, applies,
        PlanOfCareDraft(rec.patient_id, rec.coverage_id, rec.first_visit, rec.plan_date,
                        rec.plan_end, rec.certifier, rec.sent_on, rec.signed_on,
                        rec.verbal_order_on, rec.last_progress_report_on, rec.notes),
        st.recert_due, st.cert_due, st.treatment_days, st.visits_to_progress_report,
        st.recert_overdue, _chip(st),
        tuple((r.status, r.sentence, r.next_step) for r in reasons), st.next_step, current,
    )
