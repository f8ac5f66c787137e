"""The code catalogue's vocabulary: timed, untimed and evaluation codes (pt-rules A)."""

from dataclasses import dataclass
from enum import StrEnum


class CodeKind(StrEnum):
    TIMED = "timed"  # "each 15 minutes": units from the 8-minute rule
    UNTIMED = "untimed"  # service-based: 1 unit per date of service, minutes not counted
    EVAL = "eval"  # evaluation / re-evaluation: untimed, 1 unit


class TherapyClass(StrEnum):
    ALWAYS = "always"  # always therapy: GP under a PT plan of care
    SOMETIMES = "sometimes"  # therapy when furnished under a therapy plan of care (e.g. RTM)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    kind: CodeKind
    therapy: TherapyClass
    description: str  # ptdesk's own short words, never the AMA descriptor
    confidence: str = "high"
    note: str = ""
    # The de minimis (CQ) standard does not apply to some codes (RTM device supply, pt-rules A3).
    cq_applies: bool = True

    @property
    def is_timed(self) -> bool:
        return self.kind is CodeKind.TIMED
