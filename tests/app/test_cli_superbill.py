"""`ptdesk superbill VISIT_ID --out FILE.pdf`: the visit's summary saved (a voided visit marked
VOID), recorded as an export; bad input exits 2 with one line naming the problem."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from ptdesk.app.main import main
from ptdesk.demo.paper import CHART
from ptdesk.domain.payers import VisitStatus
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.models import AuditEntry, Patient, Visit


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert main(["--demo", "--data-dir", str(folder), "rules", "list"]) == 0  # builds the demo
    return folder


def _db(folder: Path) -> str:
    return f"sqlite:///{next(folder.rglob('*.sqlite3'))}"


def _visits(folder: Path) -> dict[VisitStatus, int]:
    eng = create_engine_for(_db(folder))
    try:
        with session_scope(make_session_factory(eng)) as s:
            pid = s.scalars(select(Patient.id).where(Patient.chart_number == CHART)).one()
            rows = s.execute(select(Visit.status, Visit.id).where(Visit.patient_id == pid)
                             .order_by(Visit.id)).all()
            return {status: vid for status, vid in rows}
    finally:
        eng.dispose()


def _exports(folder: Path) -> int:
    eng = create_engine_for(_db(folder))
    try:
        with session_scope(make_session_factory(eng)) as s:
            return len(s.scalars(select(AuditEntry.id).where(AuditEntry.action == "export",
                                                              AuditEntry.table_name == "visits"))
                       .all())
    finally:
        eng.dispose()


def test_saves_the_summary_and_records_it(demo_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    visits = _visits(demo_dir)
    out = tmp_path / "void.pdf"
    before = _exports(demo_dir)
    assert main(["--demo", "--data-dir", str(demo_dir), "superbill",
                 str(visits[VisitStatus.VOIDED]), "--out", str(out)]) == 0
    assert "marked VOID" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Visit summary (superbill) — VOID" in text
    assert "Quintero, Alba" in text
    assert _exports(demo_dir) == before + 1


@pytest.mark.parametrize(("visit", "words"), [
    ("999999", "visit 999999: This visit is no longer in the database."),
    ("booked", "has no services recorded"),
])
def test_bad_visit_exits_2_with_one_line(demo_dir: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str],
                                         visit: str, words: str) -> None:
    if visit == "booked":
        eng = create_engine_for(_db(demo_dir))
        with session_scope(make_session_factory(eng)) as s:
            visit = str(s.scalars(select(Visit.id).where(Visit.status == VisitStatus.BOOKED)
                                  .limit(1)).one())
        eng.dispose()
    out = tmp_path / "x.pdf"
    assert main(["--demo", "--data-dir", str(demo_dir), "superbill", visit, "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert words in err[0]
    assert not out.exists()


def test_unwritable_out_exits_2(demo_dir: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    visits = _visits(demo_dir)
    out = tmp_path / "no-such-folder" / "x.pdf"
    assert main(["--demo", "--data-dir", str(demo_dir), "superbill",
                 str(visits[VisitStatus.COMPLETED]), "--out", str(out)]) == 2
    assert "--out: cannot write" in capsys.readouterr().err
