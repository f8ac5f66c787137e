"""Checks the revision files call so an upgrade or downgrade never loses a clinic's rows.

Imported by `db_migrations/versions/*`: keep these functions stable (a migration must keep
meaning the same thing), and free of application rules.
"""

from sqlalchemy import Connection, inspect, text


class MigrationRefused(RuntimeError):
    """The migration would lose data; nothing was changed."""


def foreign_keys_off(conn: Connection, rebuilt: list[str]) -> None:
    """SQLite: a batch rebuild (copy, drop, rename a table) with foreign keys ON cascades the
    DROP into every child table (an upgrade once emptied `service_lines`). ptdesk's migration
    runner turns them off outside the transaction; refuse to run otherwise, unless the tables
    rebuilt are empty (then no row can refer to them)."""
    if conn.dialect.name != "sqlite" or not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return
    if any(conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in rebuilt):
        raise MigrationRefused(
            "SQLite foreign keys are ON: rebuilding a table now would delete the rows that "
            "refer to it. Run the migration through ptdesk (it turns them off), or connect "
            "without PRAGMA foreign_keys=ON."
        )


def refuse_if_rows(conn: Connection, tables: list[str], revision: str) -> None:
    """A downgrade that drops tables runs only when they are empty: it keeps the data or
    refuses with a message saying what to do instead."""
    present = set(inspect(conn).get_table_names())
    # table names come from the revision file, never from input
    full = [t for t in tables
            if t in present and conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first()]
    if full:
        raise MigrationRefused(
            f"Downgrading below {revision} would delete the rows of {', '.join(sorted(full))}. "
            "Nothing was changed. To go back to an older ptdesk, restore the backup taken "
            "before the upgrade (ptdesk restore FILE) instead."
        )
