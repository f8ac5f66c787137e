"""`ptdesk estimate --patient CHART`: the same JSON as `--scenario` on the same inputs; the
database options before or after the command; bad input exits 2 with one line."""

import json
from pathlib import Path

import pytest

from ptdesk.app.clock import local_now, local_today
from ptdesk.app.main import main
from ptdesk.services.authorizations.panel import PanelService
from ptdesk.services.estimates.desk import EstimateDesk
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.migrate import upgrade_to_head
from tests.services.auth_fixtures import make_clinic


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    eng = create_engine_for(url)
    upgrade_to_head(eng)
    make_clinic(make_session_factory(eng), limit=20)
    eng.dispose()
    return url


def test_patient_json_is_the_scenario_json(db_url: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db-url", db_url, "--data-dir", str(tmp_path), "estimate", "--patient",
                 "C1", "--visits", "5", "--per-week", "1"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert len(got["visits"]) == 5
    assert set(got) == {"visits", "totals", "assumptions"}
    eng = create_engine_for(db_url)
    factory = make_session_factory(eng)
    desk = EstimateDesk(factory, PanelService(factory))
    pid = desk.patient_by_chart("C1")
    scenario = desk.prefill(pid, local_today(), local_now(), visits=5, per_week=1).scenario
    eng.dispose()
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    assert main(["--data-dir", str(tmp_path), "estimate", "--scenario", str(path)]) == 0
    assert json.loads(capsys.readouterr().out) == got


def test_options_after_the_command_and_pdf(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "c1.pdf"
    assert main(["estimate", "--patient", "C1", "--format", "pdf", "--lang", "es", "--out",
                 str(out), "--db-url", db_url, "--data-dir", str(tmp_path)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "field"), [
    (["--patient", "NOPE"], "--patient"),
    (["--patient", "C1", "--format", "pdf"], "--out"),
])
def test_bad_input_exits_2_with_one_line(db_url: str, tmp_path: Path, args: list[str],
                                         field: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db-url", db_url, "--data-dir", str(tmp_path), "estimate", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert field in err[0]


def test_visits_out_of_range_is_refused(db_url: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--db-url", db_url, "estimate", "--patient", "C1", "--visits", "0"])
    assert e.value.code == 2
