"""Table models of issue 10: the board's plan-of-care list and the overrides report."""

from ptdesk.domain.dates import clock
from ptdesk.services.board.dtos import PlanStepView
from ptdesk.services.visits.checkin_dtos import OverrideView
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.rows_model import Column, RowsModel


class PlanStepModel(RowsModel[PlanStepView]):
    COLUMNS = (
        Column[PlanStepView]("Status", lambda r: r.chip.text,
                             lambda r: -r.chip.status.severity, chip=lambda r: r.chip),
        Column[PlanStepView]("Patient", lambda r: r.name),
        Column[PlanStepView]("Chart", lambda r: r.chart_number),
        Column[PlanStepView]("Payer", lambda r: r.payer_name or "—"),
        Column[PlanStepView]("Certified through", lambda r: format_date(r.recert_due),
                             lambda r: r.recert_due.toordinal(), right=True),
        Column[PlanStepView]("Next step", lambda r: r.next_step),
    )


def _at(o: OverrideView) -> str:
    return f"{format_date(o.at.date())} {clock(o.at.time())}"


class OverridesModel(RowsModel[OverrideView]):
    COLUMNS = (
        Column[OverrideView]("Visit date", lambda r: format_date(r.day),
                             lambda r: r.day.toordinal(), right=True),
        Column[OverrideView]("Patient", lambda r: r.patient_name),
        Column[OverrideView]("Chart", lambda r: r.chart_number),
        Column[OverrideView]("Overridden", lambda r: r.kind_words),
        Column[OverrideView]("Reason", lambda r: r.reason_words),
        Column[OverrideView]("By", lambda r: r.by),
        Column[OverrideView]("When", _at, lambda r: r.at.isoformat()),
        Column[OverrideView]("What ptdesk said", lambda r: r.words),
    )
