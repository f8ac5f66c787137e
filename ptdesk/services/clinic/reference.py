"""Pick lists: the clinic's payers and providers."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.patients.dtos import PayerOption, ProviderOption
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Payer, Provider


class ReferenceService:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def payers(self, *, include_inactive: bool = False) -> tuple[PayerOption, ...]:
        """Payers by name; inactive ones only when asked (e.g. to show an old coverage)."""
        stmt = select(Payer).order_by(Payer.name)
        if not include_inactive:
            stmt = stmt.where(Payer.active.is_(True))
        with session_scope(self._factory) as s:
            return tuple(
                PayerOption(p.id, p.name, p.kind, p.requires_prior_auth, p.active)
                for p in s.scalars(stmt)
            )

    def providers(self, *, include_inactive: bool = False) -> tuple[ProviderOption, ...]:
        stmt = select(Provider).order_by(Provider.last_name, Provider.first_name)
        if not include_inactive:
            stmt = stmt.where(Provider.active.is_(True))
        with session_scope(self._factory) as s:
            return tuple(
                ProviderOption(
                    id=p.id,
                    name=f"{p.last_name}, {p.first_name}"
                    + (f", {p.credentials}" if p.credentials else ""),
                    role=p.role.value,
                    npi=p.npi or "",
                )
                for p in s.scalars(stmt)
            )
