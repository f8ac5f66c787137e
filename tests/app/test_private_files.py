"""After a first run, the data folder, database, backups and log are the owner's only (0700
folders, 0600 files), whatever the umask; a password typed into --db-url is warned about."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ptdesk.app.main import main
from ptdesk.storage.engine import PG_CONNECT_TIMEOUT_S, connect_args_for, create_engine_for

_FIRST_RUN = """
import os, sys
os.umask(0o022)  # the usual default: 0644 files in 0755 folders
from ptdesk.app.main import main
raise SystemExit(main(["--data-dir", sys.argv[1], "backup"]))
"""


def test_first_run_leaves_nothing_readable_by_others(tmp_path: Path) -> None:
    data = tmp_path / "ptdesk-data"
    done = subprocess.run([sys.executable, "-c", _FIRST_RUN, str(data)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = {}
    for folder, dirs, files in os.walk(data):
        for name in dirs + files:
            path = Path(folder) / name
            seen[str(path.relative_to(data))] = stat.S_IMODE(path.stat().st_mode)
    seen["."] = stat.S_IMODE(data.stat().st_mode)
    assert {"ptdesk.sqlite3", "logs/ptdesk.log", "backups", "logs"} <= set(seen)
    assert any(p.startswith("backups/ptdesk-") for p in seen)
    wrong = {p: oct(m) for p, m in seen.items()
             if m != (0o700 if (data / p).is_dir() else 0o600)}
    assert wrong == {}


def test_postgres_urls_get_a_connect_timeout_and_keep_sslmode() -> None:
    url = make_url("postgresql+psycopg://desk@db.example/ptdesk?sslmode=require")
    assert connect_args_for(url) == {"connect_timeout": PG_CONNECT_TIMEOUT_S}
    assert PG_CONNECT_TIMEOUT_S <= 5
    engine = create_engine_for(url)
    try:
        _args, kwargs = engine.dialect.create_connect_args(engine.url)
        assert kwargs["sslmode"] == "require"  # passed to libpq as given
    finally:
        engine.dispose()
    # a timeout the URL gives wins
    assert connect_args_for(make_url("postgresql+psycopg://h/db?connect_timeout=2")) == {}


def test_a_dead_server_is_answered_within_the_timeout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 192.0.2.1 (TEST-NET-1) never answers: without connect_timeout libpq waits for minutes.
    url = "postgresql+psycopg://desk@192.0.2.1/ptdesk?connect_timeout=1"
    assert main(["--data-dir", str(tmp_path), "--db-url", url, "backup"]) == 2
    assert "Could not open the database" in capsys.readouterr().err


def test_a_password_in_the_url_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://desk:s3cret@127.0.0.1:1/ptdesk?connect_timeout=1"
    assert main(["--data-dir", str(tmp_path), "--db-url", url, "backup"]) == 2
    err = capsys.readouterr().err
    assert "password given in --db-url" in err
    assert "s3cret" not in err
