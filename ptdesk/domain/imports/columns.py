"""The five import kinds: their columns, keys and the header aliases other systems use.

A header matches a column when, normalised (lower case, runs of anything but letters and
digits become one "_"), it is the column's own name or one of its aliases. The column's own
name wins over an alias; the first header wins when two mean the same column; headers that
match nothing are ignored.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class ImportKind(StrEnum):
    PAYERS = "payers"
    PATIENTS = "patients"
    COVERAGES = "coverages"
    AUTHORIZATIONS = "authorizations"
    VISITS = "visits"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: ImportKind
    columns: tuple[str, ...]  # in the order ptdesk writes them
    required: frozenset[str]
    key: tuple[str, ...]


SPECS: dict[ImportKind, KindSpec] = {
    ImportKind.PAYERS: KindSpec(
        ImportKind.PAYERS,
        ("name", "payer_type", "unit_method", "requires_authorization"),
        frozenset({"name", "payer_type"}), ("name",)),
    ImportKind.PATIENTS: KindSpec(
        ImportKind.PATIENTS,
        ("chart", "last_name", "first_name", "preferred_name", "date_of_birth", "sex", "phone",
         "email", "address", "city", "state", "zip", "active"),
        frozenset({"chart", "last_name", "first_name", "date_of_birth"}), ("chart",)),
    ImportKind.COVERAGES: KindSpec(
        ImportKind.COVERAGES,
        ("chart", "payer", "rank", "member_id", "group_id", "effective", "end",
         "plan_year_start", "visit_limit", "visits_used_elsewhere", "deductible",
         "deductible_met", "copay", "coinsurance_percent", "oop_max", "oop_met",
         "ytd_therapy_allowed_elsewhere"),
        frozenset({"chart", "payer", "effective"}), ("chart", "payer", "rank")),
    ImportKind.AUTHORIZATIONS: KindSpec(
        ImportKind.AUTHORIZATIONS,
        ("chart", "payer", "number", "status", "start", "end", "visits", "units", "codes",
         "used_before"),
        frozenset({"chart", "payer", "start", "end"}), ("chart", "payer", "number")),
    ImportKind.VISITS: KindSpec(
        ImportKind.VISITS,
        ("chart", "date", "time", "provider", "payer", "status", "lines"),
        frozenset({"chart", "date", "status"}), ("chart", "date", "time")),
}

# Normalised header -> column, by column. Kept small: the names a clinic's old system or a
# spreadsheet typically uses. An alias only applies when the kind has that column.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("payer", "payer_name", "insurance", "insurance_name", "carrier"),
    "payer_type": ("type", "kind", "payer_kind", "insurance_type", "financial_class"),
    "unit_method": ("units_method", "billing_method", "unit_rule"),
    "requires_authorization": ("requires_auth", "auth_required", "prior_auth",
                               "requires_prior_auth", "prior_authorization"),
    "chart": ("chart_number", "chart_no", "chart_num", "mrn", "account", "account_number",
              "patient_id", "patient_number", "patient_no"),
    "last_name": ("last", "lastname", "surname", "family_name", "patient_last_name"),
    "first_name": ("first", "firstname", "given_name", "patient_first_name"),
    "preferred_name": ("preferred", "nickname", "goes_by"),
    "date_of_birth": ("dob", "birth_date", "birthdate", "birthday", "date_birth"),
    "sex": ("gender", "sex_at_birth"),
    "phone": ("phone_number", "mobile", "mobile_phone", "cell", "cell_phone", "telephone",
              "home_phone", "phone_1", "primary_phone"),
    "email": ("e_mail", "email_address"),
    "address": ("address1", "address_1", "address_line1", "address_line_1", "street",
                "street_address"),
    "zip": ("zip_code", "zipcode", "postal_code", "postcode", "zip_postal"),
    "state": ("st", "province"),
    "active": ("is_active", "active_patient"),
    "payer": ("payer_name", "insurance", "insurance_name", "carrier", "plan_name"),
    "rank": ("priority", "order", "coverage_rank", "sequence", "coverage_order"),
    "member_id": ("member", "member_number", "member_no", "subscriber_id", "policy_number",
                  "policy_id", "policy", "insurance_id", "id_number"),
    "group_id": ("group", "group_number", "group_no"),
    "effective": ("effective_date", "eff_date", "coverage_start", "start_date"),
    "end": ("end_date", "termination_date", "term_date", "expiration_date", "expires"),
    "plan_year_start": ("plan_year", "benefit_year_start", "plan_year_begins"),
    "visit_limit": ("visit_limit_per_year", "visits_per_year", "annual_visit_limit",
                    "visits_allowed_per_year"),
    "visits_used_elsewhere": ("visits_elsewhere", "used_elsewhere"),
    "coinsurance_percent": ("coinsurance", "coinsurance_pct", "coins"),
    "oop_max": ("out_of_pocket_max", "oop_maximum"),
    "oop_met": ("out_of_pocket_met",),
    "ytd_therapy_allowed_elsewhere": ("therapy_amount_elsewhere", "therapy_elsewhere",
                                      "therapy_allowed_elsewhere"),
    "number": ("auth_number", "authorization_number", "auth_no", "auth", "authorization",
               "reference_number"),
    "status": ("auth_status", "authorization_status", "appointment_status", "visit_status",
               "appt_status"),
    "start": ("start_date", "from", "from_date", "begin_date", "auth_start"),
    "visits": ("visits_authorized", "authorized_visits", "approved_visits", "visit_count"),
    "units": ("units_authorized", "authorized_units", "approved_units"),
    "codes": ("cpt", "cpt_codes", "procedure_codes", "authorized_codes"),
    "used_before": ("used", "visits_used", "used_before_ptdesk", "already_used"),
    "date": ("visit_date", "appointment_date", "appt_date", "dos", "date_of_service",
             "service_date"),
    "time": ("visit_time", "appointment_time", "appt_time", "start_time"),
    "provider": ("therapist", "provider_name", "provider_npi", "npi", "clinician",
                 "rendering_provider"),
    "lines": ("service_lines", "procedures", "charges"),
}
# Where a column has aliases that only make sense for one kind (e.g. "start_date" is an
# authorization's start but a coverage's effective date).
_KIND_ALIASES: dict[tuple[ImportKind, str], tuple[str, ...]] = {
    (ImportKind.AUTHORIZATIONS, "end"): ("end_date", "to", "to_date", "expiration_date",
                                         "auth_end"),
}


def normalise(header: str) -> str:
    """"Date of Birth" -> "date_of_birth"; "Member ID#" -> "member_id"."""
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower().lstrip("\ufeff")).strip("_")


def aliases_for(kind: ImportKind, column: str) -> tuple[str, ...]:
    return _KIND_ALIASES.get((kind, column), ALIASES.get(column, ()))


def match_headers(kind: ImportKind, headers: list[str]) -> dict[str, int | None]:
    """Column -> index of the header that holds it (None: not in the file)."""
    spec = SPECS[kind]
    norm = [normalise(h) for h in headers]
    out: dict[str, int | None] = dict.fromkeys(spec.columns)
    taken: set[int] = set()
    for col in spec.columns:  # exact names first, so an alias never steals a real column
        if col in norm:
            i = norm.index(col)
            out[col] = i
            taken.add(i)
    for col in spec.columns:
        if out[col] is not None:
            continue
        names = aliases_for(kind, col)
        for i, h in enumerate(norm):
            if i not in taken and h in names:
                out[col] = i
                taken.add(i)
                break
    return out


def missing_required(kind: ImportKind, mapping: dict[str, int | None]) -> list[str]:
    return [c for c in SPECS[kind].columns
            if c in SPECS[kind].required and mapping.get(c) is None]
