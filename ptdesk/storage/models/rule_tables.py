"""CMS quarterly MUE and NCCI PTP files and yearly ICD-10-CM code files a clinic imported,
shared by every workstation.

Only rows for codes in ptdesk's catalogue are stored (a full CMS file has hundreds of thousands
of rows, almost all for codes a PT clinic never bills); the import records how many it read.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptdesk.storage.base import Base
from ptdesk.storage.types import Instant


class RuleImport(Base):
    __tablename__ = "rule_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "mue", "ptp" or "icd10cm"
    version: Mapped[str] = mapped_column(String(200))  # shown in every finding that uses it
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(Instant)
    effective_from: Mapped[date | None] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_kept: Mapped[int] = mapped_column(Integer)

    mue_rows: Mapped[list["ImportedMue"]] = relationship(
        back_populates="rule_import", cascade="all, delete-orphan"
    )
    ptp_rows: Mapped[list["ImportedPtp"]] = relationship(
        back_populates="rule_import", cascade="all, delete-orphan"
    )


class ImportedMue(Base):
    __tablename__ = "imported_mue"
    __table_args__ = (UniqueConstraint("import_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("rule_imports.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(10))
    limit_units: Mapped[int] = mapped_column(Integer)
    mai: Mapped[int] = mapped_column(SmallInteger)
    rationale: Mapped[str] = mapped_column(String(200), default="", server_default="")

    rule_import: Mapped[RuleImport] = relationship(back_populates="mue_rows")


class ImportedPtp(Base):
    __tablename__ = "imported_ptp"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("rule_imports.id", ondelete="CASCADE"), index=True
    )
    column1: Mapped[str] = mapped_column(String(10))
    column2: Mapped[str] = mapped_column(String(10))
    effective: Mapped[date] = mapped_column(Date)
    deletion: Mapped[date | None] = mapped_column(Date)
    indicator: Mapped[int] = mapped_column(SmallInteger)
    rationale: Mapped[str] = mapped_column(String(200), default="", server_default="")

    rule_import: Mapped[RuleImport] = relationship(back_populates="ptp_rows")


class ImportedIcd10Code(Base):
    """A billable code of an imported ICD-10-CM release (issue 10 item 3): the whole release is
    kept (~74,000 rows), since any code may be a patient's diagnosis. Written with one Core
    insert, never one by one."""

    __tablename__ = "imported_icd10_codes"
    __table_args__ = (UniqueConstraint("import_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("rule_imports.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))  # without the dot, as CMS's file has it
    description: Mapped[str] = mapped_column(String(400))
