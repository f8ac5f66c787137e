"""The patients page with a real database and task runner: typing into the real search box
finds patients by every kind of key; the whole flow works from the keyboard."""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.payers import PayerKind, ProviderRole, UnitMethod, VisitStatus
from ptdesk.services.clinic.reference import ReferenceService
from ptdesk.services.patients.dtos import CoverageDraft, PatientDraft
from ptdesk.services.patients.records import PatientService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Payer, Provider, Visit
from ptdesk.ui.patients.coverage_dialog import CoverageDialog
from ptdesk.ui.patients.patient_dialog import PatientDialog, PatientDialogResult
from ptdesk.ui.patients.patient_editing import draft_from_search
from ptdesk.ui.patients.patient_table_model import COL_DOB, COL_NAME, COL_PAYER
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.tasks import TaskRunner

TODAY = date(2026, 3, 10)


def seed_clinic(factory: sessionmaker[Session]) -> dict[str, int]:
    """A small clinic: three Smiths, an accented name, an apostrophe, coverages and visits."""
    svc = PatientService(factory)
    with session_scope(factory) as s:
        medicare = Payer(
            name="Medicare Part B", kind=PayerKind.MEDICARE, unit_method=UnitMethod.CMS
        )
        aetna = Payer(name="Aetna", kind=PayerKind.COMMERCIAL, unit_method=UnitMethod.AMA)
        lee = Provider(first_name="Dana", last_name="Lee", credentials="PT", role=ProviderRole.PT)
        s.add_all([medicare, aetna, lee])
        s.flush()
        payer_ids = {"medicare": medicare.id, "aetna": aetna.id}
    people = {
        "jo": ("Smith", "Josephine", "Jo", date(1961, 3, 7), "(512) 555-0134", "A-77"),
        "john": ("Smithers", "John", "", date(1950, 1, 2), "(737) 555-0199", ""),
        "rob": ("Smith", "Robert", "", date(1948, 11, 2), "", ""),
        "jose": ("Núñez", "José", "Pepe", date(1988, 11, 30), "", ""),
        "obrien": ("O'Brien", "Siobhán", "", date(1975, 6, 15), "", ""),
    }
    ids: dict[str, int] = {}
    for key, (last, first, pref, dob, phone, chart) in people.items():
        draft = PatientDraft(
            last_name=last,
            first_name=first,
            preferred_name=pref,
            date_of_birth=dob,
            phone_mobile=phone,
            chart_number=chart,
        )
        ids[key] = svc.create_patient(draft, TODAY).id
    svc.add_coverage(
        ids["jo"],
        CoverageDraft(
            payer_id=payer_ids["medicare"],
            member_id="1EG4-TE5-MK72",
            effective_date=date(2025, 1, 1),
            coinsurance_pct=Decimal("20"),
        ),
        TODAY,
    )
    svc.add_coverage(
        ids["jo"],
        CoverageDraft(
            payer_id=payer_ids["aetna"],
            member_id="W123456789",
            effective_date=date(2025, 1, 1),
            priority=2,
        ),
        TODAY,
    )
    with session_scope(factory) as s:
        s.add(Visit(patient_id=ids["jo"], visit_date=TODAY + timedelta(days=2)))
        s.add(
            Visit(
                patient_id=ids["jo"],
                visit_date=TODAY - timedelta(days=5),
                status=VisitStatus.COMPLETED,
            )
        )
    ids.update({f"payer_{k}": v for k, v in payer_ids.items()})
    return ids


@pytest.fixture
def clinic(sqlite_session_factory: sessionmaker[Session]) -> dict[str, int]:
    return seed_clinic(sqlite_session_factory)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def page(
    qtbot: QtBot,
    sqlite_session_factory: sessionmaker[Session],
    clinic: dict[str, int],
    runner: TaskRunner,
) -> PatientsPage:
    p = PatientsPage(
        PatientService(sqlite_session_factory),
        runner,
        today=lambda: TODAY,
        reference=ReferenceService(sqlite_session_factory),
    )
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.show()
    qtbot.waitExposed(p)
    handle = p.windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(p.isActiveWindow, timeout=3000)
    p.focus_search()
    return p


def names(page: PatientsPage) -> list[str]:
    return [str(page.proxy.index(r, COL_NAME).data()) for r in range(page.proxy.rowCount())]


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """qtbot.keyClicks, except that accented letters (which QTest aborts on) are sent as key
    events carrying the character, as a keyboard layout would."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def type_search(qtbot: QtBot, page: PatientsPage, text: str) -> None:
    page.search_box.clear()
    type_text(qtbot, page.search_box, text)
    qtbot.waitUntil(lambda: page._shown_text == text and not page._searching, timeout=3000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s", ["O'Brien, Siobhán", 'Smith, Josephine "Jo"', "Smith, Robert", "Smithers, John"]),
        ("smi", ['Smith, Josephine "Jo"', "Smith, Robert", "Smithers, John"]),
        ("smi jo", ['Smith, Josephine "Jo"', "Smithers, John"]),
        ("smith r", ["Smith, Robert"]),
        ("nunez", ['Núñez, José "Pepe"']),
        ("Núñ", ['Núñez, José "Pepe"']),
        ("pepe", ['Núñez, José "Pepe"']),
        ("o'bri", ["O'Brien, Siobhán"]),
        ("obrien", ["O'Brien, Siobhán"]),
        ("03/07/1961", ['Smith, Josephine "Jo"']),
        ("3/7/61", ['Smith, Josephine "Jo"']),
        ("1961-03-07", ['Smith, Josephine "Jo"']),
        ("5125550134", ['Smith, Josephine "Jo"']),
        ("(737) 555-0199", ["Smithers, John"]),
        ("0199", ["Smithers, John"]),
        ("A-77", ['Smith, Josephine "Jo"']),
        ("1EG4TE5", ['Smith, Josephine "Jo"']),
        ("w12345", ['Smith, Josephine "Jo"']),
    ],
)
def test_typing_finds_by_each_kind_of_key(
    qtbot: QtBot, page: PatientsPage, text: str, expected: list[str]
) -> None:
    type_search(qtbot, page, text)
    assert names(page) == expected
    n = len(expected)
    assert f"{n} patient{'s' if n > 1 else ''} found" in page.status_label.text()


def test_row_shows_dob_with_age_and_payer(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "josephine")
    assert page.proxy.index(0, COL_DOB).data() == "Mar 7, 1961 (65)"
    assert page.proxy.index(0, COL_PAYER).data() == "Medicare Part B"
    assert "by name" in page.status_label.text()


def test_hint_and_nothing_found(qtbot: QtBot, page: PatientsPage) -> None:
    assert "Type a name, date of birth, phone, chart or member id" in page.status_label.text()
    type_search(qtbot, page, "zzz")
    assert names(page) == []
    assert "No patient matches “zzz”" in page.status_label.text()


def test_first_row_is_selected_and_enter_opens_it(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smi jo")
    assert page.selected_patient_id() is not None
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    view = page.record_view
    assert page.stack.currentWidget() is view
    assert view.name_label.text() == 'Smith, Josephine "Jo"'
    assert "Born Mar 7, 1961 · 65 years · Chart A-77" in view.identity_label.text()
    assert view.primary_label.text().startswith("Primary: Medicare Part B · member 1EG4-TE5-MK72")
    assert view.secondary_label.text().startswith("Secondary: Aetna")
    assert view.coverages.rowCount() == 2
    assert view.upcoming.rowCount() == 1
    assert view.past.rowCount() == 1


def test_arrows_move_into_the_table_and_back(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smi")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1
    assert page.proxy.index(1, COL_NAME).data() == "Smith, Robert"
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.record_view.name_label.text() == "Smith, Robert"
    assert opened.args is not None
    # Esc goes back to the results, search and selection kept
    qtbot.keyClick(page.record_view, Qt.Key.Key_Escape)
    assert page.stack.currentIndex() == 0
    assert page.search_box.text() == "smi"
    assert page.table.currentIndex().row() == 1
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_Up)  # at the top: back to the box
    assert page.search_box.hasFocus()


def test_typing_in_the_table_goes_on_in_the_box(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smi")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Down)
    qtbot.keyClicks(page.table, "t")
    assert page.search_box.hasFocus()
    qtbot.waitUntil(lambda: page._shown_text == "smit", timeout=3000)


def test_double_click_opens(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smithers")
    rect = page.table.visualRect(page.proxy.index(0, COL_NAME))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.record_view.name_label.text() == "Smithers, John"


def test_esc_clears_the_box(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smi")
    qtbot.keyClick(page.search_box, Qt.Key.Key_Escape)
    assert page.search_box.text() == ""
    assert page.model.rowCount() == 0
    assert "Type a name" in page.status_label.text()


def test_fast_typing_shows_the_last_answer(qtbot: QtBot, page: PatientsPage) -> None:
    for text in ("s", "sm", "smi", "smit", "smith", "smithe"):
        page.search_box.setText(text)
    qtbot.waitUntil(lambda: page._shown_text == "smithe" and not page._searching, timeout=3000)
    assert names(page) == ["Smithers, John"]


def test_ctrl_n_opens_the_new_patient_dialog_prefilled(
    qtbot: QtBot, page: PatientsPage, clinic: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, object] = {}

    def fake_ask(*args: object, **kwargs: object) -> PatientDialogResult:
        seen.update(kwargs)
        return PatientDialogResult(clinic["rob"])

    monkeypatch.setattr(PatientDialog, "ask", fake_ask)
    type_search(qtbot, page, "walker, ann")
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    initial = seen["initial"]
    assert isinstance(initial, PatientDraft)
    assert (initial.last_name, initial.first_name) == ("Walker", "Ann")
    assert page.record_view.name_label.text() == "Smith, Robert"


def test_edit_patient_from_the_record(
    qtbot: QtBot, page: PatientsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    type_search(qtbot, page, "smithers")
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    asked: list[object] = []

    def fake_ask(*args: object, **kwargs: object) -> None:
        asked.append(kwargs["patient"])

    monkeypatch.setattr(PatientDialog, "ask", fake_ask)
    qtbot.keyClick(page.record_view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1
    assert getattr(asked[0], "last_name", None) == "Smithers"


def test_add_coverage_from_the_record(
    qtbot: QtBot, page: PatientsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    type_search(qtbot, page, "smithers")
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    asked: list[dict[str, object]] = []

    def fake_ask(*args: object, **kwargs: object) -> None:
        asked.append({"payers": args[4], **kwargs})  # parent, service, runner, today, payers

    monkeypatch.setattr(CoverageDialog, "ask", fake_ask)
    page.record_view.add_coverage_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    assert asked[0]["default_priority"] == 1
    payers = asked[0]["payers"]
    assert [p.name for p in payers] == ["Aetna", "Medicare Part B"]  # type: ignore[attr-defined]


def test_focus_search_from_the_record(qtbot: QtBot, page: PatientsPage) -> None:
    type_search(qtbot, page, "smithers")
    with qtbot.waitSignal(page.sig_patient_opened, timeout=3000):
        qtbot.keyClick(page.search_box, Qt.Key.Key_Return)
    page.focus_search()
    assert page.stack.currentIndex() == 0
    assert QApplication.focusWidget() is page.search_box
    assert page.search_box.selectedText() == "smithers"


@pytest.mark.parametrize(
    ("text", "last", "first", "dob"),
    [
        ("smith, jo", "Smith", "Jo", None),
        ("o'brien", "O'brien", "", None),
        ("3/7/61", "", "", date(1961, 3, 7)),
    ],
)
def test_draft_from_search(text: str, last: str, first: str, dob: date | None) -> None:
    draft = draft_from_search(text, TODAY)
    assert draft is not None
    assert (draft.last_name, draft.first_name, draft.date_of_birth) == (last, first, dob)


@pytest.mark.parametrize("text", ["", "0134", "a b c"])
def test_draft_from_search_ignores_other_text(text: str) -> None:
    assert draft_from_search(text, TODAY) is None
