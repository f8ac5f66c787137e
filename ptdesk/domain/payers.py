"""Payer kinds and unit-calculation methods: the vocabulary shared by every rule."""

from enum import StrEnum


class PayerKind(StrEnum):
    MEDICARE = "medicare"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    SELF_PAY = "self_pay"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    PayerKind.MEDICARE: "Medicare",
    PayerKind.MEDICARE_ADVANTAGE: "Medicare Advantage",
    PayerKind.MEDICAID: "Medicaid",
    PayerKind.COMMERCIAL: "Commercial",
    PayerKind.WORKERS_COMP: "Workers' comp",
    PayerKind.SELF_PAY: "Self-pay",
}


class UnitMethod(StrEnum):
    """How timed minutes become units (rules B and C of shared/rules/pt-rules.md)."""

    CMS = "cms"  # total timed minutes decide total units (Pub 100-04 Ch. 5 §20.2)
    AMA = "ama"  # each code on its own clock (CPT "Rule of 8s")

    @property
    def label(self) -> str:
        return "CMS total-time (8-minute rule)" if self is UnitMethod.CMS else "AMA/CPT per code"


def default_unit_method(kind: PayerKind) -> UnitMethod:
    """pt-rules.md C3: Medicare, Medicare Advantage and Medicaid default to CMS."""
    if kind in (PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE, PayerKind.MEDICAID):
        return UnitMethod.CMS
    return UnitMethod.AMA


class ProviderRole(StrEnum):
    PT = "PT"
    PTA = "PTA"


class VisitStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("No show", "No-show")
