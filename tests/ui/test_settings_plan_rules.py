"""Settings: a payer's plan-of-care setting (off by default, Medicare always on)."""

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.services.authorizations.plan_of_care import PlanOfCareService
from ptdesk.services.authorizations.status_settings import StatusSettingsService
from ptdesk.ui.settings.settings_page import SettingsPage
from ptdesk.ui.tasks import TaskRunner
from tests.services.auth_fixtures import make_clinic


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_payer_plan_rules_checkbox(qtbot: QtBot, runner: TaskRunner,
                                   sqlite_session_factory: sessionmaker[Session]) -> None:
    c = make_clinic(sqlite_session_factory)
    plans = PlanOfCareService(sqlite_session_factory)
    page = SettingsPage(StatusSettingsService(sqlite_session_factory), runner,
                        plan_rules=plans)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.scopes.count() > 1, timeout=5000)
    assert page.plan_rules.isHidden()  # the clinic row: no payer to set
    row = next(i for i, v in enumerate(page.views) if v.payer_id == c.payer_id)
    page.scopes.setCurrentRow(row)
    qtbot.waitUntil(page.plan_rules.isVisible, timeout=5000)
    assert not page.plan_rules.isChecked()
    assert page.plan_rules.isEnabled()
    page.plan_rules.click()
    qtbot.waitUntil(lambda: plans.payer_rules(c.payer_id) == (True, False), timeout=5000)
    medicare = next(i for i, v in enumerate(page.views)
                    if v.payer_id is not None and v.payer_name.startswith("Medicare"))
    page.scopes.setCurrentRow(medicare)
    qtbot.waitUntil(lambda: page.plan_rules.isVisible() and not page.plan_rules.isEnabled(),
                    timeout=5000)
    assert page.plan_rules.isChecked()
