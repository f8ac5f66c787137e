"""Alembic environment. Runs on the connection ptdesk hands it (see ptdesk/storage/migrate.py),
or, from the alembic command line, on the URL in `-x url=...` / PTDESK_DB_URL."""

import os

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlalchemy.types import TypeDecorator

import ptdesk.storage.models  # noqa: F401  (registers every table on Base.metadata)
from ptdesk.storage.base import Base

target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write ptdesk's column types (Cents, BasisPoints) as their plain SQL type, so a
    migration never imports application code that may change after it was written."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{type(obj.impl_instance).__name__}()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        compare_server_default=False,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get("PTDESK_DB_URL")
    if not url:
        raise SystemExit("Give a database: alembic -x url=sqlite:///path.db ... or PTDESK_DB_URL")
    engine = create_engine(url)
    # The same safe connection ptdesk uses: SQLite foreign keys off outside the transaction,
    # foreign_key_check before COMMIT, one transaction; PostgreSQL advisory lock.
    from ptdesk.storage.migrate import migration_connection

    with migration_connection(engine) as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("ptdesk migrations run online only")
run_migrations_online()
