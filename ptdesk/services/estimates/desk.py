"""The estimate from the patient's screen and the CLI's `--patient` (issue 11 items 3-4).

`prefill` gathers what ptdesk knows into the scenario file's JSON shape (the one
`ptdesk estimate --scenario` reads): the coverage's benefits, the plan-year visits used and the
authorization's visits left and end date from the authorization panel's derived counts, the
payer's allowed amounts and the clinic's self-pay prices and details. The dialog edits that
dict; `compute` and `render_pdf` run the estimates engine on it. A stored estimate keeps the
dict, so a reprint from it is the same document.

`compute_scenario` is a thin adapter: the engine's service reads a scenario from a file path;
here the scenario is already a dict.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import Phase
from ptdesk.domain.business_days import BusinessCalendar
from ptdesk.domain.errors import DomainError, ValidationError
from ptdesk.domain.estimate import compute_estimate
from ptdesk.domain.estimate_scenario import parse_scenario
from ptdesk.domain.payers import PayerKind, VisitStatus
from ptdesk.domain.status import long_date
from ptdesk.services.authorizations.dtos import PanelView
from ptdesk.services.billing.fee_schedules import amounts, default_fees, national_fees
from ptdesk.services.clinic.details import load_details
from ptdesk.services.clinic.dtos import ClinicDetailsDraft
from ptdesk.services.estimates.dtos import EstimatePrefill, EstimateToStore, StoredEstimate
from ptdesk.services.estimates.scenario import ScenarioEstimate
from ptdesk.storage.engine import session_scope
from ptdesk.storage.estimate_tables import load_estimate_tables
from ptdesk.storage.models import Coverage, Patient, Visit

EVALUATIONS = ("97161", "97162", "97163", "97164")
DEFAULT_EVALUATION = "97162"  # moderate complexity: the desk changes it when it knows
DEFAULT_LINES = ({"code": "97110", "units": 2}, {"code": "97140", "units": 1})
DEFAULT_VISITS = 12
DEFAULT_PER_WEEK = 2


class PanelLookup(Protocol):
    def panel(self, patient_id: int, today: date, now: datetime) -> PanelView: ...


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def clinic_json(c: ClinicDetailsDraft) -> dict[str, Any]:
    city = ", ".join(x for x in (c.city, " ".join(y for y in (c.state, c.postal_code) if y))
                     if x)
    out = {"name": c.name, "address": [x for x in (c.address_line1, c.address_line2, city) if x],
           "state": c.state, "phone": c.phone, "npi": c.npi,
           # printed as an EIN is written (12-3456789); stored as 9 digits
           "tin": f"{c.tin[:2]}-{c.tin[2:]}" if len(c.tin) == 9 else c.tin}
    return {k: v for k, v in out.items() if v}


def with_next_year_fallback(data: dict[str, Any]) -> dict[str, Any]:
    """A course that runs into a year whose CMS fee schedule ptdesk does not have yet (every
    December: the next year's file comes out in November and ships with a later ptdesk) is
    priced at the newest earlier year's default amounts (`render_pdf` says so on the document,
    in its language). Codes the
    payer's own list prices, and codes CMS does not pay on their own (status B, I, C), are left
    to the engine."""
    plan = data.get("plan_of_care")
    try:
        first = date.fromisoformat(plan["first_visit"])  # type: ignore[index]
        per_week = int(plan["visits_per_week"])  # type: ignore[index]
        count = int(plan.get("visits") or per_week * int(plan.get("weeks") or 0))  # type: ignore[union-attr]
        locality = Decimal(str(data.get("locality_factor", "1")))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return data  # the engine names the problem
    if not (0 < per_week <= 7 and 0 < count <= 500):
        return data
    tables = national_fees()
    years = {d.year for d in plan_dates(first, per_week, count)}
    missing = sorted(y for y in years if y not in tables)
    earlier = [y for y in tables if y <= max(years)]
    if not missing or not earlier:
        return data
    _, defaults = default_fees(max(earlier), locality)
    out = dict(data)
    fees = dict(out.get("fees") or {})
    for code, amount in defaults.items():
        fees.setdefault(code, f"{amount:.2f}")
    out["fees"] = fees
    return out


def compute_scenario(data: dict[str, Any]) -> ScenarioEstimate:
    """The engine on a scenario dict; `ValidationError` names the field."""
    scenario = parse_scenario(with_next_year_fallback(data))
    return ScenarioEstimate(scenario, compute_estimate(scenario.request, load_estimate_tables()))


_FALLBACK_NOTE = {
    "en": "For visits in {missing}, codes without a price of their own are estimated at the "
          "{use} default amounts: the new year's CMS fee schedule is not loaded yet.",
    "es": "Para las visitas de {missing}, los códigos sin precio propio se estiman con los "
          "importes predeterminados de {use}: el arancel de CMS del nuevo año aún no está "
          "cargado.",
}


def fallback_note(result: ScenarioEstimate, lang: str) -> str | None:
    tables = national_fees()
    years = {v.date.year for v in result.estimate.visits}
    missing = sorted(y for y in years if y not in tables)
    earlier = [y for y in tables if years and y <= max(years)]
    if not missing or not earlier:
        return None
    return _FALLBACK_NOTE.get(lang, _FALLBACK_NOTE["en"]).format(
        missing=", ".join(map(str, missing)), use=max(earlier))


def render_pdf(result: ScenarioEstimate, *, lang: str, today: date, document: str = "auto",
               invariant: bool = False) -> bytes:
    """The document the desk prints (the engine's `render_pdf`: the Good Faith Estimate for
    self-pay and uninsured patients), plus the next-year note in the document's language."""
    from dataclasses import replace

    from ptdesk.services.estimates.scenario import render_pdf as engine_render_pdf

    note = fallback_note(result, lang)
    if note is not None:
        result = replace(result, scenario=replace(result.scenario,
                                                  notes=(*result.scenario.notes, note)))
    return engine_render_pdf(result, lang=lang, document=document, today=today,
                             invariant=invariant)


def document_kind(data: dict[str, Any]) -> str:
    return "gfe" if str(data.get("payer_type", "")).lower() in ("self_pay", "uninsured") \
        else "estimate"


@dataclass(frozen=True, slots=True)
class _Coverage:
    id: int
    payer_id: int
    payer_name: str
    kind: PayerKind
    member_id: str
    group_id: str
    benefits: dict[str, Any]
    verified_on: date | None
    requires_auth: bool = False


def _in_force(s: Session, patient_id: int, day: date) -> _Coverage | None:
    rows = s.scalars(select(Coverage).where(
        Coverage.patient_id == patient_id, Coverage.effective_date <= day,
        (Coverage.end_date.is_(None)) | (Coverage.end_date >= day))
        .order_by(Coverage.priority, Coverage.id)).all()
    if not rows:
        return None
    c = rows[0]
    b: dict[str, Any] = {
        "deductible": _money(c.deductible), "deductible_met": _money(c.deductible_met),
        "copay": _money(c.copay),
        "coinsurance_percent": None if c.coinsurance_pct is None
        else f"{c.coinsurance_pct.normalize():f}",
        "oop_max": _money(c.oop_max), "oop_met": _money(c.oop_met),
        "plan_year_start": f"{c.plan_year_start_month:02d}-{c.plan_year_start_day:02d}",
        "verified_on": None if c.benefits_verified_on is None
        else c.benefits_verified_on.isoformat(),
    }
    return _Coverage(c.id, c.payer_id, c.payer.name, c.payer.kind, c.member_id, c.group_id,
                     {k: v for k, v in b.items() if v is not None}, c.benefits_verified_on,
                     c.payer.requires_prior_auth)


def _typical_lines(s: Session, patient_id: int) -> tuple[list[dict[str, Any]], bool]:
    """The lines of the patient's last completed treatment visit, and whether any visit was
    completed (then no evaluation is planned)."""
    visits = s.scalars(select(Visit).where(Visit.patient_id == patient_id,
                                           Visit.status == VisitStatus.COMPLETED)
                       .order_by(Visit.visit_date.desc()).limit(5)).all()
    for v in visits:
        lines = [{"code": ln.code, "units": ln.units} for ln in v.lines
                 if ln.code not in EVALUATIONS and ln.units > 0]
        if lines:
            return lines, True
    return [dict(x) for x in DEFAULT_LINES], bool(visits)


def _next_booked(s: Session, patient_id: int, today: date) -> date | None:
    return s.scalars(select(Visit.visit_date).where(
        Visit.patient_id == patient_id, Visit.status == VisitStatus.BOOKED,
        Visit.visit_date >= today).order_by(Visit.visit_date).limit(1)).first()


def _counts(panel: PanelView, coverage_id: int, notes: list[str], *,
            requires_auth: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {}
    limit = next((x for x in panel.limits if x.coverage_id == coverage_id), None)
    if limit is not None:
        out["visit_limit"] = limit.limit
        out["visits_used"] = limit.used
        notes.append(f"Visits used this plan year: {limit.used} of {limit.limit} "
                     f"({limit.used_here} recorded in ptdesk + {limit.used_elsewhere} "
                     "elsewhere), counted from the visits.")
    auths = [a for a in panel.authorizations if a.coverage_id == coverage_id
             and a.pool_code == "" and a.phase in (Phase.IN_FORCE, Phase.UPCOMING)]
    if auths:
        a = max(auths, key=lambda x: x.effective_end)
        if a.counts is AuthUnit.VISITS:
            out["auth_visits_left"] = max(0, a.authorized - a.used)
            notes.append(f"Authorization {a.number}: {a.authorized - a.used} of {a.authorized} "
                         f"visits left, ends {long_date(a.effective_end)}.")
        else:
            notes.append(f"Authorization {a.number} counts units: only its end date is used.")
        out["auth_end"] = a.effective_end.isoformat()
    elif requires_auth:
        # The payer needs an authorization and none is in force or coming: every visit is
        # covered only once one is granted (the estimate marks them and prices the refusal).
        out["auth_visits_left"] = 0
        notes.append("No authorization in force or coming: the payer requires one, so every "
                     "visit is covered only once it is authorized.")
    return out


class EstimateDeskService:
    def __init__(self, session_factory: sessionmaker[Session],
                 panel: PanelLookup | None = None) -> None:
        self._factory = session_factory
        self._panel = panel

    def prefill(self, patient_id: int | None, today: date, now: datetime, *,
                visits: int | None = None, per_week: int | None = None) -> EstimatePrefill:
        notes: list[str] = []
        with session_scope(self._factory) as s:
            clinic = load_details(s)
            p = None if patient_id is None else s.get(Patient, patient_id)
            if patient_id is not None and p is None:
                raise DomainError("This patient no longer exists.")
            cov = None if p is None else _in_force(s, p.id, today)
            first = (None if p is None else _next_booked(s, p.id, today)) or \
                BusinessCalendar.of(clinic.closed_dates).add(today, 1)
            lines, seen = (_typical_lines(s, p.id) if p is not None
                           else ([dict(x) for x in DEFAULT_LINES], False))
            fees = {} if cov is None or cov.kind is PayerKind.SELF_PAY else \
                amounts(s, "allowed", cov.payer_id, first.year)
            self_pay = amounts(s, "self_pay", None, first.year)
        plan: dict[str, Any] = {"first_visit": first.isoformat(),
                                "visits_per_week": per_week or DEFAULT_PER_WEEK,
                                "visits": visits or DEFAULT_VISITS, "per_visit": lines}
        if not seen:
            plan["evaluation"] = DEFAULT_EVALUATION
        data: dict[str, Any] = {"as_of": today.isoformat(), "plan_of_care": plan,
                                "locality_factor": f"{clinic.locality_factor}",
                                "clinic": clinic_json(clinic), "diagnoses": []}
        if p is not None:
            data["patient"] = {"name": f"{p.first_name} {p.last_name}",
                               "date_of_birth": p.date_of_birth.isoformat()}
        if cov is None:
            data["payer_type"] = "uninsured" if p is not None else "self_pay"
            notes.append("No coverage in force: priced at the clinic's self-pay prices."
                         if p is not None else "Quick estimate: choose the payer type.")
        elif cov.kind is PayerKind.SELF_PAY:
            data["payer_type"] = "self_pay"
        else:
            data["payer_type"] = cov.kind.value
            data["payer_name"] = cov.payer_name
            if cov.group_id:
                data["plan_name"] = f"Group {cov.group_id}"
            benefits = dict(cov.benefits)
            if self._panel is not None and patient_id is not None:
                benefits.update(_counts(self._panel.panel(patient_id, today, now), cov.id,
                                        notes, requires_auth=cov.requires_auth))
            data["benefits"] = benefits
            if cov.verified_on is not None:
                data["as_of"] = cov.verified_on.isoformat()
            notes.append(f"Benefits from {cov.payer_name} coverage"
                         + (f", verified {long_date(cov.verified_on)}." if cov.verified_on
                            else " (not verified yet)."))
            notes.append(f"Allowed amounts: {len(fees)} codes from the payer's fee schedule; "
                         "others at the default (CMS × locality)." if fees else
                         "Allowed amounts: the default schedule (CMS × locality); the payer "
                         "has no fee schedule of its own.")
        if fees:
            data["fees"] = {k: f"{v:.2f}" for k, v in sorted(fees.items())}
        if self_pay:
            data["self_pay_prices"] = {k: f"{v:.2f}" for k, v in sorted(self_pay.items())}
        return EstimatePrefill(
            patient_id, "" if p is None else f"{p.first_name} {p.last_name}",
            None if p is None else p.date_of_birth, "" if p is None else p.chart_number,
            "" if cov is None else cov.payer_name,
            "" if cov is None else f"member …{cov.member_id[-4:]}", data, clinic, tuple(notes))

    def patient_by_chart(self, chart: str) -> int:
        with session_scope(self._factory) as s:
            pid = s.scalars(select(Patient.id).where(Patient.chart_number == chart.strip())) \
                .first()
        if pid is None:
            raise ValidationError(f"--patient: no patient with chart number {chart!r}",
                                  field="patient")
        return pid


def plan_dates(first: date, per_week: int, count: int) -> Sequence[date]:
    """The engine's visit dates (first + floor(i x 7 / per_week) days), for the dialog's hint."""
    return [first + timedelta(days=i * 7 // per_week) for i in range(count)]


class EstimateDesk(EstimateDeskService):
    """What the estimate dialog and the record's list use: prefill, the engine, the document,
    and the stored estimates, in one object."""

    def __init__(self, session_factory: sessionmaker[Session],
                 panel: PanelLookup | None = None) -> None:
        from ptdesk.services.estimates.given import PatientEstimateService

        super().__init__(session_factory, panel)
        self._store = PatientEstimateService(session_factory)

    @staticmethod
    def compute(data: dict[str, Any]) -> ScenarioEstimate:
        return compute_scenario(data)

    @staticmethod
    def render(result: ScenarioEstimate, lang: str, today: date) -> bytes:
        return render_pdf(result, lang=lang, today=today)

    def save(self, draft: EstimateToStore, now: datetime) -> StoredEstimate:
        return self._store.save(draft, now)

    def estimates(self, patient_id: int, now: datetime) -> tuple[StoredEstimate, ...]:
        return self._store.list_for(patient_id, now)
