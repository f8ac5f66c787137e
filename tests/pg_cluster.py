"""A throwaway PostgreSQL cluster for the test run, when the server's binaries are installed.

Mirrors the recipe verified in shared/STACK.md: initdb in a temp dir (as the `postgres` user
when running as root, since initdb refuses root), listen on loopback only, fsync off.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PgCluster:
    root: Path
    port: int
    bin_dir: Path
    as_user: list[str]

    @property
    def base_url(self) -> str:
        return f"postgresql+psycopg://ptdesk@127.0.0.1:{self.port}"

    def createdb(self, name: str, template: str | None = None) -> str:
        extra = ["--template", template] if template else []
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "ptdesk", *extra, name)
        return f"{self.base_url}/{name}"

    def dropdb(self, name: str) -> None:
        self._run(
            "dropdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "ptdesk", "--force", name
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )


def find_pg_bin() -> Path | None:
    explicit = os.environ.get("PTDESK_PG_BIN")
    if explicit:
        return Path(explicit)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for c in reversed(candidates):
        if (Path(c) / "initdb").exists():
            return Path(c)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster() -> PgCluster | None:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        return None
    root = Path(tempfile.mkdtemp(prefix="ptdesk-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    cluster = PgCluster(root, port, bin_dir, as_user)
    data = root / "data"
    cluster._run(
        "initdb", "-D", str(data), "-U", "ptdesk", "--auth=trust", "-E", "UTF8", "--no-locale"
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off"
    )
    cluster._run(
        "pg_ctl",
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        options,
        "start",
    )
    return cluster
