"""The session form's service: the visit's billing context, and a live preview of its lines.

The clinic's `RuleSet` (bundled tables plus any CMS file it imported) is loaded once, on first
use, and kept. `context()` reads the visit (read-only); `preview()` is pure given the rule set:
it runs the billing engine (`domain.billing.evaluate_visit`) and returns frozen rows, fast
enough (well under a millisecond for a visit) to run on every keystroke on the GUI thread.
"""

import threading
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.billing import RuleSet, ServiceLine, VisitInput, VisitResult, evaluate_visit
from ptdesk.domain.billing.findings import SRC_CQ, SRC_GP, SRC_KX
from ptdesk.domain.billing.modifiers import CQ, GP, KX
from ptdesk.domain.payers import PayerKind, UnitMethod, default_unit_method
from ptdesk.domain.visit_allocation import USED_STATUSES
from ptdesk.services.patients.dtos import display_name
from ptdesk.services.visits.history import diagnoses_of
from ptdesk.services.visits.records import VisitNotFound
from ptdesk.services.visits.session_dtos import (
    CodeOption,
    DiagnosisCheck,
    PreviewFinding,
    PreviewLine,
    SessionContext,
    SessionPreview,
    SessionRow,
)
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    Authorization,
    AuthorizationCode,
    Coverage,
    Patient,
    Payer,
    Provider,
    Visit,
)
from ptdesk.storage.models import (
    ServiceLine as StoredLine,
)
from ptdesk.storage.rule_tables import load_ruleset

SELF_PAY = "Self-pay"


class SessionBillingService:
    def __init__(self, session_factory: sessionmaker[Session],
                 rules: RuleSet | None = None) -> None:
        self._factory = session_factory
        self._rules = rules
        self._lock = threading.Lock()

    # ---- the rule set, loaded once ----------------------------------------------------------
    @property
    def rules(self) -> RuleSet:
        with self._lock:
            if self._rules is None:
                with session_scope(self._factory) as s:
                    self._rules = load_ruleset(s)
            return self._rules

    def codes(self) -> tuple[CodeOption, ...]:
        return tuple(CodeOption(c.code, c.description, c.is_timed)
                     for c in sorted(self.rules.codes.values(), key=lambda c: c.code))

    # ---- the visit ------------------------------------------------------------------------
    def context(self, visit_id: int) -> SessionContext:
        self.rules  # noqa: B018 - load the tables on the worker thread, not on the first keystroke
        with session_scope(self._factory) as s:
            v = s.get(Visit, visit_id)
            if v is None:
                raise VisitNotFound("This visit is no longer in the database.")
            p = s.execute(select(Patient.last_name, Patient.first_name, Patient.preferred_name)
                          .where(Patient.id == v.patient_id)).one()
            provider = ""
            if v.provider_id is not None:
                pr = s.get(Provider, v.provider_id)
                if pr is not None:
                    provider = f"{pr.first_name} {pr.last_name}" + (
                        f", {pr.credentials}" if pr.credentials else "")
            payer_name, kind, method, ytd = SELF_PAY, PayerKind.SELF_PAY, None, None
            if v.coverage_id is not None:
                row = s.execute(
                    select(Payer.name, Payer.kind, Payer.unit_method,
                           Coverage.therapy_amount_elsewhere,
                           Coverage.therapy_amount_elsewhere_year)
                    .join(Coverage, Coverage.payer_id == Payer.id)
                    .where(Coverage.id == v.coverage_id)).one()
                payer_name, kind, method = row[0], row[1], row[2]
                elsewhere = row[3] if row[4] == v.visit_date.year and row[3] else Decimal("0")
                ytd = _ytd_before(s, v, v.coverage_id) + elsewhere
            terms, number = _authorization(s, v)
            rows = tuple(SessionRow(ln.code, ln.minutes, ln.assistant_minutes) for ln in v.lines)
            return SessionContext(
                visit_id=v.id, patient_id=v.patient_id, patient_name=display_name(*p),
                day=v.visit_date, status=v.status, payer_name=payer_name, payer_kind=kind,
                unit_method=method or default_unit_method(kind), provider_name=provider,
                ytd_allowed_before=ytd, authorization=terms, visit_number=number, rows=rows,
                diagnoses=diagnoses_of(s, v.id), reeval_reason=v.reeval_reason,
            )

    # ---- the preview -------------------------------------------------------------------------
    def preview(self, context: SessionContext, rows: Sequence[SessionRow | None],
                tie_preference: tuple[str, ...] = (),
                reeval_reason: str | None = None) -> SessionPreview:
        """Rows as typed (None for a row not filled in or not valid yet: it is skipped, and the
        others keep their row numbers). `reeval_reason` "" = asked, none chosen (pt-rules F4)."""
        return preview_lines(self.rules, context, rows, tie_preference, reeval_reason)

    def search_diagnoses(self, day: date, text: str) -> tuple[tuple[str, str], ...]:
        from ptdesk.domain.diagnoses import search
        from ptdesk.services.visits.history import code_set_for

        return tuple(search(code_set_for(day), text))

    def check_diagnoses(self, day: date, typed: Sequence[str]) -> DiagnosisCheck:
        from ptdesk.domain.diagnoses import normalise, problem, set_for
        from ptdesk.storage.icd10_files import shipped_sets

        codes, stale = set_for(shipped_sets(), day)
        if codes is None:
            return DiagnosisCheck((), {"diagnoses": "No ICD-10-CM code set is loaded."}, "", True)
        ok: list[tuple[str, str]] = []
        errors: dict[str, str] = {}
        for i, t in enumerate(x for x in typed if x.strip()):
            c = normalise(t)
            why = problem(c, codes)
            if why is None and any(c == k for k, _d in ok):
                why = f"{t.strip()} is already on the visit."
            if why is None:
                ok.append((c, codes.codes[c]))
            else:
                errors[f"diagnoses.{i + 1}"] = why
        return DiagnosisCheck(tuple(ok), errors, codes.name, stale)


def preview_lines(rules: RuleSet, context: SessionContext, rows: Sequence[SessionRow | None],
                  tie_preference: tuple[str, ...] = (),
                  reeval_reason: str | None = None) -> SessionPreview:
    kept: list[int] = []
    lines: list[ServiceLine] = []
    first_row: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r is None or not r.code.strip():
            continue
        code = r.code.strip().upper()
        kept.append(i)
        first_row.setdefault(code, i)
        lines.append(ServiceLine(code, r.minutes, r.assistant_minutes))
    result = evaluate_visit(
        VisitInput(context.day, context.payer_kind, context.unit_method, tuple(lines),
                   context.ytd_allowed_before, context.authorization, context.visit_number,
                   tie_preference, reeval_reason),
        rules,
    )
    out: list[PreviewLine] = []
    previous = ""
    part = 0
    for b in result.lines:
        part = part + 1 if b.code == previous else 0
        previous = b.code
        info = rules.codes.get(b.code)
        out.append(PreviewLine(
            code=b.code, description=info.description if info else "", minutes=b.minutes,
            assistant_minutes=b.assistant_minutes, units=b.units, modifiers=b.modifiers,
            row=first_row[b.code], part=part, note=b.note, allowed_amount=b.allowed_amount,
            timed=info.is_timed if info else False,
        ))
    findings = tuple(
        PreviewFinding(str(f.rule), str(f.severity), f.code, f.message, f.source,
                       f.table_version, kept[f.line] if f.line is not None else None)
        for f in result.findings
    )
    alt = result.alternative
    return SessionPreview(
        lines=tuple(out),
        findings=findings,
        total_timed_minutes=result.total_timed_minutes,
        total_units=sum(ln.units or 0 for ln in out),
        total_timed_units=result.total_timed_units,
        explanation=result.explanation(),
        unit_method=context.unit_method,
        other_method_label="AMA per-code" if alt.method == UnitMethod.AMA else "CMS total-time",
        other_method_units=alt.total_units,
        ties=result.ties,
        tie_winners=result.allocation.tie_winners,
        cq_reasons=tuple(result.cq_reasons.items()),
        ytd_after=result.ytd_after,
        modifier_notes=_modifier_notes(rules, context, result),
    )


def _modifier_notes(rules: RuleSet, context: SessionContext,
                    result: VisitResult) -> tuple[tuple[str, str], ...]:
    used = {m for ln in result.lines for m in ln.modifiers}
    notes: list[tuple[str, str]] = []
    if GP in used:
        notes.append((GP, f"therapy furnished under a PT plan of care ({SRC_GP})"))
    threshold = rules.kx.get(context.day.year)
    if KX in used and threshold is not None and result.ytd_after is not None:
        notes.append((KX, f"this year's PT+SLP allowed amount reaches ${result.ytd_after:,.2f} "
                          f"with this visit, above the {context.day.year} threshold "
                          f"${threshold.pt_slp:,.2f} ({threshold.version}; {SRC_KX})"))
    if CQ in used:
        why = "; ".join(f"{code}: {text}" for code, text in result.cq_reasons.items() if text)
        notes.append((CQ, f"{why} ({SRC_CQ})"))
    return tuple(notes)


def _before(v: Visit) -> object:
    """Visits recorded before this one: an earlier day, or the same day and an earlier id."""
    return or_(Visit.visit_date < v.visit_date,
               and_(Visit.visit_date == v.visit_date, Visit.id < v.id))


def _ytd_before(s: Session, v: Visit, coverage_id: int) -> Decimal:
    total = s.execute(
        select(func.coalesce(func.sum(StoredLine.allowed_amount), 0))
        .join(Visit, Visit.id == StoredLine.visit_id)
        .where(Visit.patient_id == v.patient_id, Visit.coverage_id == coverage_id,
               Visit.status.in_(USED_STATUSES),
               Visit.visit_date >= date(v.visit_date.year, 1, 1), _before(v))  # type: ignore[arg-type]
    ).scalar_one()
    return Decimal(total or 0)  # coalesce takes the Cents type: already Decimal


def _authorization(s: Session, v: Visit) -> tuple[AuthorizationTerms | None, int | None]:
    """The authorization the visit draws from (derived by the authorizations service)."""
    if v.authorization_id is None:
        return None, None
    a = s.get(Authorization, v.authorization_id)
    if a is None:
        return None, None
    codes = frozenset(s.scalars(select(AuthorizationCode.code)
                                .where(AuthorizationCode.authorization_id == a.id)))
    terms = AuthorizationTerms(a.start_date, a.end_date, a.authorized, codes, a.counts, a.number)
    if a.counts is not AuthUnit.VISITS:
        return terms, None
    earlier = s.execute(
        select(func.count(Visit.id)).where(
            Visit.authorization_id == a.id, Visit.status.in_(USED_STATUSES),
            _before(v))  # type: ignore[arg-type]
    ).scalar_one()
    return terms, a.used_before_ptdesk + int(earlier) + 1
