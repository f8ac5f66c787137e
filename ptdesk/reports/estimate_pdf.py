"""The patient cost estimate (issue 11 item 3): US Letter, English or Spanish."""

from typing import BinaryIO

from ptdesk.domain.estimate_document import EstimateDocument


def build_estimate_pdf(
    data: EstimateDocument, out: BinaryIO | str, *, lang: str = "en", invariant: bool = False
) -> None:
    raise NotImplementedError("being written on branch estimates")
