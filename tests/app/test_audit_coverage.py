"""Everything issue 12 item 5 lists is in the audit trail, driven as a clinic does it: create,
change, void, override, sign-in, failed sign-in, lock, print and export (from the screens
and the command line), and a print or an export entry holds no patient data beyond the ids
the record itself carries."""

import argparse
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptdesk.app.clock import local_now, local_today
from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.app.main import main
from ptdesk.domain.overrides import OverrideDraft, OverrideReason
from ptdesk.domain.permissions import Role
from ptdesk.services.accounts.users import AccountService, NewUser, SignInRefused
from ptdesk.services.authorizations.changes import AuthorizationService
from ptdesk.services.authorizations.dtos import AuthorizationDraft
from ptdesk.services.estimates.desk import EstimateDesk
from ptdesk.services.patients.records import PatientService
from ptdesk.services.visits.checkin import CheckInService
from ptdesk.services.visits.dtos import VisitDraft
from ptdesk.services.visits.records import VisitService
from ptdesk.storage.audit_trail import verify_chain
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import AuditEntry, Coverage, Patient
from ptdesk.ui.board.overrides_report import OverridesDialog
from ptdesk.ui.estimates.estimate_dialog import EstimateDialog
from ptdesk.ui.tasks import TaskRunner
from tests.services.auth_fixtures import make_clinic

PW = "manager password"
# What a print or an export entry may say besides who and when: the document and its range.
EVENT_KEYS = {"what", "rows", "from", "to", "as_of", "patients"}


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=True))
    yield context
    context.close()


def _trail(ctx: AppContext) -> list[AuditEntry]:
    with session_scope(ctx.session_factory) as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _a_patient(ctx: AppContext) -> tuple[int, int, str, str]:
    with session_scope(ctx.session_factory) as s:
        p, cov = s.execute(select(Patient, Coverage.id).join(
            Coverage, Coverage.patient_id == Patient.id).order_by(Patient.id)).first()._tuple()
        return p.id, cov, p.last_name, p.chart_number


def test_every_listed_action_is_in_the_trail(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    f = ctx.session_factory
    accounts = AccountService(f)
    accounts.create_user(NewUser("Maria", frozenset({Role.MANAGER}), PW, PW))
    with pytest.raises(SignInRefused):
        accounts.sign_in("Maria", "not her password")  # failed sign-in
    accounts.sign_in("Maria", PW)  # sign-in; Maria acts from here on
    pid, cov, last_name, chart = _a_patient(ctx)
    patients = PatientService(f)
    today = local_today()
    # create, change, void, override
    visits = VisitService(f)
    v = visits.book(VisitDraft(pid, today + timedelta(days=3), cov))
    visits.void(v.id, "booked for the wrong patient")
    patients.set_chart_prefix(patients.chart_prefix())  # unchanged: no entry expected
    clinic = make_clinic(f)  # a payer that needs authorizations; its one has ended
    AuthorizationService(f).add(AuthorizationDraft(
        clinic.coverage_id, today - timedelta(days=90), today - timedelta(days=1), 12,
        number="OLD-1"))
    stopped = visits.book(VisitDraft(clinic.patient_id, today, clinic.coverage_id)).id
    result = CheckInService(f).check_in(stopped, local_now(),
                                        OverrideDraft(OverrideReason.AT_RISK, "", "Maria"))
    assert result.override is not None
    window: Any = build_main_window(ctx)  # the screens record prints and exports
    qtbot.addWidget(window)
    window.show()
    # lock (and unlock)
    window.account_actions["lock"].trigger()
    screen = window.idle_lock.screen
    screen.secret.setText(PW)
    screen.try_unlock()
    # print: the board, the overrides report, an estimate (previews accepted at once)
    monkeypatch.setattr(QPrintPreviewDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    board = window.show_page("board")
    qtbot.waitUntil(lambda: board.view is not None, timeout=10_000)
    board.print_preview()
    runner = TaskRunner()
    report = OverridesDialog(CheckInService(f), runner, today)
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: len(report.rows) >= 1, timeout=10_000)
    report.print_preview()
    desk = EstimateDesk(f)
    dialog = EstimateDialog(desk, desk.prefill(pid, today, local_now()), today=local_today,
                            now=local_now)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.current is not None, timeout=10_000)
    dialog.print_preview()
    # export: screens (a table's CSV, the board PDF, the overrides CSV, an estimate PDF) ...
    monkeypatch.setattr("ptdesk.ui.widgets.table_export._ask",
                        lambda _parent, name: str(tmp_path / f"{name}.csv"))
    page = window.show_page("patients")
    next(a for a in page.table.actions() if a.objectName() == "exportCsv").trigger()
    board.print_to_pdf(str(tmp_path / "board.pdf"))
    report.save_csv(str(tmp_path / "overrides.csv"))
    dialog.choose_pdf_path = lambda: str(tmp_path / "estimate.pdf")  # type: ignore[method-assign]
    dialog.save_pdf()
    # ... and the command line
    out = tmp_path / "patients-export.csv"
    assert main(["--data-dir", str(tmp_path), "--demo", "export", "patients",
                 "--out", str(out)]) == 0
    runner.shutdown()

    trail = _trail(ctx)
    actions = {e.action for e in trail}
    listed = {"create", "change", "void", "override", "sign_in", "sign_in_failed", "lock",
              "print", "export"}
    assert listed <= actions, listed - actions
    assert any(e.action == "change" and e.table_name == "visits" for e in trail)
    assert any(e.action == "override" and e.table_name == "visit_overrides"
               and e.actor == "Maria" for e in trail)
    printed = {json.loads(e.after or "{}").get("what") for e in trail if e.action == "print"}
    assert {"board", "estimate"} <= printed or {"board", "Good Faith Estimate"} <= printed
    assert any(str(w).startswith("overrides report") for w in printed)
    exported = [json.loads(e.after or "{}") for e in trail if e.action == "export"]
    what = {str(x.get("what")) for x in exported}
    assert {"patients CSV", "board PDF"} <= what
    assert any(w.startswith("overrides report") and w.endswith("CSV") for w in what)
    assert any(w.endswith("stimate PDF") for w in what)
    assert any(e.action == "export" and e.actor.startswith("command line: ") for e in trail)
    # A print or an export names the document, never the patient's data: only the id.
    for e in trail:
        if e.action in ("print", "export"):
            assert e.before is None
            body = json.loads(e.after or "{}")
            assert set(body) <= EVENT_KEYS, (e.action, body)
            assert last_name not in (e.after or "")
            assert chart not in (e.after or "")
    with session_scope(f) as s:
        assert verify_chain(s.connection()).intact
    window.close()
