"""The estimate's visits, one row each: date, codes, allowed, insurance pays, patient pays,
phase; a visit past the authorization says what the patient owes if it is not extended."""

from decimal import Decimal

from ptdesk.domain.estimate_model import VisitEstimate
from ptdesk.domain.status import long_date
from ptdesk.ui.widgets.rows_model import Column, RowsModel


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _phase(v: VisitEstimate) -> str:
    phase = v.phase.capitalize()
    if v.needs_extension:
        owed = "" if v.if_not_extended is None else f": {money(v.if_not_extended)} if not"
        phase += f" · needs the authorization extended{owed}"
    return phase


class EstimateVisitsModel(RowsModel[VisitEstimate]):
    COL_N, COL_DATE, COL_CODES, COL_ALLOWED, COL_INSURANCE, COL_PATIENT, COL_PHASE = range(7)
    COLUMNS = (
        Column[VisitEstimate]("#", lambda v: str(v.n), right=True),
        Column[VisitEstimate]("Date", lambda v: long_date(v.date)),
        Column[VisitEstimate]("Codes", lambda v: v.codes),
        Column[VisitEstimate]("Allowed", lambda v: money(v.allowed), right=True),
        Column[VisitEstimate]("Insurance pays", lambda v: money(v.insurance_pays), right=True),
        Column[VisitEstimate]("Patient pays", lambda v: money(v.patient_pays), right=True),
        Column[VisitEstimate]("Phase", _phase),
    )

    def set_visits(self, visits: tuple[VisitEstimate, ...]) -> None:
        self.set_rows(visits)
