"""The one declarative base. Named constraints let Alembic's batch mode alter SQLite tables."""

from datetime import datetime

from sqlalchemy import MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ptdesk.storage.types import Instant

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """created_at / updated_at, set by the database so every workstation agrees on them."""

    created_at: Mapped[datetime] = mapped_column(
        Instant, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        Instant,
        server_default=func.current_timestamp(),
        onupdate=func.current_timestamp(),
    )
