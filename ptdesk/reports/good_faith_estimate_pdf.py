"""The Good Faith Estimate for uninsured and self-pay patients (45 CFR 149.610(c)(1))."""

from typing import BinaryIO

from ptdesk.domain.estimate_document import EstimateDocument


def build_good_faith_estimate_pdf(
    data: EstimateDocument, out: BinaryIO | str, *, lang: str = "en", invariant: bool = False
) -> None:
    raise NotImplementedError("being written on branch estimates")
