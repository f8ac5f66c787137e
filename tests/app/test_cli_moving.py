"""Moving in and out from the command line (issue 13): import exit codes, the board as of a
day, the round trip of a generated clinic, billed lines the audit agrees with, FHIR."""

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from ptdesk.app.clock import local_now, local_today
from ptdesk.app.main import main
from ptdesk.demo.clinic import generate_clinic
from ptdesk.domain.renewal import Urgency
from ptdesk.services.authorizations.dtos import RenewalRequestDraft
from ptdesk.services.authorizations.renewals import RenewalService
from ptdesk.storage.engine import create_engine_for, make_session_factory
from ptdesk.storage.migrate import upgrade_to_head

KINDS = ("payers", "patients", "coverages", "authorizations", "visits")
DIFFERENCES = {"UNITS_OVERBILLED", "UNITS_UNDERBILLED", "MODIFIER_MISSING",
               "MODIFIER_UNEXPECTED", "INVALID_ROW", "VISIT_ROWS_NOT_CONTIGUOUS"}


def cli(tmp_path: Path, db: Path, *argv: str) -> int:
    return main(["--data-dir", str(tmp_path / "data"), "--db-url", f"sqlite:///{db}", *argv])


def out_of(capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path, *argv: str) -> str:
    capsys.readouterr()
    assert cli(tmp_path, db, *argv) == 0
    return capsys.readouterr().out


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    good = write(tmp_path / "p.csv", "name,payer_type\nAcme,commercial\n")
    assert cli(tmp_path, db, "import", "payers", str(good)) == 0
    mixed = write(tmp_path / "q.csv", "name,payer_type\nBeta,commercial\nGamma,insurance\n")
    capsys.readouterr()
    assert cli(tmp_path, db, "import", "payers", str(mixed), "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 1
    assert report["refused"][0]["line"] == 3
    assert "payer_type" in report["refused"][0]["reason"]
    assert cli(tmp_path, db, "import", "payers", str(tmp_path / "missing.csv")) == 2
    assert "cannot read the file" in capsys.readouterr().err
    nocol = write(tmp_path / "r.csv", "title\nx\n")
    assert cli(tmp_path, db, "import", "payers", str(nocol)) == 2
    err = capsys.readouterr().err
    assert "no column for name, payer_type" in err
    assert err.count("\n") == 1
    dry = write(tmp_path / "s.csv", "name,payer_type\nDelta,medicaid\n")
    assert cli(tmp_path, db, "import", "payers", str(dry), "--dry-run") == 0
    assert "nothing imported" in capsys.readouterr().out
    listed = out_of(capsys, tmp_path, db, "export", "payers")
    assert [r["name"] for r in csv.DictReader(io.StringIO(listed))] == ["Acme", "Beta"]


def _move(tmp_path: Path, capsys: pytest.CaptureFixture[str], src: Path, dst: Path,
          folder: str) -> None:
    (tmp_path / folder).mkdir()
    for kind in KINDS:
        path = tmp_path / folder / f"{kind}.csv"
        assert cli(tmp_path, src, "export", kind, "--out", str(path)) == 0
        capsys.readouterr()
        assert cli(tmp_path, dst, "import", kind, str(path), "--format", "json") == 0
        report = json.loads(capsys.readouterr().out)
        assert report["refused"] == [], (kind, report["refused"][:3])


def test_round_trip_of_a_generated_clinic(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    eng = create_engine_for(f"sqlite:///{a}")
    upgrade_to_head(eng)
    generate_clinic(make_session_factory(eng), patients=150, today=local_today())
    eng.dispose()
    _move(tmp_path, capsys, a, b, "one")
    _move(tmp_path, capsys, b, c, "two")
    board = {x: out_of(capsys, tmp_path, x, "board", "--format", "json") for x in (a, b, c)}
    # ptdesk's clinic, moved out and in again: the same board, byte for byte
    assert board[b] == board[c]
    # the generated clinic itself: everything the same but the KX dollar words, because the
    # generator prices its lines with the 2025 fees while an import bills them with the
    # engine (the fee schedule of the visit's year), as the session form does
    ga, gb = json.loads(board[a])["patients"], json.loads(board[b])["patients"]
    assert len(ga) == len(gb) > 100
    for pa, pb in zip(ga, gb, strict=True):
        for key in ("chart", "name", "authorizations"):
            assert pa[key] == pb[key]
        ra = [r for r in pa["reasons"] if not r["rule"].startswith("kx_")]
        rb = [r for r in pb["reasons"] if not r["rule"].startswith("kx_")]
        assert ra == rb
    moved = sum(pa["status"] != pb["status"] for pa, pb in zip(ga, gb, strict=True))
    assert moved <= 2  # only a KX band crossed by the different prices, if any
    # billed lines: the audit finds no difference in ptdesk's own work
    today = local_today()
    lines = tmp_path / "lines.csv"
    assert cli(tmp_path, b, "export", "visits", "--from", f"{today.year - 1}-01-01",
               "--to", today.isoformat(), "--out", str(lines)) == 0
    audited = json.loads(out_of(capsys, tmp_path, b, "audit", str(lines), "--bundled-rules"))
    assert audited["summary"]["lines"] > 500
    assert not DIFFERENCES & set(audited["summary"]["findings_by_rule"])
    assert audited["summary"]["units_overbilled"] == audited["summary"]["units_underbilled"] == 0


def test_board_as_of_a_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    today = local_today()
    d = [today - timedelta(days=n) for n in (20, 10, 5)]
    files = {
        "payers": "name,payer_type,requires_authorization\nAcme,commercial,yes\n",
        "patients": "chart,last_name,first_name,date_of_birth\nC1,Rivera,Ana,1961-03-07\n"
                    "C2,Okafor,Ben,1950-04-02\n",
        "coverages": f"chart,payer,member_id,effective\nC1,Acme,M1,{d[0] - timedelta(90)}\n"
                     f"C2,Acme,M2,{d[0] - timedelta(90)}\n",
        "authorizations": f"chart,payer,number,start,end,visits\n"
                          f"C1,Acme,A1,{d[0]},{today + timedelta(40)},3\n",
        "visits": "chart,date,time,status\n" + "".join(
            f"C1,{x},09:00,completed\n" for x in d),
    }
    for kind, text in files.items():
        assert cli(tmp_path, db, "import", kind, str(write(tmp_path / f"{kind}.csv", text))) == 0
    now = json.loads(out_of(capsys, tmp_path, db, "board"))
    then = json.loads(out_of(capsys, tmp_path, db, "board", "--date", d[1].isoformat()))
    assert [p["chart"] for p in now["patients"]] == ["C1", "C2"]
    a_now, a_then = now["patients"][0]["authorizations"][0], then["patients"][0][
        "authorizations"][0]
    assert (a_now["used"], a_now["booked"], a_now["remaining"]) == (3, 0, 0)
    assert (a_then["used"], a_then["booked"], a_then["remaining"]) == (2, 1, 1)
    assert now["patients"][0]["check_in"] == "stop"  # 3 of 3 used
    assert then["patients"][0]["check_in"] in ("go", "warn")
    assert now["patients"][1]["status"] == "none"
    assert now["patients"][1]["check_in"] == "stop"
    assert now["patients"][0]["reasons"][0]["rule"]
    # the stored counts were not touched by the board of another day
    assert json.loads(out_of(capsys, tmp_path, db, "board")) == now
    table = out_of(capsys, tmp_path, db, "board", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["chart"] for r in rows] == ["C1", "C2"]
    assert rows[0]["number"] == "A1"


def test_fhir_bundle_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.db"
    files = {
        "payers": "name,payer_type,requires_authorization\nAcme,commercial,yes\n",
        "patients": "chart,last_name,first_name,date_of_birth,sex,phone\n"
                    "C1,Rivera,Ana,1961-03-07,F,555-0101\n",
        "coverages": "chart,payer,member_id,effective\nC1,Acme,M1,2026-01-01\n",
        "authorizations": "chart,payer,number,start,end,visits,codes\n"
                          "C1,Acme,A1,2026-01-01,2026-12-31,12,97110 97140\n",
    }
    for kind, text in files.items():
        assert cli(tmp_path, db, "import", kind, str(write(tmp_path / f"{kind}.csv", text))) == 0
    eng = create_engine_for(f"sqlite:///{db}")
    RenewalService(make_session_factory(eng)).create(RenewalRequestDraft(
        coverage_id=1, authorization_id=1, visits_requested=8,
        start_requested=local_today(), end_requested=local_today() + timedelta(days=60),
        codes_requested=("97110", "97140"), urgency=Urgency.EXPEDITED,
        sent_at=local_now()), local_now())
    eng.dispose()
    board = json.loads(out_of(capsys, tmp_path, db, "board"))  # with a request awaiting
    assert board["patients"][0]["chart"] == "C1"
    out = tmp_path / "c1.json"
    assert cli(tmp_path, db, "export", "fhir", "--patient", "C1", "--out", str(out)) == 0
    doc = json.loads(out.read_text())
    Bundle.model_validate(doc)  # the R4B models: structure, cardinality, types
    kinds = [e["resource"]["resourceType"] for e in doc["entry"]]
    assert kinds == ["Patient", "Coverage", "Claim"]
    claim = doc["entry"][2]["resource"]
    # bindings the model library does not check
    assert claim["use"] == "preauthorization"
    assert claim["status"] == "active"
    assert claim["type"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}
    assert claim["priority"]["coding"][0]["code"] == "stat"
    assert [i["productOrService"]["coding"][0]["code"] for i in claim["item"]] == [
        "97110", "97140"]
    assert {i["quantity"]["value"] for i in claim["item"]} == {8}
    assert claim["insurance"][0]["coverage"]["reference"] == doc["entry"][1]["fullUrl"]
    assert claim["patient"]["reference"] == doc["entry"][0]["fullUrl"]
    patient = doc["entry"][0]["resource"]
    assert patient["gender"] in ("male", "female", "other", "unknown")
    assert doc["entry"][1]["resource"]["status"] in ("active", "cancelled", "draft",
                                                      "entered-in-error")
    datetime.fromisoformat(claim["created"])
    # deterministic: the same data gives the same bytes
    again = tmp_path / "again.json"
    assert cli(tmp_path, db, "export", "fhir", "--patient", "C1", "--out", str(again)) == 0
    assert again.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert cli(tmp_path, db, "export", "fhir", "--patient", "NOPE") == 2
    assert "NOPE" in capsys.readouterr().err


def test_the_readme_samples_import_cleanly(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    samples = Path(__file__).resolve().parents[2] / "docs" / "import-samples"
    db = tmp_path / "c.db"
    for kind in KINDS:
        capsys.readouterr()
        assert cli(tmp_path, db, "import", kind, str(samples / f"{kind}.csv"),
                   "--format", "json") == 0, capsys.readouterr().out
    board = json.loads(out_of(capsys, tmp_path, db, "board", "--date", "2026-12-01"))
    assert [p["chart"] for p in board["patients"]] == ["C1001", "C1002", "C1003", "C1004"]
    c1002 = board["patients"][1]["authorizations"][0]
    assert (c1002["number"], c1002["used"], c1002["booked"]) == ("SMA-559012", 4, 1)
