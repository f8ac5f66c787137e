"""Opening a clinic's database: resolve it, back it up, migrate it, seed the demo if asked."""

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url
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
        bind = self.session_factory.kw.get("bind")
        if isinstance(bind, Engine) and bind is not self.engine:
            bind.dispose()  # turning encryption on gave the factory a new engine


# Asks for the passphrase or recovery key of an encrypted database: given the words about the
# last try (None the first time), returns what was typed, or None when the person gave up.
AskSecret = Callable[[str | None], str | None]


class DatabaseUnavailable(DomainError):
    """The database named on the command line cannot be opened."""


def describe_url(url: str | URL) -> str:
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


def unlock_file(database: Path, ask: AskSecret, key_file: Path | None = None) -> bytes:
    """The key of an encrypted file: asked until it opens the file or the person gives up.
    A passphrase opens `key_file` (default: the one beside `database`)."""
    from ptdesk.storage.cipher import check_key
    from ptdesk.storage.key_file import KeyFileProblem, WrongSecret, key_file_for, key_from_secret

    problem: str | None = None
    while True:
        secret = ask(problem)
        if secret is None:
            raise DatabaseUnavailable("The database is encrypted and was not unlocked.")
        try:
            key = key_from_secret(secret, key_file or key_file_for(database))
            check_key(database, key)
            return key
        except (WrongSecret, KeyFileProblem) as exc:
            problem = exc.message


def _local_url(database: Path, ask: AskSecret | None) -> str | URL:
    """The clinic's own file, plain or encrypted (then unlocked with `ask`)."""
    from ptdesk.storage.cipher import cipher_url, is_encrypted, tidy_after_crash

    tidy_after_crash(database)  # what an interrupted encryption left, if anything
    if not is_encrypted(database):
        return f"sqlite:///{database}"
    if ask is None:
        from ptdesk.app.unlock import CommandLineSecret

        ask = CommandLineSecret()
    return cipher_url(database, unlock_file(database, ask))


def _saved_server(paths: AppPaths) -> URL | None:
    """The server chosen on the connection settings screen (Settings > Database), with its
    password from the OS keyring; without one there, libpq reads ~/.pgpass itself."""
    from ptdesk.storage.server_connection import load_password, read_settings, settings_file

    settings = read_settings(settings_file(paths.data_dir))
    if settings is None:
        return None
    return settings.url(load_password(settings))


def open_context(args: argparse.Namespace, *, today: date | None = None,
                 ask_secret: AskSecret | None = None) -> AppContext:
    """`ask_secret` unlocks an encrypted database (the window's dialog); without it, the
    command line's way (PTDESK_PASSPHRASE, else a prompt)."""
    demo = bool(getattr(args, "demo", False))
    paths = app_paths(getattr(args, "data_dir", None), demo=demo)
    db_url = getattr(args, "db_url", None)
    if db_url:
        try:
            make_url(db_url)
        except ArgumentError as exc:
            raise DatabaseUnavailable(f"The database address is not valid: {exc}") from None
        url, label = db_url, describe_url(db_url)
        parsed = make_url(db_url)
        if parsed.drivername == "sqlite" and parsed.database and parsed.database != ":memory:" \
                and not parsed.database.startswith("file:"):
            local = _local_url(Path(parsed.database), ask_secret)
            if isinstance(local, URL):  # an encrypted file, unlocked
                url, label = local, label + " (encrypted)"
        if make_url(db_url).password:
            # Any account on the computer can read a command line (ps, /proc).
            print("ptdesk: warning: a password given in --db-url can be seen by other accounts "
                  "on this computer; leave it out and put it in ~/.pgpass (or PGPASSWORD)",
                  file=sys.stderr)
    elif not demo and (server := _saved_server(paths)) is not None:
        url, label = server, describe_url(server)
    else:
        private_dir(paths.data_dir)
        private_dir(paths.root)
        url = _local_url(paths.database_file, ask_secret)
        label = "Demo clinic (synthetic data)" if demo else f"file {paths.database_file}"
        if isinstance(url, URL):
            label += " (encrypted)"
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
            from ptdesk.demo.paper import add_paper_trail_showcase

            # Diagnoses, a corrected and a voided visit, a session override (issue 10 #3-6).
            add_paper_trail_showcase(factory, today=day, now=local_now())
            from ptdesk.demo.accounts import add_locked_account

            # An account locked after too many wrong passwords (issue 12's Users page).
            add_locked_account(factory, now=local_now())
    log.info("database ready (%s), schema %s", "demo" if demo else "clinic", result.to_revision)
    return AppContext(paths, engine, factory, demo, label, result)
