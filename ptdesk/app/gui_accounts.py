"""Wiring of accounts into the window (issue 12): sign-in at start, the signed-in person in
the status bar, File → Switch user / Sign out, the idle lock, and the manager's Users and
Audit pages. The services enforce the permissions; hiding a page is only a convenience."""

import argparse
from typing import Any

from ptdesk.app.clock import local_now, local_today
from ptdesk.app.context import AppContext
from ptdesk.domain.permissions import ROLE_LABELS, Permission, Role, allows
from ptdesk.services.accounts.access import forget_event_database, set_event_database
from ptdesk.services.accounts.users import DEMO_PASSWORD, DEMO_PIN, AccountService
from ptdesk.storage.actor import command_line_actor, current_actor, set_actor

_MANAGER_PAGES = (("users", Permission.MANAGE_USERS), ("audit", Permission.VIEW_AUDIT))


def sign_in_at_start(ctx: AppContext, args: argparse.Namespace) -> bool:
    """Someone is signed in (True), or the person chose Quit (False)."""
    accounts = AccountService(ctx.session_factory, now=local_now)
    set_event_database(ctx.session_factory)
    if getattr(args, "smoke_test", False):
        set_actor(command_line_actor())  # CI and packaging checks: nobody at the desk
        return True
    if ctx.is_demo:
        accounts.sign_in_demo()
        return True
    from ptdesk.ui.accounts.sign_in_dialogs import FirstManagerDialog, SignInDialog

    dialog = (SignInDialog(accounts, ctx.db_label) if accounts.has_users()
              else FirstManagerDialog(accounts))
    return bool(dialog.exec()) and current_actor() is not None


def _who() -> str:
    actor = current_actor()
    if actor is None:
        return "Nobody signed in"
    roles = ", ".join(ROLE_LABELS[r] for r in Role if r in actor.roles)
    return f"Signed in: {actor.name} ({roles})" if roles else f"Signed in: {actor.name}"


def install_accounts(window: Any, ctx: AppContext, runner: Any) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel

    from ptdesk.ui.accounts.idle_lock import IdleLock
    from ptdesk.ui.widgets.permission_guard import refresh_guards

    accounts = AccountService(ctx.session_factory, now=local_now)
    set_event_database(ctx.session_factory)
    factory = ctx.session_factory
    window.destroyed.connect(lambda: forget_event_database(factory))
    window.user_status = QLabel(_who())
    window.user_status.setAccessibleName("Signed-in user")
    window.user_status.setContentsMargins(6, 0, 24, 0)
    window.statusBar().insertPermanentWidget(0, window.user_status)
    hint = (f"Demo clinic: the password is {DEMO_PASSWORD}, the PIN {DEMO_PIN}."
            if ctx.is_demo else "")
    window.idle_lock = IdleLock(window, accounts, lambda: (current_actor() or
                                                           command_line_actor()).name,
                                accounts.idle_minutes(), hint)

    def build_users_page() -> Any:
        from ptdesk.ui.accounts.users_page import UsersPage

        return UsersPage(accounts, window.idle_lock.set_minutes)

    def build_audit_page() -> Any:
        from ptdesk.services.accounts.audit_log import AuditLogService
        from ptdesk.ui.accounts.audit_page import AuditPage

        return AuditPage(AuditLogService(ctx.session_factory), runner, today=local_today,
                         now=local_now)

    # Built the first time they are shown (start-up time, issue 3).
    window.add_page("users", "Users", build_users_page)
    window.add_page("audit", "Audit", build_audit_page)

    def show_for_actor() -> None:
        actor = current_actor()
        roles = actor.roles if actor else frozenset()
        keys = [e.key for e in window._pages]
        for key, permission in _MANAGER_PAGES:
            allowed = allows(roles, permission)
            window.nav.item(keys.index(key)).setHidden(not allowed)
            window.page_actions[keys.index(key)].setVisible(allowed)  # Go menu and Ctrl+6/7
            window.page_actions[keys.index(key)].setEnabled(allowed)
            if not allowed and window.current_page_key() == key:
                window.show_page(keys[0])  # the next person does not land on it
        window.user_status.setText(_who())
        refresh_guards()  # exports and the like: enabled for the person now signed in

    menus = [a.menu() for a in window.menuBar().actions()]
    if len(menus) > 1:  # Go: the two pages after Settings, before "Find a patient"
        go = menus[1]
        before = next((a for a in go.actions() if a.isSeparator()), None)
        for a in window.page_actions[-2:]:
            go.insertAction(before, a)
    show_for_actor()
    file_menu = menus[0] if menus else None
    switch = QAction("S&witch user…", window)
    sign_out = QAction("Sign &out", window)
    lock_now = QAction("&Lock now", window)
    lock_now.setShortcut("Ctrl+L")
    window.addAction(lock_now)
    switch.triggered.connect(lambda: _switch_user(window, accounts, ctx, show_for_actor))

    def on_sign_out() -> None:
        accounts.sign_out()
        window.close()

    sign_out.triggered.connect(on_sign_out)
    lock_now.triggered.connect(window.idle_lock.lock)
    if file_menu is not None:
        first = file_menu.actions()[0] if file_menu.actions() else None
        for a in (lock_now, switch, sign_out):
            file_menu.insertAction(first, a)
        file_menu.insertSeparator(first)
    window.account_actions = {"switch_user": switch, "sign_out": sign_out, "lock": lock_now}


def _switch_user(window: Any, accounts: AccountService, ctx: AppContext,
                 refresh: Any) -> None:
    """Only after the signed-in person's open forms are saved or closed: nothing of theirs
    is discarded silently, and nobody else sees it."""
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from ptdesk.ui.accounts.sign_in_dialogs import SignInDialog

    open_forms = [w for w in QApplication.topLevelWidgets()
                  if isinstance(w, QDialog) and w.isVisible()]
    if open_forms:
        QMessageBox.information(window, "Switch user",
                                "Save or close the open forms first, so nothing typed is lost "
                                "and the next person does not see it.")
        return
    accounts.sign_out()
    refresh()
    window.centralWidget().setVisible(False)  # nothing of the last person's screen shows
    dialog = SignInDialog(accounts, ctx.db_label, window)
    if dialog.exec() and current_actor() is not None:
        window.centralWidget().setVisible(True)
        refresh()
        return
    window.close()
