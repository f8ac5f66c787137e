"""`ptdesk export fhir --patient CHART`: a FHIR R4 Bundle (plain dicts, no FHIR library at run
time) with the Patient, their Coverage resources, and one Claim with use = preauthorization
per renewal (extension) request: what a payer's prior-authorization API (CMS-0057-F, from
2027) or a clearinghouse reads.

Identifiers are deterministic (uuid5 of the chart and the row ids) so two exports of the same
data are byte for byte the same. Codes: CPT for the procedure codes, HL7's claim-type
"professional", process priority "normal" (standard request) or "stat" (expedited).
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.errors import DomainError
from ptdesk.domain.permissions import Permission
from ptdesk.domain.renewal import RequestStatus, Urgency
from ptdesk.services.accounts.access import record_event, require
from ptdesk.storage.models import Authorization, AuthorizationRequest, Coverage, Patient, Payer

NS = uuid.UUID("6f1c3a52-8d0e-4b59-9a51-2b0f3c7d9e10")  # ptdesk's namespace for FHIR ids
CHART_SYSTEM = "urn:ptdesk:chart"
CPT = "http://www.ama-assn.org/go/cpt"
CLAIM_TYPE = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
GENDER = {"M": "male", "F": "female"}


class PatientNotFound(DomainError):
    """No patient has this chart number."""


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NS, '/'.join(str(p) for p in parts))}"


def _patient(p: Patient) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": CHART_SYSTEM, "value": p.chart_number}],
        "active": p.active,
        "name": [{"family": p.last_name,
                  "given": [n for n in (p.first_name, p.middle_name) if n]}],
        "gender": GENDER.get(p.sex, "unknown"),
        "birthDate": p.date_of_birth.isoformat(),
    }
    if p.preferred_name:
        res["name"].append({"use": "nickname", "given": [p.preferred_name]})
    telecom = [{"system": "phone", "value": v, "use": use}
               for v, use in ((p.phone_mobile, "mobile"), (p.phone_home, "home")) if v]
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    if telecom:
        res["telecom"] = telecom
    if p.address_line1 or p.city:
        addr: dict[str, Any] = {"line": [x for x in (p.address_line1, p.address_line2) if x]}
        addr.update({k: v for k, v in (("city", p.city), ("state", p.state),
                                       ("postalCode", p.postal_code)) if v})
        addr["country"] = "US"
        res["address"] = [addr]
    return res


def _coverage(c: Coverage, payer: str, patient_urn: str, today: date) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resourceType": "Coverage",
        "status": "active",
        "subscriberId": c.member_id or None,
        "beneficiary": {"reference": patient_urn},
        "payor": [{"display": payer}],
        "order": c.priority,
        "period": {"start": c.effective_date.isoformat()},
    }
    if c.end_date is not None:
        res["period"]["end"] = c.end_date.isoformat()
    if not res["subscriberId"]:
        del res["subscriberId"]
    if c.group_id:
        res["class"] = [{"type": {"coding": [{"system": COVERAGE_CLASS, "code": "group"}]},
                         "value": c.group_id}]
    return res


def _claim(r: AuthorizationRequest, a: Authorization | None, cov_urn: str, patient_urn: str,
           clinic: str) -> dict[str, Any]:
    codes = [c for c in r.codes_requested.replace(",", " ").split() if c]
    unit = "units" if a is not None and a.counts is AuthUnit.UNITS else "visits"
    period: dict[str, str] = {}
    if r.start_requested:
        period["start"] = r.start_requested.isoformat()
    if r.end_requested:
        period["end"] = r.end_requested.isoformat()
    created = r.sent_at or r.created_at
    items = []
    for i, code in enumerate(codes or [""], 1):
        item: dict[str, Any] = {
            "sequence": i,
            "productOrService": ({"coding": [{"system": CPT, "code": code}]} if code
                                 else {"text": "Physical therapy visits"}),
            "quantity": {"value": r.visits_requested, "unit": unit},
        }
        if period:
            item["servicedPeriod"] = dict(period)
        items.append(item)
    claim: dict[str, Any] = {
        "resourceType": "Claim",
        "identifier": [{"system": "urn:ptdesk:authorization-request", "value": str(r.id)}],
        "status": "draft" if r.status is RequestStatus.NOT_SENT else "active",
        "type": {"coding": [{"system": CLAIM_TYPE, "code": "professional"}]},
        "use": "preauthorization",
        "patient": {"reference": patient_urn},
        "created": created.date().isoformat(),
        "provider": {"display": clinic},
        "priority": {"coding": [{"system": PRIORITY, "code":
                                 "stat" if r.urgency is Urgency.EXPEDITED else "normal"}]},
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": cov_urn}}],
        "item": items,
    }
    if period:
        claim["billablePeriod"] = dict(period)
    if a is not None and a.number:
        claim["related"] = [{"reference": {"system": "urn:ptdesk:authorization",
                                           "value": a.number}}]
    return claim


def fhir_bundle(factory: sessionmaker[Session], chart: str, today: date,
                clinic: str = "ptdesk clinic") -> dict[str, Any]:
    """The patient's Bundle. Needs the export permission; the export is recorded."""
    require(Permission.EXPORT_DATA)
    with factory() as s:
        p = s.scalars(select(Patient).where(Patient.chart_number == chart)).first()
        if p is None:
            raise PatientNotFound(f"No patient has chart number {chart}.", field="patient")
        p_urn = _urn("patient", chart)
        entries = [{"fullUrl": p_urn, "resource": _patient(p)}]
        covs = s.execute(select(Coverage, Payer.name).join(Payer, Payer.id == Coverage.payer_id)
                         .where(Coverage.patient_id == p.id)
                         .order_by(Coverage.priority, Coverage.id)).all()
        urns = {}
        for c, payer in covs:
            urns[c.id] = _urn("coverage", chart, c.id)
            entries.append({"fullUrl": urns[c.id], "resource": _coverage(c, payer, p_urn,
                                                                          today)})
        reqs = s.scalars(select(AuthorizationRequest)
                         .where(AuthorizationRequest.coverage_id.in_(list(urns)))
                         .order_by(AuthorizationRequest.id)).all() if urns else []
        for r in reqs:
            a = s.get(Authorization, r.authorization_id) if r.authorization_id else None
            entries.append({"fullUrl": _urn("claim", chart, r.id),
                            "resource": _claim(r, a, urns[r.coverage_id], p_urn, clinic)})
        patient_id = p.id
    record_event(factory, "export", table_name="patients", row_id=patient_id,
                 patient_id=patient_id, details={"what": "FHIR bundle"})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
