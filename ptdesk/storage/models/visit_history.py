"""What issue 10 item 5 keeps: the earlier versions of a corrected visit (never deleted).

A correction copies what the visit said before (lines, units, modifiers, diagnoses) into one
`VisitVersion` row, as JSON text, with who, when (UTC) and why; the visit itself then holds the
new version. Voiding keeps the visit (status VOIDED + reason), so nothing is ever deleted.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptdesk.storage.base import Base
from ptdesk.storage.types import Instant


class VisitVersion(Base):
    __tablename__ = "visit_versions"
    __table_args__ = (Index("uq_visit_versions_visit_number", "visit_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(SmallInteger)  # 1 = as first completed
    # The version replaced: {"lines": [[code, units, minutes, asst, modifiers], ...],
    # "diagnoses": [code, ...], "reeval_reason": "..."}
    content: Mapped[str] = mapped_column(Text)
    # Who corrected it: initials or a name until ptdesk has accounts.
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(Instant)
    why: Mapped[str] = mapped_column(String(200))


class VisitDiagnosis(Base):
    """An ICD-10-CM code on a visit; position 1 is the primary diagnosis."""

    __tablename__ = "visit_diagnoses"
    __table_args__ = (Index("uq_visit_diagnoses_visit_position", "visit_id", "position",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(8))  # without the dot, as CMS's file has it
