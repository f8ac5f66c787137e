"""PostgreSQL connection settings (issue 12 #6): TLS mode and timeout reach libpq, a server
that never answers cannot hang start-up, the password goes to the OS keyring or ~/.pgpass
(0600) and never into connection.json or a command line, only a manager changes them."""

import argparse
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.permissions import NotPermitted, Role
from ptdesk.services.safekeeping.connection import ConnectionService
from ptdesk.storage.actor import Actor, acting_as
from ptdesk.storage.server_connection import ServerSettings, read_settings, settings_file
from tests.pg_cluster import PgCluster

SECRET = "s3cr:et\\pw"  # a colon and a backslash: .pgpass escapes both


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def no_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    yield tmp_path / "pgpass"
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    yield ring
    keyring.set_keyring(before)


def _settings(**kw: object) -> ServerSettings:
    base: dict[str, object] = {"host": "db.clinic.lan", "port": 5432, "database": "ptdesk",
                               "user": "desk"}
    base.update(kw)
    return ServerSettings(**base)  # type: ignore[arg-type]


def test_the_url_carries_tls_and_timeout_and_hides_the_password() -> None:
    url = _settings(sslmode="verify-full", sslrootcert="/etc/ca.crt").url(SECRET)
    assert url.query["sslmode"] == "verify-full"
    assert url.query["sslrootcert"] == "/etc/ca.crt"
    assert url.query["connect_timeout"] == "5"
    assert SECRET not in str(url)
    assert SECRET not in repr(url)


def test_without_a_keyring_the_password_goes_to_pgpass_0600(
        tmp_path: Path, no_keyring: Path) -> None:
    service = ConnectionService(tmp_path)
    assert "no system keyring" in service.load().password_store
    words = service.save(_settings(), SECRET)
    assert "readable by this account only" in words
    assert stat.S_IMODE(no_keyring.stat().st_mode) == 0o600
    assert no_keyring.read_text().splitlines() == ["db.clinic.lan:5432:ptdesk:desk:s3cr\\:et\\\\pw"]
    service.save(_settings(), "another")  # the line is replaced, not added
    assert len(no_keyring.read_text().splitlines()) == 1
    config = settings_file(tmp_path)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert "another" not in config.read_text()
    assert "password" not in config.read_text()
    assert read_settings(config) == _settings()
    assert service.load().password_saved


def test_with_a_keyring_the_password_stays_out_of_files(
        tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    service = ConnectionService(tmp_path)
    words = service.save(_settings(), SECRET)
    assert "keyring" in words
    assert memory_keyring.items == {("ptdesk", "desk@db.clinic.lan:5432/ptdesk"): SECRET}
    assert not (tmp_path / "pgpass").exists()
    assert SECRET not in settings_file(tmp_path).read_text()


def test_bad_settings_are_refused_by_field(tmp_path: Path, no_keyring: Path) -> None:
    service = ConnectionService(tmp_path)
    with pytest.raises(ValidationErrors) as bad:
        service.save(_settings(host="", port=0, sslmode="verify-full"), None)
    assert set(bad.value.errors) == {"host", "port", "sslrootcert"}
    assert not settings_file(tmp_path).exists()


def test_only_a_manager_changes_the_connection(tmp_path: Path, no_keyring: Path) -> None:
    service = ConnectionService(tmp_path)
    with acting_as(Actor("Desk", frozenset({Role.FRONT_DESK, Role.BILLER}))), \
            pytest.raises(NotPermitted):
        service.save(_settings(), SECRET)
    assert not settings_file(tmp_path).exists()
    assert not no_keyring.exists()


def test_a_server_that_never_answers_cannot_hang(tmp_path: Path, no_keyring: Path) -> None:
    """A port that takes the connection and never speaks: libpq's connect_timeout ends it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # never accept()ed, never answered
    port = listener.getsockname()[1]
    service = ConnectionService(tmp_path)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(
        service.test(_settings(host="127.0.0.1", port=port, connect_timeout=1), "pw")))
    try:
        worker.start()
        worker.join(60)  # a bound for the test run, not a timing assertion
        assert not worker.is_alive(), "the connection attempt hung"
    finally:
        listener.close()
    check = result[0]
    assert not check.ok  # type: ignore[attr-defined]
    assert "Could not connect" in check.words  # type: ignore[attr-defined]


def test_start_up_on_a_dead_server_says_so_in_words(
        tmp_path: Path, no_keyring: Path) -> None:
    from ptdesk.app.context import DatabaseUnavailable, open_context

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    ConnectionService(tmp_path).save(_settings(host="127.0.0.1", port=port,
                                               connect_timeout=1), None)
    try:
        with pytest.raises(DatabaseUnavailable, match="Could not open the database"):
            open_context(argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False))
    finally:
        listener.close()


@pytest.mark.postgres
def test_the_saved_server_opens_and_require_reaches_libpq(
        tmp_path: Path, no_keyring: Path, pg_cluster: PgCluster | None) -> None:
    import os

    from ptdesk.app.context import DatabaseUnavailable, open_context

    if os.environ.get("PTDESK_TEST_PG_URL"):
        url = make_url(os.environ["PTDESK_TEST_PG_URL"])
    elif pg_cluster is not None:
        url = make_url(pg_cluster.createdb(f"ptdesk_conn{os.getpid()}"))
    else:
        pytest.skip("PostgreSQL server binaries are not installed")
    settings = _settings(host=url.host, port=url.port, database=url.database, user=url.username)
    service = ConnectionService(tmp_path)
    service.save(settings, None)
    check = service.test(settings, None)
    assert check.ok
    assert "NOT encrypted" in check.words
    args = argparse.Namespace(data_dir=str(tmp_path), db_url=None, demo=False)
    ctx = open_context(args)
    try:
        assert ctx.db_label == f"server {url.host}/{url.database}"
        assert ctx.engine.url.query["sslmode"] == "prefer"
    finally:
        ctx.close()
    service.save(_settings(host=url.host, port=url.port, database=url.database,
                           user=url.username, sslmode="require"), None)
    with pytest.raises(DatabaseUnavailable, match="SSL"):
        open_context(args)
