"""All mapped classes, imported here so `Base.metadata` knows every table (Alembic needs it)."""

from ptdesk.storage.models.accounts import AuditEntry, User
from ptdesk.storage.models.authorizations import (
    Authorization,
    AuthorizationCode,
    AuthorizationState,
)
from ptdesk.storage.models.checkin import PlanOfCareRecord, VisitOverride
from ptdesk.storage.models.clinic import AppSetting, Payer, Provider
from ptdesk.storage.models.coverages import Coverage
from ptdesk.storage.models.estimates import ClinicDetails, PatientEstimate
from ptdesk.storage.models.fees import FeeSchedule, FeeScheduleEntry
from ptdesk.storage.models.patients import Patient, PatientSearchTerm
from ptdesk.storage.models.requests import AuthorizationRequest
from ptdesk.storage.models.rule_tables import ImportedMue, ImportedPtp, RuleImport
from ptdesk.storage.models.settings import ChangeCounter, StatusBandSetting
from ptdesk.storage.models.usage import (
    AuthorizationUsage,
    BoardInputs,
    CoverageUsage,
    PatientChange,
    PeriodUsage,
)
from ptdesk.storage.models.visit_history import VisitDiagnosis, VisitVersion
from ptdesk.storage.models.visits import ServiceLine, Visit

__all__ = [
    "AppSetting",
    "AuditEntry",
    "Authorization",
    "AuthorizationCode",
    "AuthorizationRequest",
    "AuthorizationState",
    "AuthorizationUsage",
    "BoardInputs",
    "ChangeCounter",
    "ClinicDetails",
    "Coverage",
    "CoverageUsage",
    "FeeSchedule",
    "FeeScheduleEntry",
    "ImportedMue",
    "ImportedPtp",
    "Patient",
    "PatientChange",
    "PatientEstimate",
    "PatientSearchTerm",
    "Payer",
    "PeriodUsage",
    "PlanOfCareRecord",
    "Provider",
    "RuleImport",
    "ServiceLine",
    "StatusBandSetting",
    "User",
    "Visit",
    "VisitDiagnosis",
    "VisitOverride",
    "VisitVersion",
]
