"""The scenario file of `ptdesk estimate --scenario` (issue 11 item 4): JSON in, JSON out.

In: as_of, payer_type, patient {name, date_of_birth}, benefits {...}, fees {code: allowed},
self_pay_prices {code: price}, plan_of_care {first_visit, visits_per_week, weeks | visits,
evaluation, per_visit [{code, units}], first_visit_lines}, diagnoses [ICD-10], and optionally
clinic {name, address, phone, npi, tin, state}, locality_factor, payer_name, plan_name,
prepared_by. Amounts are strings ("29.06"; plain JSON numbers are accepted too, read through
their text so 0.1 stays 0.1). A problem raises `ValidationError` naming the field.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate_document import ClinicDetails, EstimateDocument, PatientDetails
from ptdesk.domain.estimate_model import (
    Benefits,
    Estimate,
    EstimatePayer,
    EstimateRequest,
    FeeSchedule,
    PlanOfCare,
    ServiceLine,
)
from ptdesk.domain.estimate_validate import CODE_PATTERN, fail
from ptdesk.domain.money import round_cents

_TOP = {"as_of", "payer_type", "patient", "benefits", "fees", "self_pay_prices",
        "plan_of_care", "diagnoses", "clinic", "locality_factor", "payer_name", "plan_name",
        "prepared_by", "notes"}
_BENEFITS = {f for f in Benefits.__dataclass_fields__}
_PLAN = {"first_visit", "visits_per_week", "weeks", "visits", "evaluation", "per_visit",
         "first_visit_lines"}
_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


@dataclass(frozen=True, slots=True)
class Scenario:
    request: EstimateRequest
    patient: PatientDetails
    clinic: ClinicDetails
    diagnoses: tuple[str, ...] = ()
    payer_name: str | None = None
    plan_name: str | None = None
    prepared_by: str | None = None
    notes: tuple[str, ...] = ()

    def document(
        self,
        estimate: Estimate,
        prepared_on: date | None,
        descriptions: Mapping[str, Mapping[str, str]] | None = None,
    ) -> EstimateDocument:
        return EstimateDocument(
            estimate=estimate, clinic=self.clinic, patient=self.patient,
            payer_name=self.payer_name, plan_name=self.plan_name, diagnoses=self.diagnoses,
            prepared_on=prepared_on, prepared_by=self.prepared_by, notes=self.notes,
            code_descriptions=descriptions or {},
        )


def _obj(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise fail(field, "must be an object ({...})")
    return value


def _known(data: Mapping[str, Any], allowed: set[str], field: str) -> None:
    """A misspelt field would silently change the money ("coinsurance" for
    "coinsurance_percent"), so unknown fields are refused; "comment" and "_anything" are notes
    for people and are ignored."""
    for key in data:
        if key not in allowed and key != "comment" and not str(key).startswith("_"):
            where = f"{field}.{key}" if field else key
            raise fail(where, "is not a field ptdesk knows (check the spelling)")


def _text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(field, "must be text")
    return value.strip() or None


def _decimal(value: object, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(field, "must be an amount such as \"29.06\"")
    try:
        number = Decimal(str(value).strip().replace(",", "").removeprefix("$"))
    except InvalidOperation:
        raise fail(field, f"'{value}' is not an amount") from None
    if not number.is_finite():
        raise fail(field, f"'{value}' is not an amount")
    return number


def _money(value: object, field: str, default: Decimal | None = None) -> Decimal | None:
    number = _decimal(value, field)
    return default if number is None else number


def _int(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(field, "must be a whole number")
    return value


def _bool(value: object, field: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise fail(field, "must be true or false")
    return value


def _date(value: object, field: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise fail(field, f"'{value}' is not a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise fail(field, f"'{value}' is not a real date") from None


def _code(value: object, field: str) -> str:
    text = _text(value, field)
    if text is None or not CODE_PATTERN.match(text.upper()):
        raise fail(field, f"'{value}' is not a CPT/HCPCS code (5 characters)")
    return text.upper()


def _prices(value: object, field: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for key, amount in _obj(value or {}, field).items():
        code = _code(key, f"{field}.{key}")
        number = _money(amount, f"{field}.{key}")
        if number is None:
            raise fail(f"{field}.{key}", "needs an amount")
        out[code] = number
    return out


def _lines(value: object, field: str) -> tuple[ServiceLine, ...]:
    if not isinstance(value, list):
        raise fail(field, "must be a list of {\"code\", \"units\"}")
    out = []
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        obj = _obj(item, where)
        _known(obj, {"code", "units"}, where)
        units = _int(obj.get("units", 1), f"{where}.units")
        code = _code(obj.get("code"), f"{where}.code")
        out.append(ServiceLine(code, 1 if units is None else units))
    return tuple(out)


def _required(data: Mapping[str, Any], key: str, field: str) -> object:
    if data.get(key) is None:
        raise fail(field, "is required")
    return data[key]


def parse_benefits(value: object) -> Benefits:
    b = _obj(value, "benefits")
    _known(b, _BENEFITS, "benefits")
    zero = Decimal("0.00")
    return Benefits(
        deductible=_money(b.get("deductible"), "benefits.deductible"),
        deductible_met=_money(b.get("deductible_met"), "benefits.deductible_met", zero) or zero,
        deductible_waived=_bool(b.get("deductible_waived"), "benefits.deductible_waived"),
        copay=_money(b.get("copay"), "benefits.copay", zero) or zero,
        coinsurance_percent=_decimal(b.get("coinsurance_percent"), "benefits.coinsurance_percent"),
        oop_max=_money(b.get("oop_max"), "benefits.oop_max"),
        oop_met=_money(b.get("oop_met"), "benefits.oop_met", zero) or zero,
        plan_year_start=_text(b.get("plan_year_start"), "benefits.plan_year_start") or "01-01",
        visit_limit=_int(b.get("visit_limit"), "benefits.visit_limit"),
        visits_used=_int(b.get("visits_used"), "benefits.visits_used") or 0,
        auth_visits_left=_int(b.get("auth_visits_left"), "benefits.auth_visits_left"),
        auth_end=_date(b.get("auth_end"), "benefits.auth_end"),
        verified_on=_date(b.get("verified_on"), "benefits.verified_on"),
        verified_by=_text(b.get("verified_by"), "benefits.verified_by"),
    )


def parse_plan(value: object) -> PlanOfCare:
    p = _obj(value, "plan_of_care")
    _known(p, _PLAN, "plan_of_care")
    first = _date(_required(p, "first_visit", "plan_of_care.first_visit"),
                  "plan_of_care.first_visit")
    per_week = _int(_required(p, "visits_per_week", "plan_of_care.visits_per_week"),
                    "plan_of_care.visits_per_week")
    evaluation = p.get("evaluation")
    first_lines = p.get("first_visit_lines")
    assert first is not None  # _required
    assert per_week is not None
    return PlanOfCare(
        first_visit=first,
        visits_per_week=per_week,
        per_visit=_lines(p.get("per_visit", []), "plan_of_care.per_visit"),
        evaluation=None if evaluation is None else _code(evaluation, "plan_of_care.evaluation"),
        weeks=_int(p.get("weeks"), "plan_of_care.weeks"),
        visits=_int(p.get("visits"), "plan_of_care.visits"),
        first_visit_lines=None if first_lines is None else _lines(
            first_lines, "plan_of_care.first_visit_lines"),
    )


def _clinic(value: object) -> ClinicDetails:
    if value is None:
        return ClinicDetails()
    c = _obj(value, "clinic")
    address = c.get("address")
    if isinstance(address, list):
        lines = tuple(t for i, a in enumerate(address)
                      if (t := _text(a, f"clinic.address[{i}]")) is not None)
    else:
        one = _text(address, "clinic.address")
        lines = () if one is None else tuple(s.strip() for s in one.split("\n") if s.strip())
    return ClinicDetails(
        name=_text(c.get("name"), "clinic.name"), address_lines=lines,
        state=_text(c.get("state"), "clinic.state"), phone=_text(c.get("phone"), "clinic.phone"),
        npi=_text(c.get("npi"), "clinic.npi"), tin=_text(c.get("tin"), "clinic.tin"),
        contact=_text(c.get("contact"), "clinic.contact"),
    )


def _diagnoses(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail("diagnoses", "must be a list of ICD-10-CM codes")
    out = []
    for i, item in enumerate(value):
        text = (_text(item, f"diagnoses[{i}]") or "").upper()
        if not _ICD10.match(text):
            raise fail(f"diagnoses[{i}]", f"'{item}' is not an ICD-10-CM code such as M54.50")
        out.append(text)
    return tuple(out)


def parse_scenario(data: object) -> Scenario:
    """The scenario as domain objects; `ValidationError` names the first bad field."""
    top = _obj(data, "scenario")
    _known(top, _TOP, "")
    kind = _text(_required(top, "payer_type", "payer_type"), "payer_type") or ""
    try:
        payer = EstimatePayer(kind.lower())
    except ValueError:
        names = ", ".join(p.value for p in EstimatePayer)
        raise fail("payer_type", f"'{kind}' is not a payer type ({names})") from None
    benefits = None if top.get("benefits") is None else parse_benefits(top["benefits"])
    locality = _decimal(top.get("locality_factor"), "locality_factor")
    patient = _obj(top.get("patient") or {}, "patient")
    notes = top.get("notes") or []
    if not isinstance(notes, list):
        raise fail("notes", "must be a list of sentences")
    request = EstimateRequest(
        payer_type=payer,
        plan=parse_plan(_required(top, "plan_of_care", "plan_of_care")),
        fees=FeeSchedule(
            allowed=_prices(top.get("fees"), "fees"),
            self_pay=_prices(top.get("self_pay_prices"), "self_pay_prices"),
            locality_factor=Decimal(1) if locality is None else locality,
        ),
        benefits=benefits,
        as_of=_date(top.get("as_of"), "as_of"),
    )
    return Scenario(
        request=request,
        patient=PatientDetails(
            name=_text(patient.get("name"), "patient.name"),
            date_of_birth=_date(patient.get("date_of_birth"), "patient.date_of_birth"),
        ),
        clinic=_clinic(top.get("clinic")),
        diagnoses=_diagnoses(top.get("diagnoses")),
        payer_name=_text(top.get("payer_name"), "payer_name"),
        plan_name=_text(top.get("plan_name"), "plan_name"),
        prepared_by=_text(top.get("prepared_by"), "prepared_by"),
        notes=tuple(t for i, n in enumerate(notes) if (t := _text(n, f"notes[{i}]"))),
    )


def amount(value: Decimal) -> str:
    """"29.06": two decimals, half-up (the project's rule)."""
    return f"{round_cents(value):f}"


def estimate_json(estimate: Estimate) -> dict[str, object]:
    """The JSON out of `ptdesk estimate` (issue 11), amounts as strings with two decimals."""
    return {
        "visits": [
            {
                "n": v.n,
                "date": v.date.isoformat(),
                "lines": [{"code": ln.code, "units": ln.units, "allowed": amount(ln.allowed)}
                          for ln in v.lines],
                "allowed": amount(v.allowed),
                "insurance_pays": amount(v.insurance_pays),
                "patient_pays": amount(v.patient_pays),
                "covered": v.covered,
                "needs_extension": v.needs_extension,
                "if_not_extended": None if v.if_not_extended is None else amount(v.if_not_extended),
                "phase": v.phase,
            }
            for v in estimate.visits
        ],
        "totals": {
            "allowed": amount(estimate.totals.allowed),
            "insurance_pays": amount(estimate.totals.insurance_pays),
            "patient_pays": amount(estimate.totals.patient_pays),
        },
        "assumptions": [a.text for a in estimate.assumptions],
    }


__all__ = ["Scenario", "ValidationError", "estimate_json", "parse_scenario"]
