"""Estimates given to patients: stored with their inputs (reprinted from them exactly) and
compared with what was billed since."""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.errors import DomainError
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.services.authorizations.change_counter import bump
from ptdesk.services.estimates.dtos import EstimateToStore, EstimateTotalsDraft, StoredEstimate
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Patient, PatientEstimate, ServiceLine, Visit

KINDS = ("estimate", "gfe")
LANGUAGES = ("en", "es")


class PatientEstimateService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def save(self, draft: EstimateToStore, now: datetime) -> StoredEstimate:
        require(Permission.MAKE_ESTIMATES)
        if draft.kind not in KINDS or draft.language not in LANGUAGES:
            raise DomainError("An estimate is a cost estimate or a Good Faith Estimate, in "
                              "English or Spanish.")
        with session_scope(self._factory) as s:
            if s.get(Patient, draft.patient_id) is None:
                raise DomainError("This patient no longer exists.")

            row = PatientEstimate(
                patient_id=draft.patient_id, created_at=now.astimezone(UTC),
                given_on=now.date(), prepared_by=draft.prepared_by.strip()[:120],
                kind=draft.kind, language=draft.language,
                payer_type=str(draft.scenario.get("payer_type", ""))[:24],
                first_visit=draft.first_visit, visit_count=draft.visit_count,
                inputs_json=json.dumps(draft.scenario, sort_keys=True, ensure_ascii=False),
                total_allowed=draft.totals.allowed, total_insurance=draft.totals.insurance_pays,
                total_patient=draft.totals.patient_pays)
            s.add(row)
            s.flush()
            if row.kind == "gfe":  # every desk's board drops the patient from "GFE due"
                bump(s, [row.patient_id])
            return self._view(s, row, now)

    def list_for(self, patient_id: int, now: datetime) -> tuple[StoredEstimate, ...]:
        """Newest first."""
        with session_scope(self._factory) as s:
            rows = s.scalars(select(PatientEstimate)
                             .where(PatientEstimate.patient_id == patient_id)
                             .order_by(PatientEstimate.created_at.desc(),
                                       PatientEstimate.id.desc())).all()
            return tuple(self._view(s, r, now) for r in rows)

    def get(self, estimate_id: int, now: datetime) -> StoredEstimate:
        with session_scope(self._factory) as s:
            row = s.get(PatientEstimate, estimate_id)
            if row is None:
                raise DomainError("This estimate no longer exists.")
            return self._view(s, row, now)

    @staticmethod
    def _view(s: Session, r: PatientEstimate, now: datetime) -> StoredEstimate:
        done, billed = _billed_since(s, r.patient_id, r.first_visit)
        scenario: dict[str, Any] = json.loads(r.inputs_json)
        return StoredEstimate(
            r.id, r.patient_id, r.created_at, r.given_on, r.prepared_by, r.kind,
            r.language, r.payer_type, r.first_visit, r.visit_count,
            EstimateTotalsDraft(r.total_allowed, r.total_insurance, r.total_patient),
            scenario, done, billed)


def _billed_since(s: Session, patient_id: int, first: date) -> tuple[int, Decimal | None]:
    visits = s.execute(
        select(Visit.id).where(Visit.patient_id == patient_id, Visit.visit_date >= first,
                               Visit.status == VisitStatus.COMPLETED)).scalars().all()
    if not visits:
        return 0, None
    amounts = s.scalars(select(ServiceLine.allowed_amount)
                        .where(ServiceLine.visit_id.in_(visits))).all()
    known = [a for a in amounts if a is not None]
    return len(visits), (sum(known, Decimal("0.00")) if known else None)


def latest_gfe_dates(s: Session, patient_ids: Sequence[int]) -> dict[int, list[date]]:
    """The days each patient was given a Good Faith Estimate (for the board's due list)."""
    out: dict[int, list[date]] = {}
    if not patient_ids:
        return out
    for pid, given in s.execute(select(PatientEstimate.patient_id, PatientEstimate.given_on)
                                .where(PatientEstimate.patient_id.in_(patient_ids),
                                       PatientEstimate.kind == "gfe")):
        out.setdefault(pid, []).append(given)
    return out
