"""Opening a clinic's database: resolve it, back it up, migrate it, seed the demo if asked."""

import argparse
import logging
import sys
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.app.clock import local_today
from ptdesk.app.paths import AppPaths, app_paths
from ptdesk.domain.errors import DomainError
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.migrate import UpgradeResult, upgrade_to_head
from ptdesk.storage.private_files import private_dir

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    paths: AppPaths
    engine: Engine
    session_factory: sessionmaker[Session]
    is_demo: bool
    db_label: str  # for the status bar: "Demo clinic", a file path, or "server host/db"
    upgrade: UpgradeResult

    def close(self) -> None:
        self.engine.dispose()


class DatabaseUnavailable(DomainError):
    """The database named on the command line cannot be opened."""


def describe_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"file {parsed.database}"
    return f"server {parsed.host or 'local'}/{parsed.database}"  # never the password


def _has_patients(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM patients LIMIT 1")).first() is not None


def _rebuild_derived(conn: Connection) -> None:
    # Imported only when an upgrade needs it (the allocation code is not needed to start).
    from ptdesk.services.authorizations.derived_usage import rebuild_derived_usage

    rebuild_derived_usage(conn)


def open_context(args: argparse.Namespace, *, today: date | None = None) -> AppContext:
    demo = bool(getattr(args, "demo", False))
    paths = app_paths(getattr(args, "data_dir", None), demo=demo)
    db_url = getattr(args, "db_url", None)
    if db_url:
        try:
            make_url(db_url)
        except ArgumentError as exc:
            raise DatabaseUnavailable(f"The database address is not valid: {exc}") from None
        url, label = db_url, describe_url(db_url)
        if make_url(db_url).password:
            # Any account on the computer can read a command line (ps, /proc).
            print("ptdesk: warning: a password given in --db-url can be seen by other accounts "
                  "on this computer; leave it out and put it in ~/.pgpass (or PGPASSWORD)",
                  file=sys.stderr)
    else:
        private_dir(paths.data_dir)
        private_dir(paths.root)
        url = f"sqlite:///{paths.database_file}"
        label = "Demo clinic (synthetic data)" if demo else f"file {paths.database_file}"
    try:
        engine = create_engine_for(url)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(f"No driver for this database: {exc}") from None
    from sqlalchemy.exc import OperationalError

    try:
        result = upgrade_to_head(engine, backup_dir=paths.backups_dir,
                                 rebuild_derived=_rebuild_derived)
    except DomainError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"Could not open the database ({label}): {exc.orig}") from None
    factory = make_session_factory(engine)
    if demo and not _has_patients(engine):
        # The generator (and its plans, people and rule tables) is imported only to create it.
        from ptdesk.app.clock import local_now
        from ptdesk.demo.checkin import add_check_in_showcase
        from ptdesk.demo.clinic import ensure_demo_clinic
        from ptdesk.storage.actor import acting_as, demo_setup_actor

        day = today or local_today()
        with acting_as(demo_setup_actor()):  # the audit trail names who created it
            ensure_demo_clinic(factory, today=day)
            # A patient in every check-in state, visits booked today (issue 10).
            add_check_in_showcase(factory, today=day, now=local_now)
            from ptdesk.demo.booking import add_booking_showcase

            # Series booked for the next weeks, one past its authorization (issue 10 #2).
            add_booking_showcase(factory, today=day)
    log.info("database ready (%s), schema %s", "demo" if demo else "clinic", result.to_revision)
    return AppContext(paths, engine, factory, demo, label, result)
