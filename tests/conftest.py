"""Fixtures shared by the whole suite: a fresh, migrated database per test, on SQLite and on a
PostgreSQL server the suite starts itself (when its binaries are installed)."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
# The window remembers its size and last page in QSettings: never the tester's own, and not
# for the ptdesk started in a subprocess either (Qt on Linux keeps them under XDG_CONFIG_HOME).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="ptdesk-test-config-")

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.migrate import upgrade_to_head
from tests.pg_cluster import PgCluster, start_cluster

_db_counter = itertools.count()


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts with no remembered window state (QSettings in a folder of its own)."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("settings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture(autouse=True)
def _signed_in() -> Iterator[None]:
    """Every test acts as a signed-in person holding every role (services check permissions,
    issue 12); tests of refusals and of sign-in set their own actor."""
    from ptdesk.domain.permissions import Role
    from ptdesk.storage.actor import Actor, set_actor

    set_actor(Actor("Test manager", frozenset(Role)))
    yield
    set_actor(None)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | None]:
    """The suite's own PostgreSQL, or None. PTDESK_TEST_PG_URL points at an existing one."""
    if os.environ.get("PTDESK_TEST_PG_URL") or os.environ.get("PTDESK_TEST_NO_PG"):
        yield None
        return
    try:
        cluster = start_cluster()
    except Exception as exc:  # a broken local install must not hide the SQLite results
        pytest.skip(f"could not start PostgreSQL: {exc}")
    yield cluster
    if cluster is not None:
        cluster.stop()


def _pg_url(cluster: PgCluster | None) -> str | None:
    if os.environ.get("PTDESK_TEST_PG_URL"):
        return os.environ["PTDESK_TEST_PG_URL"]
    if cluster is None:
        return None
    return cluster.createdb(f"ptdesk_t{os.getpid()}_{next(_db_counter)}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a temp file for SQLite, a new database on the server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = _pg_url(cluster)
    if url is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    yield url
    if cluster is not None and not os.environ.get("PTDESK_TEST_PG_URL"):
        cluster.dropdb(url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test gets a copy (a copy is ~100x faster than
    running every migration again)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    eng = create_engine_for(f"sqlite:///{path}")
    upgrade_to_head(eng)
    eng.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_template(pg_cluster: PgCluster | None) -> str | None:
    """The same for PostgreSQL: a migrated database that CREATE DATABASE ... TEMPLATE copies."""
    if pg_cluster is None:
        return None
    name = f"ptdesk_template_{os.getpid()}"
    eng = create_engine_for(pg_cluster.createdb(name))
    upgrade_to_head(eng)
    eng.dispose()
    return name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the newest schema, empty of rows, on each backend."""
    if request.param == "sqlite":
        target = tmp_path / "clinic.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    if os.environ.get("PTDESK_TEST_PG_URL"):
        url = os.environ["PTDESK_TEST_PG_URL"]
        eng = create_engine_for(url)
        upgrade_to_head(eng)
        eng.dispose()
        yield url
        return
    cluster: PgCluster | None = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("_pg_template")
    if cluster is None or template is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    name = f"ptdesk_t{os.getpid()}_{next(_db_counter)}"
    url = cluster.createdb(name, template=template)
    yield url
    cluster.dropdb(name)


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Engine]:
    """A migrated database (schema at head), empty of rows."""
    eng = create_engine_for(migrated_db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def sqlite_session_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[sessionmaker[Session]]:
    """SQLite only: for GUI tests, where a second backend adds time and no coverage."""
    target = tmp_path / "gui.sqlite3"
    shutil.copyfile(request.getfixturevalue("_sqlite_template"), target)
    eng = create_engine_for(f"sqlite:///{target}")
    yield make_session_factory(eng)
    eng.dispose()
