"""Which modifiers a payer kind needs (data, not code) and the modifier vocabulary."""

from dataclasses import dataclass

from ptdesk.domain.billing.findings import Severity
from ptdesk.domain.payers import PayerKind

GP = "GP"  # PT plan of care
KX = "KX"  # above the year's therapy threshold, medically necessary
CQ = "CQ"  # furnished in whole or in part by a PTA
# Modifiers a PT line should not carry: other disciplines' and the OTA one.
WRONG_DISCIPLINE = frozenset({"GO", "GN", "CO"})
# Distinct-service modifiers that bypass an NCCI indicator-1 edit (pt-rules D4).
DISTINCT_SERVICE = frozenset({"59", "XE", "XS", "XP", "XU"})


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    """One payer kind's modifier and edit policy (resources/rules/payer_modifier_policy.csv)."""

    payer_kind: PayerKind
    needs_gp: bool
    needs_kx: bool
    needs_cq: bool
    # How NCCI/MUE findings are graded for this payer kind; None = not checked.
    edits_severity: Severity | None
    # How Medicare PFS status codes (B bundled, I not valid) are graded; None = not checked.
    pfs_status_severity: Severity | None
    source: str = ""
    version: str = ""


def parse_modifiers(text: str) -> frozenset[str]:
    """'GP KX', 'GP,KX', 'gp; kx' -> {'GP', 'KX'} (spaces, commas or semicolons)."""
    if not text:
        return frozenset()
    for sep in ",;\t":
        text = text.replace(sep, " ")
    return frozenset(part.upper() for part in text.split())
