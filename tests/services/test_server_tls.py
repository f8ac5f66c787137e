"""TLS to a real PostgreSQL server (issue 12 #6): a cluster of this module's own, started with
ssl=on and a certificate signed by a throwaway authority, answers `require` encrypted,
`verify-full` with that authority's certificate, and refuses `verify-full` with another
authority's certificate, in words."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptdesk.services.safekeeping.connection import ConnectionService, ServerSettings
from tests.pg_cluster import PgCluster, _free_port, find_pg_bin

pytestmark = pytest.mark.postgres


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _authority(folder: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", f"{name}.key", "-out", f"{name}.crt", "-subj", f"/CN={name}",
             cwd=folder)


@pytest.fixture(scope="module")
def tls_cluster() -> Iterator[tuple[PgCluster, Path, Path]]:
    bin_dir = find_pg_bin()
    if bin_dir is None or shutil.which("openssl") is None:
        pytest.skip("PostgreSQL server binaries or openssl are not installed")
    root = Path(tempfile.mkdtemp(prefix="ptdesk-pg-tls-"))
    certs = root / "certs"
    certs.mkdir()
    _authority(certs, "clinic-ca")
    _authority(certs, "other-ca")
    (certs / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
             "server.csr", "-subj", "/CN=localhost", cwd=certs)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "clinic-ca.crt", "-CAkey",
             "clinic-ca.key", "-CAcreateserial", "-days", "2", "-out", "server.crt",
             "-extfile", "san.ext", cwd=certs)
    as_user: list[str] = []
    if os.geteuid() == 0:
        for p in (root, certs / "server.key", certs / "server.crt"):
            shutil.chown(p, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(certs / "server.key", 0o600)
    os.chmod(certs, 0o755)
    port = _free_port()
    cluster = PgCluster(root, port, bin_dir, as_user)
    data = root / "data"
    cluster._run("initdb", "-D", str(data), "-U", "ptdesk", "--auth=trust", "-E", "UTF8",
                 "--no-locale")
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c ssl=on "
               f"-c ssl_cert_file={certs / 'server.crt'} -c ssl_key_file={certs / 'server.key'}")
    cluster._run("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
                 "-o", options, "start")
    cluster.createdb("ptdesk_tls")
    try:
        yield cluster, certs / "clinic-ca.crt", certs / "other-ca.crt"
    finally:
        cluster.stop()


def _settings(cluster: PgCluster, sslmode: str, root_cert: Path | None) -> ServerSettings:
    # "localhost" is the name in the server's certificate (verify-full checks it)
    return ServerSettings("localhost", cluster.port, "ptdesk_tls", "ptdesk", sslmode,
                          str(root_cert or ""), 5)


def test_require_connects_encrypted(tls_cluster: tuple[PgCluster, Path, Path],
                                    tmp_path: Path) -> None:
    cluster, _ca, _other = tls_cluster
    check = ConnectionService(tmp_path).test(_settings(cluster, "require", None), None)
    assert check.ok, check.words
    assert check.words.startswith("Connected, encrypted with TLS")


def test_verify_full_with_the_clinic_s_authority(tls_cluster: tuple[PgCluster, Path, Path],
                                                 tmp_path: Path) -> None:
    cluster, ca, _other = tls_cluster
    check = ConnectionService(tmp_path).test(_settings(cluster, "verify-full", ca), None)
    assert check.ok, check.words


def test_verify_full_refuses_a_server_another_authority_did_not_sign(
        tls_cluster: tuple[PgCluster, Path, Path], tmp_path: Path) -> None:
    cluster, _ca, other = tls_cluster
    check = ConnectionService(tmp_path).test(_settings(cluster, "verify-full", other), None)
    assert not check.ok
    assert check.words.startswith("Could not connect")
    assert "certificate" in check.words
