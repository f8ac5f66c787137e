"""All mapped classes, imported here so `Base.metadata` knows every table (Alembic needs it)."""

from ptdesk.storage.models.authorizations import (
    Authorization,
    AuthorizationCode,
    AuthorizationState,
)
from ptdesk.storage.models.clinic import AppSetting, Payer, Provider
from ptdesk.storage.models.coverages import Coverage
from ptdesk.storage.models.fees import FeeSchedule, FeeScheduleEntry
from ptdesk.storage.models.patients import Patient, PatientSearchTerm
from ptdesk.storage.models.visits import ServiceLine, Visit

__all__ = [
    "AppSetting",
    "Authorization",
    "AuthorizationCode",
    "AuthorizationState",
    "Coverage",
    "FeeSchedule",
    "FeeScheduleEntry",
    "Patient",
    "PatientSearchTerm",
    "Payer",
    "Provider",
    "ServiceLine",
    "Visit",
]
