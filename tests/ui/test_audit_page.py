"""The Audit page (issue 12) through the real composition: the manager sees it, filters it
and exports it (the export itself recorded); a front desk does not see it and the service
refuses them anyway."""

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ptdesk.app.context import AppContext, open_context
from ptdesk.app.gui import build_main_window
from ptdesk.domain.permissions import NotPermitted, Role
from ptdesk.services.accounts.audit_log import AuditFilter, AuditLogService
from ptdesk.services.accounts.users import AccountService, NewUser
from ptdesk.storage.actor import Actor, set_actor

PW = "manager pw 1"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    accounts = AccountService(context.session_factory)
    set_actor(None)
    accounts.create_first_manager(NewUser("Maria", frozenset(), PW, PW))
    accounts.create_user(NewUser("Dana", frozenset({Role.FRONT_DESK}), PW, PW))
    yield context
    context.close()


def test_manager_filters_and_exports_the_trail(qtbot: QtBot, ctx: AppContext,
                                              tmp_path: Path) -> None:
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("audit")
    qtbot.waitUntil(lambda: page.model.rowCount() >= 3, timeout=10_000)
    page.action.setCurrentIndex(page.action.findData("sign_in"))
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.data(page.model.index(0, 2)) == "Signed in"
    target = tmp_path / "audit.csv"
    page.choose_csv_path = lambda: str(target)
    page.export_button.click()
    assert target.read_text().startswith("id,at_utc,actor,action")
    exports = AuditLogService(ctx.session_factory).entries(AuditFilter(action="export"))
    assert [(e.actor, e.table_name) for e in exports] == [("Maria", "audit_entries")]


def test_front_desk_neither_sees_nor_reads_the_trail(qtbot: QtBot, ctx: AppContext) -> None:
    set_actor(Actor("Dana", frozenset({Role.FRONT_DESK})))
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    keys = [e.key for e in window._pages]
    assert window.nav.item(keys.index("audit")).isHidden()
    with pytest.raises(NotPermitted, match="see the audit trail"):
        AuditLogService(ctx.session_factory).entries(AuditFilter())


def test_switch_user_signs_the_next_person_in(qtbot: QtBot, ctx: AppContext,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ptdesk.storage.actor import current_actor
    from ptdesk.ui.accounts.sign_in_dialogs import SignInDialog

    def dana_types(self: SignInDialog) -> int:
        self.name.setText("Dana")
        self.password.setText(PW)
        self.try_sign_in()
        return self.result()

    monkeypatch.setattr(SignInDialog, "exec", dana_types)
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("audit")
    window.account_actions["switch_user"].trigger()
    actor = current_actor()
    assert actor is not None
    assert actor.name == "Dana"
    assert "Dana (Front desk)" in window.user_status.text()
    assert window.current_page_key() == "today"  # not left on the manager's page
    assert window.centralWidget().isVisible()
    set_actor(Actor("Maria", frozenset({Role.MANAGER})))  # to read the trail
    recent = [(r.actor, r.action) for r in
              AuditLogService(ctx.session_factory).entries(AuditFilter(), limit=2)]
    assert recent == [("Dana", "sign_in"), ("Maria", "sign_out")]


def test_a_board_pdf_is_recorded(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    window: Any = build_main_window(ctx)
    qtbot.addWidget(window)
    board = window.show_page("board")
    board.print_to_pdf(str(tmp_path / "board.pdf"))
    exports = AuditLogService(ctx.session_factory).entries(AuditFilter(action="export"))
    assert [(e.actor, e.after) for e in exports] == [("Maria", '{"what":"board PDF"}')]
