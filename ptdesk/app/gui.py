"""Composition of the window: open the database, build the services, hand them to the pages."""

import argparse
import sys
from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, Any, cast

from ptdesk.app import gui_services as lazy
from ptdesk.app.clock import local_now, local_today
from ptdesk.app.context import AppContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ptdesk.ui.menus import AboutInfo
    from ptdesk.ui.patients.patients_page import PatientsPage


def _add_visit_summary(page: Any, views: tuple[Any, ...], chosen: Callable[[], int | None],
                       summaries: Any, runner: Any) -> Any:
    """The visit summary (superbill, issue 10 item 6) from a page's visit rows: context menu
    and Ctrl+P."""
    from ptdesk.ui.session.visit_summary_print import VisitSummaryPrinter, install_visit_summary

    printer = VisitSummaryPrinter(summaries, runner, page)
    install_visit_summary(printer, page, views, chosen)
    page.summary_printer = printer
    return printer


def build_main_window(ctx: AppContext):  # type: ignore[no-untyped-def]
    """Every page gets its services and the task runner through its constructor.

    Pages: Today, Patients, Board, Settings. Only the first is built before the window shows:
    the others go to the window as factories, built (and their modules imported) the first time
    they are shown, or asked for by Ctrl+F or another page (issue 3: start-up time).
    """
    from ptdesk.ui.main_window import MainWindow
    from ptdesk.ui.tasks import TaskRunner

    window = MainWindow(ctx.db_label, is_demo=ctx.is_demo, start_page=_remembered_page(ctx.is_demo))
    runner = TaskRunner(window)
    factory = ctx.session_factory
    # Services the first page holds but calls only later (a click, a 5-second poll).
    visits = lazy.later(lazy.visit_service, factory)
    billing = lazy.later(lazy.billing_service, factory)
    tokens = lazy.later(lazy.board_service, factory)
    checkin = lazy.later(lazy.checkin_service, factory)

    def patients_page() -> "PatientsPage":
        return cast("PatientsPage", window.show_page("patients"))  # built on first use

    # --- Today + the session form (issue 4's GUI face): the first page -----------------------
    def open_patient_record(patient_id: int) -> None:
        patients_page().open_patient(patient_id)

    summaries = lazy.later(lazy.summary_service, factory)

    def build_today_page() -> "QWidget":
        from ptdesk.ui.visits.today_page import TodayPage

        day = lazy.BuiltWhenCalled(lambda: lazy.today_service(factory))  # loads on the worker
        today_page = TodayPage(day, visits, billing, runner, today=local_today,
                               now=local_now, open_patient=open_patient_record,
                               change_token=lambda: tokens.change_token(), checkin=checkin)
        _add_week(window, today_page, runner, factory, open_patient_record)
        _add_visit_summary(today_page, (today_page.table,), today_page.selected_visit_id,
                           summaries, runner)
        return today_page

    window.add_page("today", "Today", build_today_page)  # built now unless another page was
    # --- end of Today ----------------------------------------------------------------------

    def build_patients_page() -> "PatientsPage":
        from ptdesk.services.visits.api import AuthorizationApis
        from ptdesk.ui.patients.patients_page import PatientsPage

        # The search's service is built now; the others (authorizations, renewals, booking,
        # estimates and the billing rules they load ...) when the record or a dialog first
        # uses them, so the first keystroke does not wait for their modules (issue 9 #3).
        panel = lazy.later(lazy.panel_service, factory)
        auth = AuthorizationApis(
            panel, lazy.later(lazy.authorization_service, factory),
            lazy.later(lazy.renewal_service, factory), visits, checkin=checkin,
            plans=lazy.later(lazy.plan_service, factory),
            booking=lazy.later(lazy.booking_service, factory),
            chips=lazy.BuiltWhenCalled(lambda: lazy.status_chips(factory)))  # called by a worker
        from ptdesk.services.patients.records import PatientService

        page = PatientsPage(PatientService(factory), runner, today=local_today,
                            reference=lazy.later(lazy.reference_service, factory),
                            auth=auth, now=local_now,
                            estimates=lazy.OnFirstUse(lambda: lazy.estimate_desk(factory, panel)))
        record = page.record_view

        def chosen_visit() -> int | None:
            visit = record.selected_visit()
            return None if visit is None else int(visit.id)

        _add_visit_summary(record, (record.upcoming_view, record.past_view), chosen_visit,
                           summaries, runner)
        return page

    def build_board_page() -> "QWidget":
        from ptdesk.ui.board.board_page import BoardPage

        board_page = BoardPage(lazy.board_service(factory), runner, today=local_today,
                               now=local_now, checkin=checkin)
        board_page.sig_patient_requested.connect(open_patient_record)
        from ptdesk.services.estimates.gfe_due import GfeDueService  # issue 11: GFEs due
        from ptdesk.ui.board.gfe_section import add_to_board

        add_to_board(board_page, GfeDueService(factory), runner, today=local_today,
                     now=local_now, open_patient=open_patient_record)
        return board_page

    def build_settings_page() -> "QWidget":
        from ptdesk.services.authorizations.plan_of_care import PlanOfCareService
        from ptdesk.services.authorizations.status_settings import StatusSettingsService
        from ptdesk.services.billing.fee_schedules import FeeScheduleService
        from ptdesk.services.clinic.details import ClinicDetailsService  # issue 11
        from ptdesk.services.patients.records import PatientService
        from ptdesk.ui.settings.settings_page import SettingsPage
        from ptdesk.ui.settings.settings_tabs import SettingsTabs

        tabs = SettingsTabs(SettingsPage(StatusSettingsService(factory), runner,
                                         charts=PatientService(factory),
                                         plan_rules=PlanOfCareService(factory)),
                            ClinicDetailsService(factory), FeeScheduleService(factory), runner,
                            this_year=local_today().year)
        from ptdesk.ui.settings.clinic_hours import ClinicHoursSection  # issue 10: the week view

        tabs.hours = ClinicHoursSection(lazy.week_service(factory), runner)  # type: ignore[attr-defined]
        tabs.tabs.addTab(tabs.hours, "Clinic hours")  # type: ignore[attr-defined]
        from ptdesk.app.gui_database import add_database_tab  # issue 12 #6

        add_database_tab(tabs, ctx, runner, window)
        return tabs

    def build_import_page() -> "QWidget":
        from ptdesk.services.imports.service import ImportService
        from ptdesk.ui.imports.import_page import ImportPage

        return ImportPage(ImportService(factory), runner, today=local_today)

    window.add_page("patients", "Patients", build_patients_page)
    window.add_page("board", "Board", build_board_page)
    window.add_page("settings", "Settings", build_settings_page)
    window.add_page("import", "Import", build_import_page)

    def find_patient() -> None:
        patients_page().focus_search()

    find = window.add_global_shortcut("Ctrl+F", find_patient)
    _install_menus(window, ctx, find, lambda: window.page("today"), patients_page)
    window.add_global_shortcut("Ctrl+K", lambda: patients_page().quick_estimate())
    window.destroyed.connect(runner.shutdown)
    _start_backups(ctx, window, runner)
    from ptdesk.app.gui_accounts import install_accounts  # issue 12

    install_accounts(window, ctx, runner)
    return window


def about_info(ctx: AppContext) -> "AboutInfo":
    """Version and licence from the installed package's metadata (pyproject), the database
    as the status bar names it."""
    from importlib import metadata

    from ptdesk import __version__
    from ptdesk.ui.menus import AboutInfo

    try:
        meta = metadata.metadata("ptdesk")
        version = meta["Version"] or __version__
        # get_all: once `keyring` is imported, importlib_metadata's finder answers too, and
        # its metadata raises KeyError for a missing field (the stdlib's returns None)
        licence = (meta.get_all("License-Expression") or meta.get_all("License") or [""])[0]
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        version, licence = __version__, ""
    return AboutInfo(version, licence or "see pyproject.toml", ctx.db_label)


def _install_menus(window: Any, ctx: AppContext, find: Any, today_page: Callable[[], Any],
                   patients_page: Callable[[], Any]) -> None:
    from ptdesk.ui.menus import PatientActions, install_menus

    def on_today(action: str) -> None:
        window.show_page("today")
        getattr(today_page(), action)()

    install_menus(window, page_actions=window.page_actions, find=find,
                  patient=PatientActions(lambda: patients_page().new_patient(),
                                         lambda: on_today("check_in"),
                                         lambda: on_today("record_session")),
                  about=lambda: about_info(ctx))  # the package metadata read when asked
    window.restore_state(window_settings(ctx.is_demo))


def window_settings(demo: bool) -> Any:
    """Where the window remembers its size, last page, splitters and columns (QSettings; on
    Linux ~/.config/ptdesk/ptdesk.conf). The demo clinic keeps its own (ptdesk-demo.conf): a
    look at the demo must not change the page and column widths the clinic's desk opens with."""
    from PySide6.QtCore import QSettings

    return QSettings("ptdesk", "ptdesk-demo" if demo else "ptdesk")


def _remembered_page(demo: bool) -> str | None:
    """The page the window showed when it last closed (read before the pages are built)."""
    key = window_settings(demo).value("window/page")
    return key if isinstance(key, str) else None


def _start_backups(ctx: AppContext, window: Any, runner: Any) -> None:
    """The first start of the day backs up (off the GUI thread); the status bar says when the
    last backup was."""
    from PySide6.QtCore import QTimer

    def start_of_day() -> str:  # on the worker, so are the imports (after the day's list)
        from ptdesk.services.accounts.audit_anchor import AuditAnchorService
        from ptdesk.services.safekeeping.backups import BackupService

        backups = BackupService(ctx.session_factory, ctx.paths.backups_dir, local_now)
        anchor = AuditAnchorService(ctx.session_factory, ctx.paths.root, local_now)
        # The audit trail's head is remembered too (a shortened trail is said here).
        words = backups.start_of_day()
        trail = anchor.status_words()
        return f"{words} · {trail}" if trail else words

    # Once the event loop runs (the window shown), like the Today page's first load.
    QTimer.singleShot(0, window, lambda: runner.submit(
        start_of_day, on_done=window.set_backup_status,
        on_error=lambda exc: window.set_backup_status("Backup failed: see the log")))


def _skip_pyside_source_scan() -> None:
    """PySide6 wraps `__import__` for its opt-in `from __feature__ import snake_case`: every
    module imported after it has its source file read and searched for "PySide6" (15-30 ms of
    CPU to the first data shown, and more at each page's first build; issue 9 #3). ptdesk
    selects no feature, so every module is taken to use PySide6 without one (the answer the
    scan gives for ours, and harmless for the rest). A PySide6 without that hook is left as
    it is."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", lambda _module: True)  # noqa: B010


FREEZE_AFTER_MS = 3000  # the first page and its data are in by then on any desk we measured


def _freeze_start_up_objects() -> None:
    """Python's full garbage collection walks every tracked object: ~30 ms with the window,
    the ORM mappers and the lookup's index, at random moments, now and then in the middle of a
    keystroke's repaint. What exists a few seconds after the start (modules, classes, widgets,
    mappers, the index) lives as long as the window, so it is collected once and moved out of
    the collector's sight (gc.freeze); objects freed by reference counting are freed as before."""
    import gc

    gc.collect()
    gc.freeze()


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _skip_pyside_source_scan()
    from ptdesk.ui.error_dialog import install_excepthook
    from ptdesk.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("ptdesk")
    app.setOrganizationName("ptdesk")
    apply_theme(app)
    install_excepthook()
    from ptdesk.app.gui_database import open_for_window  # issue 12 #6: passphrase, server

    opened = open_for_window(args)
    if isinstance(opened, int):
        return opened  # Quit (0), or could not open, said in a message (2)
    ctx = opened
    from ptdesk.app.gui_accounts import sign_in_at_start  # issue 12

    if not sign_in_at_start(ctx, args):
        ctx.close()
        return 0
    window = build_main_window(ctx)
    window.show()
    QTimer.singleShot(FREEZE_AFTER_MS, _freeze_start_up_objects)
    if args.smoke_test:
        QTimer.singleShot(200, app.quit)
    code = app.exec()
    if args.smoke_test:
        print(f"smoke-test ok {app.platformName()}")
    window.close()
    ctx.close()
    return int(code)


def _add_week(window: Any, today_page: Any, runner: Any, factory: Any,
              open_patient: Callable[[int], None]) -> None:
    """The Today page's week view (issue 10 #2, Ctrl+Shift+W), built the first time the key
    is pressed (start-up imports only what the day list needs). Enter on a free slot books
    there for the patient whose record is open (the booking dialog, pre-filled)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence, QShortcut

    key = QShortcut(QKeySequence("Ctrl+Shift+W"), today_page)
    key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def book_at(day: date, at: time | None, provider_id: int | None) -> bool:
        from ptdesk.ui.visits.series_dialog import book_for_record

        if not window.is_built("patients"):
            return False  # no record was ever opened: nobody to book for
        view = today_page.week.model.view
        providers = view.providers if view is not None else ()
        if not book_for_record(window.page("patients").record_view, runner, local_today(), day,
                               at, provider_id, providers, window):
            return False
        today_page.week.refresh()
        return True

    def first_time() -> None:
        from ptdesk.ui.visits.week_view import WeekPanel, add_week_view

        panel = WeekPanel(lazy.later(lazy.week_service, factory), runner,
                          today=local_today, open_patient=open_patient, book_at=book_at)
        today_page.week = panel
        toggle = add_week_view(today_page, today_page.table, panel, today_page.sig_loaded)
        key.activated.disconnect(first_time)
        key.activated.connect(toggle)
        toggle()

    key.activated.connect(first_time)
