"""The billing rules engine: units, modifiers, edits and authorization checks for one visit.

Pure: no Qt, no database, no files, no clock. Rule data arrives as a `RuleSet` built by the
storage layer from `resources/rules/` and any CMS file a clinic imported.
"""

from ptdesk.domain.billing.codes import CodeInfo, CodeKind, TherapyClass
from ptdesk.domain.billing.engine import (
    BilledLine,
    ServiceLine,
    VisitInput,
    VisitResult,
    evaluate_visit,
)
from ptdesk.domain.billing.findings import Finding, RuleId, Severity
from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.domain.billing.units import Allocation, ama_units, cms_units, units_for_minutes

__all__ = [
    "Allocation",
    "BilledLine",
    "CodeInfo",
    "CodeKind",
    "Finding",
    "RuleId",
    "RuleSet",
    "ServiceLine",
    "Severity",
    "TherapyClass",
    "VisitInput",
    "VisitResult",
    "ama_units",
    "cms_units",
    "evaluate_visit",
    "units_for_minutes",
]
