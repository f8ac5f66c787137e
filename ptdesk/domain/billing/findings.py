"""What the engine reports: one finding per problem, each with a stable rule id and a source."""

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the claim line will be denied (or is a compliance error) as billed
    WARNING = "warning"  # a risk, or something a person has to decide


class RuleId(StrEnum):
    UNITS_OVERBILLED = "UNITS_OVERBILLED"
    UNITS_UNDERBILLED = "UNITS_UNDERBILLED"
    MODIFIER_MISSING = "MODIFIER_MISSING"
    MODIFIER_UNEXPECTED = "MODIFIER_UNEXPECTED"
    MUE_EXCEEDED = "MUE_EXCEEDED"
    NCCI_MODIFIER_NEEDED = "NCCI_MODIFIER_NEEDED"
    NCCI_NOT_TOGETHER = "NCCI_NOT_TOGETHER"
    CODE_BUNDLED = "CODE_BUNDLED"
    CODE_NOT_VALID_MEDICARE = "CODE_NOT_VALID_MEDICARE"
    AUTH_VISITS_EXCEEDED = "AUTH_VISITS_EXCEEDED"
    AUTH_DATE_OUTSIDE = "AUTH_DATE_OUTSIDE"
    AUTH_CODE_NOT_COVERED = "AUTH_CODE_NOT_COVERED"
    KX_REVIEW_THRESHOLD = "KX_REVIEW_THRESHOLD"
    KX_THRESHOLD_UNKNOWN = "KX_THRESHOLD_UNKNOWN"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    INVALID_ROW = "INVALID_ROW"
    VISIT_ROWS_NOT_CONTIGUOUS = "VISIT_ROWS_NOT_CONTIGUOUS"
    REEVAL_REASON_MISSING = "REEVAL_REASON_MISSING"


# Where each kind of rule comes from (pt-rules.md section and its primary source).
SRC_UNITS_CMS = "CMS Pub 100-04 Ch. 5 §20.2 (pt-rules B)"
SRC_UNITS_AMA = "CPT time convention, per-code method (pt-rules C)"
SRC_GP = "CMS Pub 100-04 Ch. 5 §20.1; Noridian therapy modifiers (pt-rules D1)"
SRC_KX = "Noridian JE / NGS per-beneficiary KX threshold pages (pt-rules D2)"
SRC_CQ = "CMS 'Billing Examples Using CQ/CO Modifiers' (pt-rules D3)"
SRC_NCCI = "CMS NCCI practitioner PTP edits (pt-rules D4)"
SRC_MUE = "CMS practitioner MUE table (pt-rules E)"
SRC_PFS = "CMS PFS national RVU file, status code (pt-rules I2)"
SRC_AUTH = "Payer authorization on file"
SRC_CODES = "ptdesk code catalogue (pt-rules A)"
SRC_REEVAL = "CMS Pub 100-02 Ch. 15 §220.3 C: re-evaluation is not routine (pt-rules F4)"
SRC_INPUT = "Audit input file"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: RuleId
    severity: Severity
    code: str | None
    message: str
    source: str
    table_version: str = ""
    # Index of the input service line (0-based) the finding concerns, when there is one.
    line: int | None = None
