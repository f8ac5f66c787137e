"""`ptdesk encryption` and the other commands on an encrypted clinic: the secret comes from
PTDESK_PASSPHRASE (never an argument), a missing or wrong one exits 2 with one line, `backup`
writes an encrypted copy and `restore` puts it back."""

import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from ptdesk.app.main import main
from ptdesk.storage.cipher import is_encrypted

PASS = "correct horse battery staple"


@pytest.fixture
def data_dir(tmp_path: Path, _sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(_sqlite_template, folder / "ptdesk.sqlite3")
    monkeypatch.delenv("PTDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: never a prompt
    return folder


def test_on_prints_the_recovery_key_once_and_commands_need_the_secret(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    d = ["--data-dir", str(data_dir)]
    monkeypatch.setenv("PTDESK_NEW_PASSPHRASE", PASS)
    assert main([*d, "encryption", "on"]) == 0
    out = capsys.readouterr().out
    recovery = out.strip().splitlines()[-1].strip()
    assert len(recovery.replace("-", "")) == 52
    assert is_encrypted(data_dir / "ptdesk.sqlite3")

    assert main([*d, "encryption", "status"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "PTDESK_PASSPHRASE" in err

    monkeypatch.setenv("PTDESK_PASSPHRASE", "a wrong passphrase")
    assert main([*d, "encryption", "status"]) == 2
    err = capsys.readouterr().err
    assert "does not open this database" in err
    assert "Traceback" not in err

    monkeypatch.setenv("PTDESK_PASSPHRASE", recovery)
    assert main([*d, "encryption", "status"]) == 0
    assert capsys.readouterr().out.startswith("encrypted")

    monkeypatch.setenv("PTDESK_PASSPHRASE", PASS)
    assert main([*d, "backup"]) == 0
    copy = Path(capsys.readouterr().out.split("backup written: ")[1].split(";")[0].strip())
    assert is_encrypted(copy)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(copy).execute("SELECT 1 FROM patients")

    assert main([*d, "restore", str(copy)]) == 0
    assert is_encrypted(data_dir / "ptdesk.sqlite3")
    assert main([*d, "verify-audit"]) == 0


def test_a_new_passphrase_too_short_exits_2_naming_it(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTDESK_NEW_PASSPHRASE", "short")
    assert main(["--data-dir", str(data_dir), "encryption", "on"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ptdesk: passphrase:")
    assert "10 characters" in err
    assert not is_encrypted(data_dir / "ptdesk.sqlite3")


def test_an_encrypted_file_named_by_db_url_is_unlocked_too(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTDESK_NEW_PASSPHRASE", PASS)
    assert main(["--data-dir", str(data_dir), "encryption", "on"]) == 0
    capsys.readouterr()
    url = f"sqlite:///{data_dir / 'ptdesk.sqlite3'}"
    assert main(["--db-url", url, "verify-audit"]) == 2
    assert "PTDESK_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("PTDESK_PASSPHRASE", PASS)
    assert main(["--db-url", url, "verify-audit"]) == 0


def test_restore_refuses_while_this_computer_opens_a_server(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ptdesk.storage.server_connection import ServerSettings, settings_file, write_settings

    write_settings(settings_file(data_dir), ServerSettings("db.clinic.lan", 5432, "ptdesk",
                                                           "desk"))
    assert main(["--data-dir", str(data_dir), "restore", str(data_dir / "ptdesk.sqlite3")]) == 2
    assert "pg_restore" in capsys.readouterr().err
