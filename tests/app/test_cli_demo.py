"""`ptdesk demo generate`: fills the demo clinic's database (or --db-url), refuses a full one."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ptdesk.app.main import main
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.models import Patient, Visit


def _counts(url: str) -> tuple[int, int]:
    engine = create_engine_for(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            return (
                s.scalar(select(func.count(Patient.id))) or 0,
                s.scalar(select(func.count(Visit.id))) or 0,
            )
    finally:
        engine.dispose()


def test_generate_fills_the_demo_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "demo",
            "generate",
            "--patients",
            "25",
            "--data-dir",
            str(tmp_path),
            "--today",
            "2025-11-24",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "generated 25 of 25 patients" in out
    assert "Synthetic clinic generated" in out
    assert "25 patients" in out
    demo_db = tmp_path / "demo" / "ptdesk-demo.sqlite3"
    assert demo_db.exists()
    assert not (tmp_path / "ptdesk.sqlite3").exists()  # never the real clinic's file
    assert _counts(f"sqlite:///{demo_db}")[0] == 25


def test_generate_exact_visits_into_a_url_and_refuse_a_full_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    argv = [
        "--data-dir",
        str(tmp_path),
        "demo",
        "generate",
        "--patients",
        "12",
        "--visits-per-patient",
        "7",
        "--db-url",
        url,
        "--seed",
        "3",
    ]
    assert main(argv) == 0
    assert _counts(url) == (12, 84)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "already has patients" in err
    assert _counts(url) == (12, 84)


def test_generate_rejects_a_negative_size(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "generate", "--patients", "-3"])
    assert "must be 0 or more" in capsys.readouterr().err
