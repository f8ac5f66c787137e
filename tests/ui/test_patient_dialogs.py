"""Patient and coverage dialogs: messages next to each field for bad input, nothing typed is
lost, duplicates pointed out before saving, service-side problems shown in the form."""

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.clinic.reference import ReferenceService
from ptdesk.services.patients.dtos import CoverageState
from ptdesk.services.patients.records import PatientService
from ptdesk.ui.patients.coverage_dialog import CoverageDialog, EndCoverageDialog
from ptdesk.ui.patients.patient_dialog import PatientDialog
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.widgets.date_field import DateField, format_date, parse_typed_date
from ptdesk.ui.widgets.field_form import FieldForm
from ptdesk.ui.widgets.number_fields import CountField, MoneyField, PercentField
from tests.ui.test_patients_page import TODAY, seed_clinic, type_text


@pytest.fixture
def clinic(sqlite_session_factory: sessionmaker[Session]) -> dict[str, int]:
    return seed_clinic(sqlite_session_factory)


@pytest.fixture
def service(sqlite_session_factory: sessionmaker[Session]) -> PatientService:
    return PatientService(sqlite_session_factory)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def show_active(qtbot: QtBot, dialog: QDialog) -> None:
    """Shown and active, so focus moves (and fields tidy up on leaving) as for a person."""
    dialog.show()
    handle = dialog.windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)


def error_of(form: FieldForm, key: str) -> str:
    label: QLabel = form.errors[key]
    return label.text() if form.isRowVisible(label) else ""


def new_dialog(qtbot: QtBot, service: PatientService, runner: TaskRunner) -> PatientDialog:
    dialog = PatientDialog(service, runner, TODAY)
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    return dialog


def test_bad_input_shows_each_message_next_to_its_field_and_keeps_it(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.date_of_birth, "13/45/61")
    qtbot.keyClicks(d.phone_mobile, "555-12")
    qtbot.keyClicks(d.email, "ann@")
    qtbot.keyClicks(d.state, "ZZ")
    qtbot.keyClicks(d.postal_code, "7870")
    d.save_button.click()
    assert error_of(d.person, "last_name") == "Enter the last name."
    assert error_of(d.person, "first_name") == ""
    assert "not a date" in error_of(d.person, "date_of_birth")
    assert "10 digits; this one has 5" in error_of(d.contact, "phone_mobile")
    assert "email address" in error_of(d.contact, "email")
    assert "2-letter" in error_of(d.contact, "state")
    assert "ZIP" in error_of(d.contact, "postal_code")
    assert d.last_name.hasFocus()  # the first field with a problem
    assert d.isVisible()
    assert d.result_value is None
    # nothing typed is lost
    assert (d.first_name.text(), d.date_of_birth.text(), d.phone_mobile.text()) == (
        "Ann",
        "13/45/61",
        "555-12",
    )
    # fixing one field clears its message on the next save attempt
    qtbot.keyClicks(d.last_name, "Walker")
    d.save_button.click()
    assert error_of(d.person, "last_name") == ""
    assert error_of(d.contact, "email") != ""


def test_future_and_absurd_birth_dates(
    qtbot: QtBot, service: PatientService, runner: TaskRunner
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.last_name, "Walker")
    qtbot.keyClicks(d.first_name, "Ann")
    qtbot.keyClicks(d.date_of_birth, "12/31/2026")
    d.save_button.click()
    assert "future" in error_of(d.person, "date_of_birth")
    d.date_of_birth.clear()
    qtbot.keyClicks(d.date_of_birth, "1/1/1850")
    d.save_button.click()
    assert "older than 120" in error_of(d.person, "date_of_birth")


def test_valid_new_patient_is_saved(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.last_name, "Walker")
    qtbot.keyClicks(d.first_name, "Ann")
    d.date_of_birth.setFocus()
    qtbot.keyClicks(d.date_of_birth, "3/7/61")
    qtbot.keyClick(d.date_of_birth, Qt.Key.Key_Tab)
    assert d.date_of_birth.text() == "Mar 7, 1961"  # shown back as understood
    qtbot.keyClicks(d.phone_mobile, "5125550111")
    d.phone_mobile.setFocus()
    with qtbot.waitSignal(d.accepted, timeout=3000):
        qtbot.keyClick(d.phone_mobile, Qt.Key.Key_Return)
    assert d.result_value is not None
    assert not d.result_value.opened_existing
    record = service.get(d.result_value.patient_id, TODAY)
    assert record.patient.display_name == "Walker, Ann"
    assert record.patient.phone_mobile == "(512) 555-0111"
    assert re.fullmatch(r"C\d{6}", record.patient.chart_number)  # the clinic's scheme


def test_duplicate_is_pointed_out_and_can_be_opened(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.last_name, "smith")
    qtbot.keyClicks(d.first_name, "JOSEPHINE")
    qtbot.keyClicks(d.date_of_birth, "03/07/1961")
    d.save_button.click()
    qtbot.waitUntil(d.duplicate_box.isVisible, timeout=3000)
    text = d.duplicate_text.text()
    assert 'Smith, Josephine "Jo" · born Mar 7, 1961 · chart A-77' in text
    assert d.open_existing.hasFocus()
    with qtbot.waitSignal(d.accepted, timeout=3000):
        d.open_existing.click()
    assert d.result_value is not None
    assert d.result_value.opened_existing
    assert d.result_value.patient_id == clinic["jo"]


def test_duplicate_can_be_saved_anyway(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.last_name, "Smith")
    qtbot.keyClicks(d.first_name, "Josephine")
    qtbot.keyClicks(d.date_of_birth, "3/7/61")
    d.save_button.click()
    qtbot.waitUntil(d.duplicate_box.isVisible, timeout=3000)
    with qtbot.waitSignal(d.accepted, timeout=3000):
        d.save_anyway.click()
    assert d.result_value is not None
    assert d.result_value.patient_id != clinic["jo"]
    assert len(service.find_possible_duplicates("Smith", "Josephine", date(1961, 3, 7))) == 2


def test_changing_the_name_withdraws_the_duplicate_warning(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    d = new_dialog(qtbot, service, runner)
    qtbot.keyClicks(d.last_name, "Smith")
    qtbot.keyClicks(d.first_name, "Josephine")
    qtbot.keyClicks(d.date_of_birth, "3/7/61")
    d.save_button.click()
    qtbot.waitUntil(d.duplicate_box.isVisible, timeout=3000)
    qtbot.keyClicks(d.first_name, "x")
    assert not d.duplicate_box.isVisible()


def test_edit_keeps_chart_and_reports_a_taken_chart_number(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, clinic: dict[str, int]
) -> None:
    record = service.get(clinic["john"], TODAY)
    d = PatientDialog(service, runner, TODAY, patient=record.patient)
    qtbot.addWidget(d)
    d.show()
    assert d.last_name.text() == "Smithers"
    assert d.date_of_birth.text() == "Jan 2, 1950"
    d.chart_number.setText("A-77")
    d.save_button.click()
    qtbot.waitUntil(lambda: error_of(d.person, "chart_number") != "", timeout=3000)
    assert "belongs to another patient" in error_of(d.person, "chart_number")
    assert d.save_button.isEnabled()
    d.chart_number.setText(record.patient.chart_number)
    d.phone_home.setText("(512) 555-0100")
    with qtbot.waitSignal(d.accepted, timeout=3000):
        d.save_button.click()
    assert service.get(clinic["john"], TODAY).patient.phone_home == "(512) 555-0100"


def test_accented_names_can_be_typed(
    qtbot: QtBot, service: PatientService, runner: TaskRunner
) -> None:
    d = new_dialog(qtbot, service, runner)
    type_text(qtbot, d.last_name, "Muñoz")
    assert d.last_name.text() == "Muñoz"


# ---- coverages ---------------------------------------------------------------------------
@pytest.fixture
def payers(sqlite_session_factory: sessionmaker[Session], clinic: dict[str, int]):  # type: ignore[no-untyped-def]
    return ReferenceService(sqlite_session_factory).payers(include_inactive=True)


def coverage_dialog(qtbot: QtBot, service, runner, payers, clinic, **kw) -> CoverageDialog:  # type: ignore[no-untyped-def]
    d = CoverageDialog(service, runner, TODAY, payers, patient_id=clinic["john"], **kw)
    qtbot.addWidget(d)
    show_active(qtbot, d)
    return d


def test_coverage_bad_input_messages(qtbot, service, runner, payers, clinic) -> None:  # type: ignore[no-untyped-def]
    d = coverage_dialog(qtbot, service, runner, payers, clinic)
    assert d.effective_date.text() == format_date(TODAY)
    qtbot.keyClicks(d.deductible, "500")
    qtbot.keyClicks(d.deductible_met, "900")
    qtbot.keyClicks(d.copay, "-5")
    qtbot.keyClicks(d.coinsurance_pct, "120")
    qtbot.keyClicks(d.visit_limit, "2.5")
    d.end_date.setText("1/1/25")
    d.plan_month.setCurrentIndex(1)  # February
    d.plan_day.setValue(30)
    d.save_button.click()
    assert error_of(d.plan, "payer_id") == "Choose the payer."
    assert "member id" in error_of(d.plan, "member_id")
    assert "before the start" in error_of(d.plan, "end_date")
    assert "does not exist" in error_of(d.plan, "plan_year_start")
    assert "more than the deductible ($500.00)" in error_of(d.benefits, "deductible_met")
    assert "negative" in error_of(d.benefits, "copay")
    assert "0 to 100" in error_of(d.benefits, "coinsurance_pct")
    assert "whole number" in error_of(d.benefits, "visit_limit_per_year")
    assert d.payer.hasFocus()
    assert (d.copay.text(), d.deductible_met.text()) == ("-5", "900")
    assert d.result_value is None


def test_coverage_saved_and_rank_clash_shown(qtbot, service, runner, payers, clinic) -> None:  # type: ignore[no-untyped-def]
    d = coverage_dialog(qtbot, service, runner, payers, clinic)
    d.payer.setCurrentIndex(d.payer.findData(clinic["payer_aetna"]))
    qtbot.keyClicks(d.member_id, "ZZ-1")
    d.copay.setFocus()
    qtbot.keyClicks(d.copay, "1,250")
    qtbot.keyClick(d.copay, Qt.Key.Key_Tab)
    assert d.copay.text() == "1,250.00"
    with qtbot.waitSignal(d.accepted, timeout=3000):
        d.save_button.click()
    assert d.result_value is not None
    assert d.result_value.draft.copay == Decimal("1250.00")
    assert d.result_value.state is CoverageState.ACTIVE
    # a second primary on the same dates: the service says so under Rank
    d2 = coverage_dialog(qtbot, service, runner, payers, clinic)
    d2.payer.setCurrentIndex(d2.payer.findData(clinic["payer_medicare"]))
    qtbot.keyClicks(d2.member_id, "M-1")
    d2.save_button.click()
    qtbot.waitUntil(lambda: error_of(d2.plan, "priority") != "", timeout=3000)
    assert "Aetna is already the primary" in error_of(d2.plan, "priority")
    assert d2.isVisible()


def test_edit_and_end_coverage(qtbot, service, runner, payers, clinic) -> None:  # type: ignore[no-untyped-def]
    coverage = service.get(clinic["jo"], TODAY).in_force(2)
    assert coverage is not None
    d = coverage_dialog(qtbot, service, runner, payers, clinic, coverage=coverage)
    assert d.member_id.text() == "W123456789"
    assert d.priority.currentData() == 2
    d.member_id.setText("W999")
    with qtbot.waitSignal(d.accepted, timeout=3000):
        d.save_button.click()
    assert service.get(clinic["jo"], TODAY).in_force(2).member_id == "W999"  # type: ignore[union-attr]

    end = EndCoverageDialog(service, runner, TODAY, coverage)
    qtbot.addWidget(end)
    end.show()
    end.end_date.setText("12/31/2024")
    end.save_button.click()
    qtbot.waitUntil(lambda: error_of(end.form, "end_date") != "", timeout=3000)
    assert "before the coverage started" in error_of(end.form, "end_date")
    end.end_date.setText("3/9/26")
    with qtbot.waitSignal(end.accepted, timeout=3000):
        end.save_button.click()
    assert end.result_value is not None
    assert end.result_value.state is CoverageState.ENDED
    assert service.get(clinic["jo"], TODAY).in_force(2) is None


def test_ask_returns_none_when_cancelled(
    qtbot: QtBot, service: PatientService, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert PatientDialog.ask(None, service, runner, TODAY) is None


# ---- field widgets -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "birth", "expected"),
    [
        ("03/07/1961", True, date(1961, 3, 7)),
        ("3/7/61", True, date(1961, 3, 7)),
        ("3-7-61", True, date(1961, 3, 7)),
        ("030761", True, date(1961, 3, 7)),
        ("03071961", True, date(1961, 3, 7)),
        ("1961-03-07", True, date(1961, 3, 7)),
        ("Mar 7, 1961", True, date(1961, 3, 7)),
        ("march 7 1961", True, date(1961, 3, 7)),
        ("1/1/27", False, date(2027, 1, 1)),  # a coverage end date, not a birth in 1927
        ("1/1/27", True, date(1927, 1, 1)),
        ("2/30/2026", False, None),
        ("soon", False, None),
        ("", False, None),
    ],
)
def test_parse_typed_date(typed: str, birth: bool, expected: date | None) -> None:
    assert parse_typed_date(typed, TODAY, birth_date=birth) == expected


def test_date_field_shows_the_date_it_understood(qtbot: QtBot) -> None:
    field = DateField(TODAY, birth_date=True)
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "3/7/61")
    field.editingFinished.emit()
    assert field.text() == "Mar 7, 1961"
    assert field.value() == date(1961, 3, 7)
    field.setText("31/31/61")
    field.editingFinished.emit()
    assert field.text() == "31/31/61"  # not understood: left as typed, with a message
    assert field.problem() is not None


def test_number_fields(qtbot: QtBot) -> None:
    money, pct, count = MoneyField(), PercentField(), CountField()
    for w in (money, pct, count):
        qtbot.addWidget(w)
    money.setText("$1,250.5")
    assert money.value() == Decimal("1250.50")
    money.setText("12abc")
    assert money.value() is None
    assert money.problem() is not None
    money.setText("")
    assert (money.value(), money.problem()) == (None, None)
    pct.set_value(Decimal("20.00"))
    assert pct.text() == "20"
    assert pct.value() == Decimal("20.00")
    count.setText("30")
    assert count.value() == 30
    count.setText("3.5")
    assert count.problem() == "Type a whole number."
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert money.alignment() == right


def test_every_field_has_a_label_buddy_and_accessible_name(
    qtbot: QtBot,
    service: PatientService,
    runner: TaskRunner,
    payers,
    clinic,  # type: ignore[no-untyped-def]
) -> None:
    p = PatientDialog(service, runner, TODAY)
    c = CoverageDialog(service, runner, TODAY, payers, patient_id=clinic["jo"])
    for dialog, forms in ((p, (p.person, p.contact, p.notes_form)), (c, c.forms)):
        qtbot.addWidget(dialog)
        for form in forms:
            for key, widget in form.fields.items():
                assert widget.accessibleName(), key
                buddy = form.labels[key].buddy()
                assert isinstance(buddy, QWidget), key
