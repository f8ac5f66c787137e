"""The search-results table model, without a window."""

from datetime import date

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt

from ptdesk.services.patients.dtos import PatientSearchRow
from ptdesk.ui.patients.patient_table_model import (
    COL_CHART,
    COL_DOB,
    COL_NAME,
    COL_PAYER,
    COL_PHONE,
    COL_VISIT,
    PATIENT_ID_ROLE,
    SORT_ROLE,
    PatientTableModel,
)
from ptdesk.ui.patients.record_models import CoverageTableModel, VisitTableModel


def row(pid: int, last: str, first: str, dob: date, **kw: object) -> PatientSearchRow:
    values: dict[str, object] = {
        "patient_id": pid,
        "chart_number": str(1000 + pid),
        "display_name": f"{last}, {first}",
        "last_name": last,
        "first_name": first,
        "date_of_birth": dob,
        "age": 2026 - dob.year,
        "phone": "(512) 555-0134",
        "primary_payer": "Medicare Part B",
        "next_visit": None,
        "last_visit": None,
        "active": True,
    }
    values.update(kw)
    return PatientSearchRow(**values)  # type: ignore[arg-type]


ROWS = (
    row(1, "Smith", "Jo", date(1961, 3, 7), next_visit=date(2026, 3, 12)),
    row(2, "de la Cruz", "Ana", date(1990, 12, 25), last_visit=date(2026, 2, 1), phone=""),
    row(3, "Abbott", "Ed", date(1945, 1, 9), primary_payer="", active=False, chart_number="99"),
)


@pytest.fixture
def model() -> PatientTableModel:
    m = PatientTableModel()
    m.set_rows(ROWS)
    return m


def test_passes_qtmodeltester(qtmodeltester, model: PatientTableModel) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(model)
    model.set_rows(ROWS[:1])
    qtmodeltester.check(model)
    model.set_rows(())
    qtmodeltester.check(model)


def test_display(model: PatientTableModel) -> None:
    def text(r: int, c: int) -> str:
        return str(model.data(model.index(r, c)))

    assert model.rowCount() == 3
    assert model.columnCount() == 6
    assert text(0, COL_NAME) == "Smith, Jo"
    assert text(0, COL_DOB) == "Mar 7, 1961 (65)"
    assert text(0, COL_PHONE) == "(512) 555-0134"
    assert text(0, COL_PAYER) == "Medicare Part B"
    assert text(0, COL_VISIT) == "Next Mar 12, 2026"
    assert text(1, COL_VISIT) == "Last Feb 1, 2026"
    assert text(2, COL_VISIT) == ""
    assert text(2, COL_PAYER) == "—"
    assert text(2, COL_NAME) == "Abbott, Ed (inactive)"
    assert model.data(model.index(0, 0), PATIENT_ID_ROLE) == 1
    assert model.headerData(COL_DOB, Qt.Orientation.Horizontal) == "Date of birth (age)"


def test_numbers_right_aligned(model: PatientTableModel) -> None:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    align = Qt.ItemDataRole.TextAlignmentRole
    for col in (COL_DOB, COL_CHART):
        assert model.data(model.index(0, col), align) == int(right)
        assert model.headerData(col, Qt.Orientation.Horizontal, align) == int(right)
    assert model.data(model.index(0, COL_NAME), align) != int(right)


def test_tooltips_and_accessible_text(model: PatientTableModel) -> None:
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.data(model.index(0, COL_DOB), tip) == "Born Mar 7, 1961, age 65"
    assert model.data(model.index(1, COL_PHONE), tip) == "No phone on file"
    assert model.data(model.index(2, COL_PAYER), Qt.ItemDataRole.AccessibleTextRole) == (
        "No primary coverage in force today"
    )
    assert "inactive" in model.data(model.index(2, COL_NAME), tip)


@pytest.mark.parametrize(
    ("column", "order", "expected"),
    [
        (COL_NAME, Qt.SortOrder.AscendingOrder, [3, 2, 1]),  # Abbott, de la Cruz, Smith
        (COL_DOB, Qt.SortOrder.AscendingOrder, [3, 1, 2]),  # oldest first, by date not text
        (COL_DOB, Qt.SortOrder.DescendingOrder, [2, 1, 3]),
        (COL_CHART, Qt.SortOrder.AscendingOrder, [3, 1, 2]),  # 99 before 1001: numbers
        (COL_VISIT, Qt.SortOrder.AscendingOrder, [2, 1, 3]),  # no visit last
    ],
)
def test_sorting_through_a_proxy(
    model: PatientTableModel, column: int, order: Qt.SortOrder, expected: list[int]
) -> None:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(column, order)
    ids = [proxy.index(r, 0).data(PATIENT_ID_ROLE) for r in range(proxy.rowCount())]
    assert ids == expected


def test_record_models_pass_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(CoverageTableModel())
    qtmodeltester.check(VisitTableModel())


def test_status_column_says_why_a_patient_has_no_chip() -> None:
    from ptdesk.ui.patients.patient_table_model import COL_STATUS

    model = PatientTableModel(with_status=True)
    model.set_rows((row(1, "Smith", "Jo", date(1961, 3, 7), active=False),))
    index = model.index(0, COL_STATUS)
    assert model.data(index) == "…"  # still loading
    model.set_statuses({})  # loaded: the service tracks no status for inactive patients
    assert model.data(index) == "Inactive patient"
    assert "No status" in model.data(index, Qt.ItemDataRole.ToolTipRole)
