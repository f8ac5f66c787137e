"""The estimate desk's table models, checked by pytest-qt's model tester and through data()."""

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from ptdesk.services.billing.fee_schedule_dtos import FeeRow
from ptdesk.services.estimates.desk import compute_scenario
from ptdesk.services.estimates.dtos import GfeDueRow
from ptdesk.ui.board.gfe_section import GfeDueModel
from ptdesk.ui.estimates.estimate_visits_model import EstimateVisitsModel
from ptdesk.ui.settings.fee_table_model import FeeTableModel

SCENARIO = {"payer_type": "commercial", "as_of": "2026-01-12",
            "benefits": {"deductible": "100.00", "coinsurance_percent": "20",
                         "auth_visits_left": 2},
            "fees": {"97110": "29.06"}, "self_pay_prices": {"97110": "45.00"},
            "plan_of_care": {"first_visit": "2026-01-13", "visits_per_week": 2, "visits": 4,
                             "per_visit": [{"code": "97110", "units": 2}]}}


def test_fee_table_edits_and_problems(qtmodeltester: Any) -> None:
    m = FeeTableModel()
    m.known_codes = {"97110": ("Therapeutic exercise", Decimal("29.06")),
                     "97140": ("Manual therapy techniques", Decimal("27.72"))}
    m.set_rows((FeeRow("97110", Decimal("45.00"), Decimal("29.06"), "Therapeutic exercise"),),
               editable=True)
    qtmodeltester.check(m)
    assert m.data(m.index(0, m.COL_DIFF)) == "+15.94 (+55%)"
    row = m.add_row()
    assert m.setData(m.index(row, m.COL_CODE), "97140")
    assert m.data(m.index(row, m.COL_DESCRIPTION)) == "Manual therapy techniques"
    assert m.setData(m.index(row, m.COL_AMOUNT), "-3")
    assert m.problems() == ["Row 2 (97140): the amount is negative"]
    assert m.data(m.index(row, m.COL_AMOUNT), Qt.ItemDataRole.ForegroundRole) is not None
    assert m.setData(m.index(row, m.COL_AMOUNT), "$40")
    assert m.problems() == []
    assert m.values() == [("97110", Decimal("45.00")), ("97140", Decimal("40.00"))]
    assert not m.setData(m.index(0, m.COL_CODE), "97530")  # a saved row's code is fixed
    m.set_rows((), editable=False)
    assert m.add_row() == 0
    assert not (m.flags(m.index(0, m.COL_AMOUNT)) & Qt.ItemFlag.ItemIsEditable)


def test_visits_and_gfe_models(qtmodeltester: Any) -> None:
    visits = EstimateVisitsModel()
    visits.set_visits(compute_scenario(SCENARIO).estimate.visits)
    qtmodeltester.check(visits)
    assert visits.rowCount() == 4
    assert "needs the authorization extended" in visits.data(
        visits.index(3, visits.COL_PHASE))
    gfe = GfeDueModel()
    row = GfeDueRow(1, "Rivera, Ana", "C1", date(2026, 3, 13), date(2026, 3, 18),
                    date(2026, 3, 16), 3, True, "booked 3 business days ahead")
    gfe.set_rows((row,), date(2026, 3, 17))
    qtmodeltester.check(gfe)
    assert gfe.data(gfe.index(0, 0)).startswith("⚠ Overdue")
    assert gfe.data(gfe.index(0, 5)) == "Booked 3 business days ahead"
