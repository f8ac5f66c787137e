"""What the clinic details screen and the documents that print them exchange with the service."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ClinicDetailsDraft:
    name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    phone: str = ""
    npi: str = ""
    tin: str = ""
    locality_factor: Decimal = Decimal("1.0000")
    closed_dates: tuple[date, ...] = ()

    @property
    def address(self) -> str:
        tail = " ".join(x for x in (self.state, self.postal_code) if x)
        return ", ".join(x for x in (self.address_line1, self.address_line2, self.city, tail)
                         if x.strip())

    @property
    def complete_for_gfe(self) -> bool:
        return bool(self.name and self.npi and self.tin and self.address_line1 and self.city)
