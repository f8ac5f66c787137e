"""What the estimate screens ask of the services (`services.estimates.desk.EstimateDesk` is the
real one). Apart from the dialog, so a patient's screen holds the estimates' API without
importing the dialog and the scenario engine before an estimate is first opened (issue 9 #3)."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ptdesk.services.estimates.dtos import EstimatePrefill, EstimateToStore, StoredEstimate

if TYPE_CHECKING:
    from ptdesk.services.estimates.scenario import ScenarioEstimate


class EstimateApi(Protocol):
    def compute(self, data: dict[str, Any]) -> "ScenarioEstimate": ...

    def render(self, result: "ScenarioEstimate", lang: str, today: date) -> bytes: ...

    def save(self, draft: EstimateToStore, now: datetime) -> StoredEstimate: ...


class EstimateDeskApi(EstimateApi, Protocol):
    def prefill(self, patient_id: int | None, today: date, now: datetime, *,
                visits: int | None = None, per_week: int | None = None) -> EstimatePrefill: ...

    def estimates(self, patient_id: int, now: datetime) -> tuple[StoredEstimate, ...]: ...
