"""Import rows and headers: pure parsing (issue 13)."""

from datetime import date, time
from decimal import Decimal

import pytest

from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.authorization import AuthState
from ptdesk.domain.imports import rows, values
from ptdesk.domain.imports.columns import ImportKind, match_headers, missing_required
from ptdesk.domain.imports.values import CellError
from ptdesk.domain.payers import PayerKind, UnitMethod, VisitStatus

TODAY = date(2026, 12, 1)


def getter(**cells: str):  # type: ignore[no-untyped-def]
    return lambda c: cells.get(c, "")


def test_headers_any_order_aliases_and_unknown_columns() -> None:
    m = match_headers(ImportKind.PATIENTS, ["Favourite colour", "DOB", "Last Name", "MRN",
                                            "First", "Phone Number", "Zip Code", "Gender"])
    assert m["date_of_birth"] == 1
    assert m["last_name"] == 2
    assert m["chart"] == 3
    assert m["first_name"] == 4
    assert m["phone"] == 5
    assert m["zip"] == 6
    assert m["sex"] == 7
    assert 0 not in m.values()
    assert missing_required(ImportKind.PATIENTS, m) == []


@pytest.mark.parametrize("header", ["DOB", "Date of Birth", "birth_date", "date_of_birth"])
def test_date_of_birth_aliases(header: str) -> None:
    assert match_headers(ImportKind.PATIENTS, [header])["date_of_birth"] == 0


def test_exact_name_beats_alias() -> None:
    m = match_headers(ImportKind.COVERAGES, ["start_date", "effective"])
    assert m["effective"] == 1


def test_missing_required_is_named() -> None:
    m = match_headers(ImportKind.VISITS, ["chart", "date"])
    assert missing_required(ImportKind.VISITS, m) == ["status"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-07", date(2026, 3, 7)), ("03/07/2026", date(2026, 3, 7)),
    ("3/7/2026", date(2026, 3, 7))])
def test_dates(text: str, expected: date) -> None:
    assert values.day(text, "date") == expected


@pytest.mark.parametrize("text", ["2026-02-30", "13/01/2026", "03/07/26", "March 7", "7.3.2026"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(CellError, match="date"):
        values.day(text, "date")


def test_money() -> None:
    assert values.money("$1,250.50", "copay") == Decimal("1250.50")
    assert values.money("", "copay") is None
    with pytest.raises(CellError, match="negative"):
        values.money("-5", "copay")
    with pytest.raises(CellError, match="cent"):
        values.money("1.005", "copay")
    with pytest.raises(CellError, match="dollars"):
        values.money("ten", "copay")


def test_times() -> None:
    assert values.clock("9:30", "time") == time(9, 30)
    assert values.clock("2:15 PM", "time") == time(14, 15)
    assert values.clock("12:00 am", "time") == time(0, 0)
    with pytest.raises(CellError):
        values.clock("25:00", "time")


def test_payer_row_defaults_unit_method_from_kind() -> None:
    p = rows.payer(getter(name="Medicare", payer_type="medicare"))
    assert p.kind is PayerKind.MEDICARE
    assert p.unit_method is UnitMethod.CMS
    assert not p.requires_authorization
    with pytest.raises(CellError, match="payer_type"):
        rows.payer(getter(name="X", payer_type="insurance"))


def test_coverage_end_before_start_and_negative_money() -> None:
    with pytest.raises(CellError, match="before effective"):
        rows.coverage(getter(chart="C1", payer="A", effective="2026-05-01", end="2026-04-01"))
    with pytest.raises(CellError, match="negative"):
        rows.coverage(getter(chart="C1", payer="A", effective="2026-05-01", oop_max="-1"))
    c = rows.coverage(getter(chart="C1", payer="A", effective="2026-05-01",
                             plan_year_start="07-01", rank="secondary"))
    assert c.plan_year_start == (7, 1)
    assert c.rank == 2


def test_authorization_units_per_code_and_visits() -> None:
    a = rows.authorization(getter(chart="C1", payer="A", number="N1", start="2026-01-01",
                                  end="2026-03-31", units="97110:24;97140:12"))
    assert a.counts is AuthUnit.UNITS
    assert a.authorized == 36
    assert a.codes == (("97110", 24), ("97140", 12))
    b = rows.authorization(getter(chart="C1", payer="A", start="2026-01-01", end="2026-03-31",
                                  visits="12", codes="97110, 97140/97530"))
    assert b.counts is AuthUnit.VISITS
    assert b.codes == (("97110", None), ("97140", None),
                                                        ("97530", None))
    assert b.state is AuthState.ACTIVE
    with pytest.raises(CellError, match="before start"):
        rows.authorization(getter(chart="C1", payer="A", start="2026-03-01", end="2026-01-01",
                                  visits="3"))


def test_visit_rows() -> None:
    v = rows.visit(getter(chart="C1", date="11/20/2026", time="9:00", status="Completed",
                          lines="97110:23;97140:15"), TODAY)
    assert v.status is VisitStatus.COMPLETED
    assert v.lines == (("97110", 23), ("97140", 15))
    with pytest.raises(CellError, match="only for completed"):
        rows.visit(getter(chart="C1", date="2026-11-20", status="booked", lines="97110:8"),
                   TODAY)
    with pytest.raises(CellError, match="cannot be completed yet"):
        rows.visit(getter(chart="C1", date="2026-12-20", status="completed"), TODAY)
    with pytest.raises(CellError, match="status"):
        rows.visit(getter(chart="C1", date="2026-12-20", status="maybe"), TODAY)
