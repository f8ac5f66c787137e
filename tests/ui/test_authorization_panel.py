"""The patient's authorization panel with a real database and runner: add an authorization
through the dialog, book and check in visits from the record, watch the panel change."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.status import Status
from ptdesk.services.clinic.reference import ReferenceService
from ptdesk.services.patients.records import PatientService
from ptdesk.ui.authorizations.authorization_dialog import AuthorizationDialog
from ptdesk.ui.authorizations.authorization_panel import AuthorizationPanel
from ptdesk.ui.patients.patients_page import PatientsPage
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.visit_dialogs import BookVisitDialog, VoidVisitDialog
from ptdesk.ui.widgets.status_chip import StatusChip
from tests.ui.auth_seed import NOW, TODAY, add_patient, apis, base_clinic, seed_colours


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def _page(qtbot: QtBot, factory: sessionmaker[Session], runner: TaskRunner) -> PatientsPage:
    page = PatientsPage(PatientService(factory), runner, today=lambda: TODAY,
                        reference=ReferenceService(factory), auth=apis(factory),
                        now=lambda: NOW)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page


def _panel(page: PatientsPage) -> AuthorizationPanel:
    panel = page.record_view.panel
    assert panel is not None
    return panel


def test_add_authorization_record_visits_and_see_the_panel_change(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = sqlite_session_factory
    seeded = base_clinic(f)
    pid, _cov = add_patient(f, seeded, "ana", "Rivera", "Ana", "aetna")
    page = _page(qtbot, f, runner)
    panel = _panel(page)
    page.open_patient(pid)
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.patient_id == pid)
    assert panel.view is not None
    assert panel.view.status.status is Status.NONE
    assert "no authorization" in panel.chip.text().lower()
    assert page.record_view.status_chip.text() == panel.chip.text()

    def fill_authorization(parent: Any, service: Any, run: Any, today: date, coverages: Any,
                           **kw: Any) -> Any:
        d = AuthorizationDialog(service, run, today, coverages, parent=parent, **kw)
        qtbot.addWidget(d)
        d.number.setText("AU-1")
        d.start.setText("03/01/2026")
        d.end.setText("06/30/2026")
        d.authorized.setText("3")
        d.save_button.click()
        qtbot.waitUntil(lambda: d.result_value is not None)
        return d.result_value

    monkeypatch.setattr(AuthorizationDialog, "ask", staticmethod(fill_authorization))
    qtbot.mouseClick(panel.add_button, _left())
    qtbot.waitUntil(lambda: panel.view is not None and len(panel.view.authorizations) == 1)
    card = panel.cards[0]
    assert (card.card.authorized, card.card.used, card.card.remaining) == (3, 0, 3)
    assert panel.view is not None
    assert panel.view.status.status is Status.YELLOW
    assert panel.chip.text().startswith("Yellow · 3 visits left")

    def fill_visit(parent: Any, service: Any, run: Any, today: date, patient_id: int,
                   coverages: Any, providers: Any) -> Any:
        d = BookVisitDialog(service, run, today, patient_id, coverages, providers, parent)
        qtbot.addWidget(d)
        d.at.setText("9:30")
        d.save_button.click()
        qtbot.waitUntil(lambda: d.result_value is not None)
        return d.result_value

    monkeypatch.setattr(BookVisitDialog, "ask", staticmethod(fill_visit))
    rv = page.record_view
    qtbot.mouseClick(rv.book_button, _left())
    qtbot.waitUntil(lambda: rv.upcoming.rowCount() == 1 and panel.cards
                    and panel.cards[0].card.booked == 1)
    # check in from the record: booked -> used; 2 left is Red
    rv.upcoming_view.selectRow(0)
    rv._pick(rv.upcoming_view)
    assert rv.check_in_button.isEnabled()
    qtbot.mouseClick(rv.check_in_button, _left())
    qtbot.waitUntil(lambda: runner.pending == 0 and panel.cards
                    and panel.cards[0].card.used == 1)
    assert panel.view is not None
    assert panel.view.status.status is Status.RED
    assert panel.chip.text() == "Red · 2 visits left"
    card = panel.cards[0]
    assert card.why_button.text() == "Why 1 used?"
    qtbot.mouseClick(card.why_button, _left())
    assert card.explanation.isVisibleTo(card)
    assert "Mar 16" in card.explanation.text.text()

    # void it (recorded in error): it stops counting
    visit = rv.selected_visit()
    assert visit is not None

    def fill_void(parent: Any, service: Any, run: Any, v: Any) -> Any:
        d = VoidVisitDialog(service, run, v, parent)
        qtbot.addWidget(d)
        d.save_button.click()  # no reason: refused next to the field
        assert d.form.errors["void_reason"].text() == "Say why the visit is voided."
        d.reason.setText("Wrong patient")
        d.save_button.click()
        qtbot.waitUntil(lambda: d.result_value is not None)
        return d.result_value

    monkeypatch.setattr(VoidVisitDialog, "ask", staticmethod(fill_void))
    rv.void_visit()
    qtbot.waitUntil(lambda: panel.cards and panel.cards[0].card.used == 0)
    assert panel.chip.text().startswith("Yellow")


def test_panel_shows_every_colour_with_shape_and_words(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner,
) -> None:
    f = sqlite_session_factory
    seeded = seed_colours(f)
    panel = AuthorizationPanel(apis(f), runner, today=lambda: TODAY, now=lambda: NOW)
    qtbot.addWidget(panel)
    expected = {"green": Status.GREEN, "yellow": Status.YELLOW, "red": Status.RED,
                "none": Status.NONE}
    for key, status in expected.items():
        panel.load(seeded.patients[key])
        qtbot.waitUntil(lambda k=key: panel.view is not None
                        and panel.view.patient_id == seeded.patients[k])
        assert panel.view is not None
        assert panel.view.status.status is status
        assert panel.chip.text().startswith(status.label)
        assert panel.chip.accessibleDescription()  # the shape in words for screen readers
    # the Red patient: projected warning, an overdue request with its decision button
    panel.load(seeded.patients["red"])
    qtbot.waitUntil(lambda: panel.view is not None
                    and panel.view.patient_id == seeded.patients["red"])
    card = panel.cards[0]
    assert "not covered" in card.projected.text()
    assert any("OVERDUE" in r.label.text() for r in panel.request_rows)
    assert panel.request_rows[0].decide_button.isVisibleTo(panel)
    assert isinstance(panel.chip, StatusChip)


def _left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
