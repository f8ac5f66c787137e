"""The authorization dialog refuses what makes no sense, next to the field, and points out an
overlap as a likely mistake that the person may save anyway."""

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationCodeDraft, AuthorizationDraft
from ptdesk.services.patients.records import PatientService
from ptdesk.ui.authorizations.authorization_dialog import AuthorizationDialog, parse_codes
from ptdesk.ui.authorizations.renewal_dialog import RenewalDialog
from ptdesk.ui.tasks import TaskRunner
from ptdesk.ui.visits.visit_dialogs import parse_time
from tests.ui.auth_seed import NOW, TODAY, add_patient, base_clinic


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def _dialog(qtbot: QtBot, f: sessionmaker[Session], runner: TaskRunner
            ) -> tuple[AuthorizationDialog, int]:
    seeded = base_clinic(f)
    pid, cov = add_patient(f, seeded, "ana", "Rivera", "Ana", "aetna")
    coverages = PatientService(f).get(pid, TODAY).coverages
    d = AuthorizationDialog(AuthorizationService(f), runner, TODAY, coverages)
    qtbot.addWidget(d)
    return d, cov


def _error(d: AuthorizationDialog, key: str) -> str:
    return d.form.errors[key].text()


def test_refuses_end_before_start_zero_and_nonsense(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    d, _ = _dialog(qtbot, sqlite_session_factory, runner)
    d.start.setText("06/30/2026")
    d.end.setText("03/01/2026")
    d.authorized.setText("")
    d.codes.setText("97110, ther ex")
    d.save_button.click()
    assert _error(d, "end") == "The end date is before the start date."
    assert _error(d, "authorized") == "Enter how many the payer approved."
    assert "is not a code" in _error(d, "codes")
    assert d.result_value is None
    # zero visits and a three-year span: the service's rules, shown under the fields
    d.start.setText("03/01/2026")
    d.end.setText("03/01/2029")
    d.authorized.setText("0")
    d.codes.setText("")
    d.save_button.click()
    qtbot.waitUntil(lambda: bool(_error(d, "authorized")) and d.save_button.isEnabled())
    assert _error(d, "authorized") == "An approved authorization needs at least one visit."
    assert "more than two years" in _error(d, "end")
    assert not _error(d, "codes")
    # units per code that do not add up
    d.end.setText("06/30/2026")
    d.counts.setCurrentIndex(1)
    d.authorized.setText("30")
    d.codes.setText("97110=24, 97140=12")
    d.save_button.click()
    qtbot.waitUntil(lambda: "add up to 36" in _error(d, "authorized"))
    assert d.result_value is None


def test_every_problem_shows_at_once_and_codes_are_checked_against_the_list(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    """Issue 8 #5: one pass shows the bad date, the zero visits and the mistyped code."""
    d, _ = _dialog(qtbot, sqlite_session_factory, runner)
    d.start.setText("03/01/2026")
    d.end.setText("02/31/2026")  # no such day
    d.authorized.setText("0")
    d.codes.setText("97110, 9711X")
    d.save_button.click()
    qtbot.waitUntil(lambda: bool(_error(d, "authorized")) and d.save_button.isEnabled())
    assert _error(d, "end")
    assert _error(d, "authorized") == "An approved authorization needs at least one visit."
    assert "9711X" in _error(d, "codes")
    assert d.result_value is None
    # a well-formed code that is not on the code list is refused too
    d.end.setText("06/30/2026")
    d.authorized.setText("12")
    d.codes.setText("97110, 97999")
    d.save_button.click()
    qtbot.waitUntil(lambda: "97999" in _error(d, "codes") and d.save_button.isEnabled())
    assert not _error(d, "end")
    assert not _error(d, "authorized")
    assert d.result_value is None
    d.codes.setText("97110, 97140, G0283")
    d.save_button.click()
    qtbot.waitUntil(lambda: d.result_value is not None)


def test_overlap_is_pointed_out_and_may_be_saved_anyway(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    f = sqlite_session_factory
    d, cov = _dialog(qtbot, f, runner)
    AuthorizationService(f).add(AuthorizationDraft(cov, date(2026, 3, 1), date(2026, 6, 30), 12,
                                                   number="AU-1"))
    d.number.setText("AU-2")
    d.start.setText("04/01/2026")
    d.end.setText("05/31/2026")
    d.authorized.setText("6")
    d.save_button.click()
    qtbot.waitUntil(lambda: d.warning.isVisibleTo(d))
    assert "AU-1" in d.warning.text()
    assert "mistake" in d.warning.text()
    assert d.save_button.text().replace("&", "") == "Save anyway"
    assert d.result_value is None
    d.save_button.click()
    qtbot.waitUntil(lambda: d.result_value is not None)
    assert d.result_value is not None
    assert d.result_value.warnings  # saved, the warning kept with the result


def test_pending_placeholder_needs_no_count(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    d, _ = _dialog(qtbot, sqlite_session_factory, runner)
    d.state.setCurrentIndex(1)
    d.start.setText("03/16/2026")
    d.end.setText("05/15/2026")
    d.save_button.click()
    qtbot.waitUntil(lambda: d.result_value is not None)


def test_renewal_dialog_validation(
    qtbot: QtBot, sqlite_session_factory: sessionmaker[Session], runner: TaskRunner
) -> None:
    f = sqlite_session_factory
    seeded = base_clinic(f)
    pid, _cov = add_patient(f, seeded, "ana", "Rivera", "Ana", "aetna")
    coverages = PatientService(f).get(pid, TODAY).coverages
    from ptdesk.services.authorizations.renewals import RenewalService

    d = RenewalDialog(RenewalService(f), runner, NOW, coverages)
    qtbot.addWidget(d)
    d.sent_on.setText("03/20/2026")
    d.start_requested.setText("04/01/2026")
    d.end_requested.setText("03/01/2026")
    d.save_button.click()
    assert d.form.errors["sent_at"].text() == "The day it was sent cannot be in the future."
    assert d.form.errors["visits"].text() == "How many visits are asked for?"
    assert "before the requested start" in d.form.errors["end_requested"].text()
    d.sent_on.setText("03/16/2026")
    d.visits.setText("8")
    d.end_requested.setText("05/15/2026")
    d.save_button.click()
    qtbot.waitUntil(lambda: d.result_value is not None)
    assert d.result_value is not None
    assert d.result_value.due_at is not None


def test_parsers() -> None:
    codes, problem = parse_codes("97110=24; 97140:12, g0283")
    assert problem is None
    assert codes == (AuthorizationCodeDraft("97110", 24), AuthorizationCodeDraft("97140", 12),
                     AuthorizationCodeDraft("G0283"))
    assert parse_codes("97110 ther")[1] is not None
    from datetime import time

    assert parse_time("9:30") == time(9, 30)
    assert parse_time("2:15 pm") == time(14, 15)
    assert parse_time("2:15") == time(14, 15)
    assert parse_time("25:00") is None
