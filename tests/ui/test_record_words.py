"""The record header's words: a self-pay coverage has no member id to name."""

from datetime import date
from decimal import Decimal

import pytest

from ptdesk.domain.patient_rules import CoverageDraft
from ptdesk.domain.payers import PayerKind
from ptdesk.services.patients.dtos import CoverageInfo, CoverageState
from ptdesk.ui.patients.record_view import coverage_summary


def _coverage(member: str, kind: PayerKind, payer: str, copay: Decimal | None) -> CoverageInfo:
    draft = CoverageDraft(1, member, date(2026, 1, 1), copay=copay)
    return CoverageInfo(1, 1, 1, payer, kind, draft, CoverageState.ACTIVE)


@pytest.mark.parametrize(
    ("member", "kind", "payer", "copay", "words"),
    [
        ("", PayerKind.SELF_PAY, "Self-pay", None, "Primary: Self-pay"),
        ("", PayerKind.SELF_PAY, "Self-pay", Decimal("40"), "Primary: Self-pay · copay $40.00"),
        ("W123", PayerKind.COMMERCIAL, "Aetna", None, "Primary: Aetna · member W123"),
    ],
)
def test_coverage_summary(
    member: str, kind: PayerKind, payer: str, copay: Decimal | None, words: str
) -> None:
    assert coverage_summary(_coverage(member, kind, payer, copay), "Primary") == words
