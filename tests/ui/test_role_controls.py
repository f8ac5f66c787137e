"""What a role may not do is disabled on screen with the reason in its tooltip (issue 12), in
the real composition; after a switch of user the next person's rights apply."""

import argparse
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.domain.payers import VisitStatus
from ptdesk.domain.permissions import Role
from ptdesk.storage.actor import Actor, set_actor
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import Visit
from ptdesk.ui.widgets.permission_guard import refresh_guards

SHOTS = os.environ.get("PTDESK_SHOTS")


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=True))
    yield context
    context.close()


def _export(view: Any) -> QAction:
    return next(a for a in view.actions() if a.objectName() == "exportCsv")


def test_front_desk_sees_exports_and_void_disabled_with_why(qtbot: QtBot,
                                                            ctx: AppContext) -> None:
    set_actor(Actor("Dana", frozenset({Role.FRONT_DESK})))
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("patients")
    export = _export(page.table)
    assert not export.isEnabled()
    assert export.toolTip() == ("Dana (Front desk) may not export the clinic's data. Ask an "
                                "office manager.")
    with session_scope(ctx.session_factory) as s:
        pid = s.scalars(select(Visit.patient_id).where(
            Visit.status == VisitStatus.COMPLETED).order_by(Visit.id)).first()
    page.open_patient(pid)
    view = page.record_view
    qtbot.waitUntil(lambda: view.record is not None and view.past.rowCount() > 0,
                    timeout=10_000)
    view.past_view.selectRow(0)  # a visit a therapist, biller or manager could void
    view._update_buttons()
    assert not view.void_button.isEnabled()
    assert "may not void a visit" in view.void_button.toolTip()
    assert view.book_button.isEnabled()  # a front desk books
    # A biller signs in on this desk: exports open up at once.
    set_actor(Actor("Bea", frozenset({Role.BILLER})))
    refresh_guards()
    assert export.isEnabled()
    assert export.toolTip() == "Save these patients rows as a CSV file."


def test_front_desk_sees_why_it_cannot_check_in_over_a_stop(qtbot: QtBot,
                                                             ctx: AppContext) -> None:
    from ptdesk.app.clock import local_now
    from ptdesk.services.visits.checkin import CheckInService
    from ptdesk.ui.tasks import TaskRunner
    from ptdesk.ui.visits.override_dialog import OverrideDialog
    from tests.services.test_checkin import _expired_visit

    api = CheckInService(ctx.session_factory)
    view = api.decide(_expired_visit(ctx.session_factory, local_now().date()),
                      local_now().date())
    assert view.stopped
    set_actor(Actor("Dana", frozenset({Role.FRONT_DESK})))
    runner = TaskRunner()
    dialog = OverrideDialog(api, runner, view, local_now, "Dana")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled()
    words = ("Dana (Front desk) may not override a check-in stop (only an office manager "
             "does). Ask an office manager.")
    assert dialog.status.text() == words
    assert dialog.save_button.toolTip() == words
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "override-front-desk.png"))
    runner.shutdown()
