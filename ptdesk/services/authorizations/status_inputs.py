"""What the patient panel and the practice board both feed the status rules: a coverage's KX
input and visit limit, the Medicare coverage in force, and a status chip's words.

Its own module so that the board and the panel share it without importing each other.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ptdesk.domain.kx_status import REVIEW_THRESHOLD_THROUGH_2027, KxInput
from ptdesk.domain.payers import PayerKind
from ptdesk.domain.status import Status, StatusReason, coverage_role
from ptdesk.domain.visit_limits import VisitLimit
from ptdesk.services.authorizations.dtos import StatusChipView
from ptdesk.services.authorizations.patient_data import CoverageRow

if TYPE_CHECKING:  # the billing package imports its whole engine: loaded when a KX is needed
    from ptdesk.domain.billing.kx import KxThreshold


@lru_cache(maxsize=1)
def kx_thresholds() -> "dict[int, KxThreshold]":
    """KX thresholds by year from the billing rule tables (read once)."""
    from ptdesk.storage.rule_tables import load_bundled_ruleset

    return dict(load_bundled_ruleset().kx)


def kx_input(c: CoverageRow, year: int, own: Decimal) -> KxInput:
    t = kx_thresholds().get(year)
    return KxInput(
        year=year, threshold=t.pt_slp if t else None, own_amount=own,
        elsewhere_amount=c.therapy_amount_elsewhere or Decimal("0"),
        elsewhere_year=c.therapy_amount_elsewhere_year,
        review_threshold=(t.review if t and t.review is not None
                          else REVIEW_THRESHOLD_THROUGH_2027),
        threshold_note=t.confidence if t and t.confidence != "high" else "",
    )


def visit_limit(c: CoverageRow) -> VisitLimit | None:
    if c.visit_limit is None:
        return None
    return VisitLimit(c.id, c.visit_limit, c.plan_year_start_month, c.plan_year_start_day,
                      c.visits_used_elsewhere, c.visits_used_elsewhere_as_of, c.payer_name,
                      coverage_role(c.priority))


def medicare_coverage(covs: Iterable[CoverageRow], today: date) -> CoverageRow | None:
    return next((c for c in covs if c.payer_kind is PayerKind.MEDICARE and c.in_force(today)),
                None)


def chip(status: Status, reasons: tuple[StatusReason, ...]) -> StatusChipView:
    """"Red · 2 visits left" from the worst reason that has the same status."""
    head = next((r for r in reasons if r.status is status), None)
    text = head.chip if head is not None else status.label
    tip = " ".join(x for x in (head.sentence, head.next_step) if x) if head else ""
    return StatusChipView(status, status.icon_name, text, tip)
