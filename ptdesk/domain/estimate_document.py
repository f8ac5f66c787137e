"""What a printed estimate or Good Faith Estimate says besides the arithmetic (issue 11 item 3).

Plain data the documents in `reports/` print as given: the clinic's details (blank lines to
fill in by hand when a field is None), the patient, the payer and plan, who prepared it, and for
the Good Faith Estimate the elements 45 CFR 149.610(c)(1) asks for that are not figures
(diagnosis codes, the location, items needing separate scheduling).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ptdesk.domain.estimate_model import Estimate

# 45 CFR 149.620 "substantially in excess": billed at least $400 more than the expected charges
# of the same provider or facility (pt-rules H3, [S15]). Printed on every Good Faith Estimate.
GFE_DISPUTE_THRESHOLD = Decimal("400.00")


@dataclass(frozen=True, slots=True)
class ClinicDetails:
    name: str | None = None
    address_lines: tuple[str, ...] = ()  # street, "City, ST 12345"
    state: str | None = None  # where the services are furnished (149.610(c)(1)(v))
    phone: str | None = None
    npi: str | None = None
    tin: str | None = None
    # where a patient asks for a separate GFE or help (149.610(c)(1)(vii)); else the phone
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class PatientDetails:
    name: str | None = None
    date_of_birth: date | None = None
    chart: str | None = None


@dataclass(frozen=True, slots=True)
class EstimateDocument:
    """Everything one printed estimate (or GFE) shows. `estimate` carries the request."""

    estimate: Estimate
    clinic: ClinicDetails = field(default_factory=ClinicDetails)
    patient: PatientDetails = field(default_factory=PatientDetails)
    payer_name: str | None = None  # "Blue Shield PPO"; None: the payer type's label
    plan_name: str | None = None
    member_id_last4: str | None = None  # never the whole member id on paper we do not need
    diagnoses: tuple[str, ...] = ()  # ICD-10-CM codes when known
    prepared_on: date | None = None
    prepared_by: str | None = None
    service_description: str | None = None  # clear-language primary service; default text
    # items expected to need separate scheduling (149.610(c)(1)(vi)); empty: "none expected"
    separately_scheduled: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # extra plain-language notes from the desk
    # plain-language descriptions by language then code ("en" -> "97110" -> "Therapeutic
    # exercise"), from resources/rules/codes.csv; a code without one prints its code alone
    code_descriptions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
