"""Table models of the practice board: the work list (every active patient, Red first) and
the side lists (ending soon, awaiting a decision, re-verify, payer statistics).

Each model is a tuple of columns over frozen rows (`ui/widgets/rows_model.py`). The status
column hands its `StatusChipView` out under CHIP_ROLE for the delegate, and its words as the
display text (sorting, copying, screen readers, printing).
"""

from datetime import date, datetime

from ptdesk.domain.dates import clock
from ptdesk.services.board.dtos import (
    AwaitingDecisionView,
    BoardRowView,
    EndingSoonView,
    PayerStatsView,
    ReverifyView,
)
from ptdesk.ui.widgets.date_field import format_date
from ptdesk.ui.widgets.rows_model import PATIENT_ID_ROLE as PATIENT_ID_ROLE  # board's roles
from ptdesk.ui.widgets.rows_model import SORT_ROLE as SORT_ROLE
from ptdesk.ui.widgets.rows_model import STATUS_ROLE as STATUS_ROLE
from ptdesk.ui.widgets.rows_model import Column, RowsModel


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f"{format_date(moment.date())} {clock(moment.time())}"


def _iso(moment: datetime | None) -> str:
    """Sort keys must be plain values Qt can compare: ISO text sorts in time order."""
    return "9999" if moment is None else moment.isoformat()


def _ord(d: date | None) -> int:
    return d.toordinal() if d is not None else date.max.toordinal()


class BoardTableModel(RowsModel[BoardRowView]):
    COL_STATUS, COL_NAME, COL_CHART, COL_PAYER, COL_LEFT, COL_END, COL_NEXT = range(7)
    COLUMNS = (
        Column[BoardRowView]("Status", lambda r: r.chip.text, lambda r: -r.chip.severity,
                             chip=lambda r: r.chip),
        Column[BoardRowView]("Patient", lambda r: r.name, lambda r: r.name.casefold()),
        Column[BoardRowView]("Chart", lambda r: r.chart_number, right=True),
        Column[BoardRowView]("Payer", lambda r: r.payer_name),
        Column[BoardRowView]("Left", lambda r: r.remaining_text,
                             lambda r: r.remaining if r.remaining is not None else 10**9,
                             right=True),
        Column[BoardRowView]("Ends", lambda r: format_date(r.end_date),
                             lambda r: _ord(r.end_date), right=True),
        Column[BoardRowView]("Next step", lambda r: r.next_step),
    )


class EndingSoonModel(RowsModel[EndingSoonView]):
    COLUMNS = (
        Column[EndingSoonView]("Status", lambda r: r.chip.text, lambda r: -r.chip.severity,
                               chip=lambda r: r.chip),
        Column[EndingSoonView]("Patient", lambda r: r.name),
        Column[EndingSoonView]("Payer", lambda r: r.payer_name),
        Column[EndingSoonView]("Auth", lambda r: r.number),
        Column[EndingSoonView]("Ends", lambda r: format_date(r.end_date),
                               lambda r: _ord(r.end_date), right=True),
        Column[EndingSoonView]("Days left", lambda r: str(r.days_left), lambda r: r.days_left,
                               right=True),
        Column[EndingSoonView]("Left", lambda r: r.remaining_text),
    )


class AwaitingModel(RowsModel[AwaitingDecisionView]):
    COLUMNS = (
        Column[AwaitingDecisionView](
            "Flag", lambda r: "OVERDUE" if r.overdue else ("Check portal" if r.check_portal_now
                                                           else ""),
            lambda r: 0 if r.overdue else 1 if r.check_portal_now else 2),
        Column[AwaitingDecisionView]("Patient", lambda r: r.name),
        Column[AwaitingDecisionView]("Payer", lambda r: r.payer_name),
        Column[AwaitingDecisionView]("Sent", lambda r: _when(r.sent_at),
                                     lambda r: _iso(r.sent_at), right=True),
        Column[AwaitingDecisionView]("Due", lambda r: _when(r.due_at),
                                     lambda r: _iso(r.due_at), right=True),
        Column[AwaitingDecisionView]("What to do", lambda r: r.sentence),
    )


class ReverifyModel(RowsModel[ReverifyView]):
    COLUMNS = (
        Column[ReverifyView]("Patient", lambda r: r.name),
        Column[ReverifyView]("Payer", lambda r: r.payer_name),
        Column[ReverifyView]("Why", lambda r: r.why),
    )


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.0%}"


def _days(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f} d"


class PayerStatsModel(RowsModel[PayerStatsView]):
    COLUMNS = (
        Column[PayerStatsView]("Payer", lambda r: r.payer_name),
        Column[PayerStatsView]("Requests", lambda r: str(r.requests), lambda r: r.requests,
                               right=True),
        Column[PayerStatsView]("Decided", lambda r: str(r.decided), lambda r: r.decided,
                               right=True),
        Column[PayerStatsView]("Median turnaround", lambda r: _days(r.median_turnaround_days),
                               lambda r: r.median_turnaround_days or 0.0, right=True),
        Column[PayerStatsView]("Approval rate", lambda r: _pct(r.approval_rate),
                               lambda r: r.approval_rate or 0.0, right=True),
        Column[PayerStatsView]("Denial reasons", lambda r: "; ".join(
            f"{reason} ({n})" for reason, n in r.denial_reasons) or "—"),
    )
