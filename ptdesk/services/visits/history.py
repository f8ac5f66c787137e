"""A visit's paper trail (issue 10 items 3 and 5): the version kept at each correction, the
diagnoses, and the session form's override of the engine's errors.

`save_visit_content` is what `VisitService.complete` does inside its transaction: it keeps the
previous version when a completed visit is corrected (who, when in UTC, why), writes the new
lines and diagnoses, and records the override (stored like check-in overrides, kind SESSION).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.diagnoses import CodeSet, check_diagnoses, set_for
from ptdesk.domain.errors import DomainError, ValidationErrors
from ptdesk.domain.overrides import OverrideDraft, OverrideKind, check_override
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.visit_history import (
    LineContent,
    ReevalReason,
    VisitContent,
    check_correction,
    differences,
)
from ptdesk.services.patients.dtos import display_name
from ptdesk.services.visits.dtos import ServiceLineDraft
from ptdesk.storage.engine import session_scope
from ptdesk.storage.icd10_files import code_sets
from ptdesk.storage.models import (
    Patient,
    ServiceLine,
    Visit,
    VisitDiagnosis,
    VisitOverride,
    VisitVersion,
)


@dataclass(frozen=True, slots=True)
class Correction:
    """Who corrects a completed visit, when (the desk's aware clock) and why (required)."""

    by: str
    why: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionOverride:
    """The engine's errors a person let through when completing the visit (issue 10 item 3)."""

    draft: OverrideDraft
    at: datetime
    rules: tuple[str, ...]  # the blocking rule ids
    words: str  # the findings' messages, as the form showed them


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int  # 1 = as first completed
    content: VisitContent
    by: str
    at: datetime  # aware, the desk's zone
    why: str
    changes: tuple[str, ...]  # what the correction after it changed


@dataclass(frozen=True, slots=True)
class VisitHistoryView:
    visit_id: int
    status: VisitStatus
    void_reason: str
    current: VisitContent
    versions: tuple[VersionView, ...]  # oldest first
    # Whose visit and when: the dialog's heading and the printed page say it.
    patient_id: int = 0
    patient_name: str = ""
    chart_number: str = ""
    visit_date: date | None = None


def code_set_for(s: Session, day: date) -> CodeSet:
    """The ICD-10-CM release in force on `day`: the shipped one or one the clinic imported."""
    codes, _stale = set_for(code_sets(s), day)
    if codes is None:
        raise DomainError("No ICD-10-CM code set covers this date of service.")
    return codes


def content_of(v: Visit, diagnoses: Sequence[str]) -> VisitContent:
    return VisitContent(
        tuple(LineContent(ln.code, ln.units, ln.minutes, ln.assistant_minutes, ln.modifiers)
              for ln in v.lines),
        tuple(diagnoses), v.reeval_reason)


def diagnoses_of(s: Session, visit_id: int) -> tuple[str, ...]:
    return tuple(s.execute(select(VisitDiagnosis.code).where(VisitDiagnosis.visit_id == visit_id)
                           .order_by(VisitDiagnosis.position)).scalars())


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware (ptdesk.app.clock.local_now)")
    return at.astimezone(UTC)


def save_visit_content(
    s: Session, v: Visit, lines: Sequence[ServiceLineDraft], diagnoses: Sequence[str],
    reeval_reason: str, override: SessionOverride | None, correction: Correction | None,
) -> None:
    errors: dict[str, str] = {}
    codes: tuple[str, ...] = ()
    try:
        if any(d.strip() for d in diagnoses):
            codes = check_diagnoses(diagnoses, code_set_for(s, v.visit_date))
    except ValidationErrors as e:
        errors.update(e.errors)
    if reeval_reason and reeval_reason not in ReevalReason._value2member_map_:
        errors["reeval_reason"] = "Choose why the re-evaluation was done."
    clean = None
    if override is not None:
        try:
            clean = check_override(override.draft)
        except ValidationErrors as e:
            errors.update({f"override.{k}": m for k, m in e.errors.items()})
    if v.status is VisitStatus.COMPLETED:
        if correction is None:
            errors["why"] = ("This visit is completed: correcting it needs who corrects it and "
                             "why (the previous version is kept).")
        else:
            try:
                check_correction(correction.by, correction.why)
            except ValidationErrors as e:
                errors.update(e.errors)
    if errors:
        raise ValidationErrors(errors)
    if v.status is VisitStatus.COMPLETED and correction is not None:
        number = (s.execute(select(func.count(VisitVersion.id))
                            .where(VisitVersion.visit_id == v.id)).scalar_one()) + 1
        old = content_of(v, diagnoses_of(s, v.id))
        s.add(VisitVersion(visit_id=v.id, number=number, content=_dump(old),
                           by=correction.by.strip(), at=correction.at, why=correction.why.strip()))
    v.lines.clear()
    s.flush()
    v.lines = [
        ServiceLine(line_no=i, code=ln.code.strip().upper(), units=ln.units,
                    minutes=ln.minutes, assistant_minutes=ln.assistant_minutes,
                    modifiers=ln.modifiers.strip(), allowed_amount=ln.allowed_amount)
        for i, ln in enumerate(lines, 1)
    ]
    v.reeval_reason = reeval_reason
    s.execute(delete(VisitDiagnosis).where(VisitDiagnosis.visit_id == v.id))
    s.add_all(VisitDiagnosis(visit_id=v.id, position=i, code=c) for i, c in enumerate(codes, 1))
    s.execute(delete(VisitOverride).where(VisitOverride.visit_id == v.id,
                                          VisitOverride.kind == OverrideKind.SESSION))
    if override is not None and clean is not None and clean.reason is not None:
        s.add(VisitOverride(visit_id=v.id, kind=OverrideKind.SESSION, reason=clean.reason,
                            detail=clean.detail, by=clean.by, at=_utc(override.at),
                            rules=" ".join(override.rules)[:200], words=override.words))


def _dump(c: VisitContent) -> str:
    return json.dumps({
        "lines": [[ln.code, ln.units, ln.minutes, ln.assistant_minutes, ln.modifiers]
                  for ln in c.lines],
        "diagnoses": list(c.diagnoses), "reeval_reason": c.reeval_reason,
    })


def _load(text: str) -> VisitContent:
    d = json.loads(text)
    return VisitContent(tuple(LineContent(*row) for row in d["lines"]),
                        tuple(d.get("diagnoses", ())), d.get("reeval_reason", ""))


class VisitHistoryService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def history(self, visit_id: int) -> VisitHistoryView:
        with session_scope(self._factory) as s:
            v = s.get(Visit, visit_id)
            if v is None:
                raise DomainError("This visit is no longer in the database.")
            current = content_of(v, diagnoses_of(s, visit_id))
            rows = s.execute(select(VisitVersion).where(VisitVersion.visit_id == visit_id)
                             .order_by(VisitVersion.number)).scalars().all()
            contents = [_load(r.content) for r in rows]
            after = [*contents[1:], current]
            versions = tuple(
                VersionView(r.number, c, r.by, r.at, r.why, differences(c, n))
                for r, c, n in zip(rows, contents, after, strict=True))
            p = s.get(Patient, v.patient_id)
            assert p is not None  # a visit's patient is never deleted (foreign key)
            return VisitHistoryView(
                visit_id, v.status, v.void_reason, current, versions, p.id,
                display_name(p.last_name, p.first_name, p.preferred_name), p.chart_number,
                v.visit_date)

    def search_codes(self, day: date, text: str) -> tuple[tuple[str, str], ...]:
        """The diagnosis picker: codes of the set in force on `day` by prefix or words."""
        from ptdesk.domain.diagnoses import search

        with session_scope(self._factory) as s:
            return tuple(search(code_set_for(s, day), text))

    def describe(self, day: date, codes: Sequence[str]) -> dict[str, str]:
        with session_scope(self._factory) as s:
            known = code_set_for(s, day).codes
        return {c: known.get(c, "") for c in codes}
