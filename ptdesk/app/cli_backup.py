"""`ptdesk backup [--to DIR] [--keep N]` and `ptdesk restore FILE`.

A backup goes to `<data dir>/backups` (or DIR) and the newest N daily/manual copies there are
kept. A restore checks the file (SQLite integrity check, ptdesk's tables, a revision this
ptdesk knows), keeps the current database aside renamed with the time, and never overwrites.
"""

import argparse
import sys
from pathlib import Path

from ptdesk.app.clock import local_now
from ptdesk.app.paths import app_paths


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    backup = subparsers.add_parser(
        "backup", help="copy the clinic's database now",
        description="Copy the database (SQLite: online backup while others work; PostgreSQL: "
        "pg_dump) to the backups folder, keeping the newest N daily and manual copies.")
    backup.add_argument("--to", metavar="DIR", type=Path,
                        help="another folder (a USB drive ...); nothing is pruned there")
    backup.add_argument("--keep", metavar="N", type=int,
                        help="from now on keep the newest N copies in the backups folder "
                        "(default 14)")
    backup.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    backup.add_argument("--db-url", metavar="URL", default=argparse.SUPPRESS)
    backup.set_defaults(handler=run_backup)
    restore = subparsers.add_parser(
        "restore", help="put a backup in place of the database (the current one kept aside)",
        description="Check FILE, rename the current database with the time, and copy FILE in "
        "its place. Close ptdesk on every computer first.")
    restore.add_argument("file", metavar="FILE", type=Path)
    restore.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS)
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from ptdesk.app.context import open_context
    from ptdesk.services.safekeeping.backups import BackupService

    ctx = open_context(args)
    try:
        service = BackupService(ctx.session_factory, ctx.paths.backups_dir, local_now)
        if args.keep is not None:
            service.set_keep(args.keep)
        done = service.backup_now(args.to)
    finally:
        ctx.close()
    extra = f"; {done.pruned} older copies removed" if done.pruned else ""
    print(f"backup written: {done.path}{extra}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from ptdesk.app.context import unlock_file
    from ptdesk.app.unlock import CommandLineSecret
    from ptdesk.domain.errors import DomainError
    from ptdesk.storage.backup import restore_sqlite
    from ptdesk.storage.cipher import check_key, database_errors, is_encrypted
    from ptdesk.storage.key_file import WrongSecret, key_file_for

    if getattr(args, "db_url", None):
        raise DomainError("restore works on the clinic's own SQLite file; restore a server "
                          "database with pg_restore")
    paths = app_paths(getattr(args, "data_dir", None), demo=bool(getattr(args, "demo", False)))
    from ptdesk.storage.server_connection import read_settings, settings_file

    server = None if paths.demo else read_settings(settings_file(paths.data_dir))
    if server is not None:  # Settings > Database chose a server: the local file is not in use
        raise DomainError(f"this computer opens the server {server.host}/{server.database}; "
                          "restore a server database with pg_restore")
    database, backup = paths.database_file, args.file.expanduser().resolve()
    ask = CommandLineSecret()
    # An encrypted clinic stays encrypted: whatever the backup, it comes back under its key.
    key = unlock_file(database, ask) if is_encrypted(database) else None
    backup_key = None
    if backup.is_file() and is_encrypted(backup):
        try:
            if key is None:
                raise WrongSecret("")
            check_key(backup, key)
            backup_key = key
        except WrongSecret:
            if key is not None:
                print("ptdesk: this backup was encrypted with another key: give its "
                      "recovery key", file=sys.stderr)
                ask = CommandLineSecret()
            try:
                backup_key = unlock_file(backup, ask, key_file_for(database))
            except database_errors() as exc:
                raise DomainError(f"{backup.name} cannot be read ({exc}).") from None
    aside = restore_sqlite(backup, database, local_now().replace(tzinfo=None),
                           key=key, backup_key=backup_key)
    if aside is not None:
        print(f"the database in use was kept as {aside}")
    print(f"restored {args.file} to {database}")
    if key is None and backup_key is not None:
        print("the restored database is encrypted: ptdesk asks for its recovery key (or the "
              "passphrase, if this computer's key file is its own); set a passphrase with "
              "`ptdesk encryption passphrase`")
    return 0
