"""Two desks upgrading the same database at once both end at head (PostgreSQL: advisory lock
and revision re-read; SQLite: the second waits for the file's write lock); a desk older than
the database says which version to install and opens nothing."""

import multiprocessing

import pytest
from sqlalchemy import text

from ptdesk import __version__
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.migrate import (
    WRITTEN_BY_KEY,
    SchemaTooNew,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from tests.services.desk_worker import upgrade


def test_two_desks_upgrading_at_once(empty_db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(upgrade, [empty_db_url, empty_db_url])
    assert results == [head_revision(), head_revision()]
    engine = create_engine_for(empty_db_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            written = conn.execute(text("SELECT value FROM app_settings WHERE key = :k"),
                                   {"k": WRITTEN_BY_KEY}).scalar()
        assert written == __version__
    finally:
        engine.dispose()


def test_older_desk_names_the_version_to_install(migrated_db_url: str) -> None:
    engine = create_engine_for(migrated_db_url)
    try:
        upgrade_to_head(engine)  # records the version that wrote the schema
        with engine.begin() as conn:  # what a newer ptdesk leaves behind
            conn.execute(text("UPDATE alembic_version SET version_num = '0042_from_the_future'"))
            conn.execute(text("UPDATE app_settings SET value = '9.1.0' WHERE key = :k"),
                         {"k": WRITTEN_BY_KEY})
        with pytest.raises(SchemaTooNew) as err:
            upgrade_to_head(engine)
        assert "upgraded by a newer ptdesk (revision 0042_from_the_future)" in err.value.message
        assert "install ptdesk version 9.1.0 or newer" in err.value.message
        assert current_revision(engine) == "0042_from_the_future"  # nothing touched
    finally:
        engine.dispose()
