"""`ptdesk estimate --scenario`: JSON out exactly as the issue gives it, PDFs, and every bad
scenario exits 2 with one line naming the field, writing nothing."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ptdesk.app.main import main

ISSUE_SCENARIO: dict[str, Any] = {
    "as_of": "2026-01-12", "payer_type": "commercial",
    "patient": {"name": "Ana Rivera", "date_of_birth": "1961-03-07"},
    "benefits": {"deductible": "1500.00", "deductible_met": "200.00", "deductible_waived": False,
                 "copay": "0.00", "coinsurance_percent": "20", "oop_max": "4000.00",
                 "oop_met": "500.00", "plan_year_start": "01-01", "visit_limit": 20,
                 "visits_used": 4, "auth_visits_left": 8, "auth_end": "2026-03-31"},
    "fees": {"97110": "29.06"}, "self_pay_prices": {"97110": "45.00"},
    "plan_of_care": {"first_visit": "2026-01-13", "visits_per_week": 2, "weeks": 6,
                     "evaluation": "97162", "per_visit": [{"code": "97110", "units": 2}]},
    "diagnoses": ["M54.50"],
}


def write(tmp_path: Path, data: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def ptdesk(tmp_path: Path, *args: str) -> int:
    return main(["--data-dir", str(tmp_path / "data"), "estimate", *args])


def test_json_to_stdout_has_the_issue_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ptdesk(tmp_path, "--scenario", str(write(tmp_path, ISSUE_SCENARIO)))
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(out) == {"visits", "totals", "assumptions"}
    first = out["visits"][0]
    assert set(first) == {"n", "date", "lines", "allowed", "insurance_pays", "patient_pays",
                          "covered", "needs_extension", "if_not_extended", "phase"}
    assert first == {"n": 1, "date": "2026-01-13",
                     "lines": [{"code": "97162", "units": 1, "allowed": "97.86"}],
                     "allowed": "97.86", "insurance_pays": "0.00", "patient_pays": "97.86",
                     "covered": True, "needs_extension": False, "if_not_extended": None,
                     "phase": "deductible"}
    assert out["visits"][8]["needs_extension"] is True
    assert out["visits"][8]["if_not_extended"] == "90.00"
    assert out["totals"] == {"allowed": "737.18", "insurance_pays": "0.00",
                             "patient_pays": "737.18"}
    assert all(isinstance(a, str) for a in out["assumptions"])


def test_json_and_pdf_to_files(tmp_path: Path) -> None:
    src = write(tmp_path, ISSUE_SCENARIO)
    assert ptdesk(tmp_path, "--scenario", str(src), "--out", str(tmp_path / "e.json")) == 0
    assert json.loads((tmp_path / "e.json").read_text())["totals"]["patient_pays"] == "737.18"
    for lang in ("en", "es"):
        out = tmp_path / f"e_{lang}.pdf"
        assert ptdesk(tmp_path, "--scenario", str(src), "--format", "pdf", "--lang", lang,
                      "--out", str(out)) == 0
        assert out.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_self_pay_pdf_is_a_good_faith_estimate(tmp_path: Path) -> None:
    from pypdf import PdfReader

    data = {k: v for k, v in ISSUE_SCENARIO.items() if k != "benefits"}
    data["payer_type"] = "self_pay"
    out = tmp_path / "gfe.pdf"
    assert ptdesk(tmp_path, "--scenario", str(write(tmp_path, data)), "--format", "pdf",
                  "--out", str(out)) == 0
    assert "Good Faith Estimate" in (PdfReader(out).pages[0].extract_text() or "")


def _with(path: str, value: Any) -> dict[str, Any]:
    """The issue's scenario with one field changed (path "benefits.copay"); None removes it."""
    data = copy.deepcopy(ISSUE_SCENARIO)
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is None:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


BAD_SCENARIOS: list[tuple[str, Any, str]] = [
    ("unknown payer type", _with("payer_type", "blue_cross"), "payer_type:"),
    ("negative money", _with("benefits.deductible", "-1.00"), "benefits.deductible:"),
    ("negative fee", _with("fees", {"97110": "-29.06"}), "fees.97110:"),
    ("negative self-pay price", _with("self_pay_prices", {"97110": "-1"}),
     "self_pay_prices.97110:"),
    ("percent over 100", _with("benefits.coinsurance_percent", "101"),
     "benefits.coinsurance_percent:"),
    ("impossible date", _with("plan_of_care.first_visit", "2026-02-30"),
     "plan_of_care.first_visit:"),
    ("impossible as_of", _with("as_of", "2026-00-10"), "as_of:"),
    ("not a date", _with("benefits.auth_end", "next March"), "benefits.auth_end:"),
    ("impossible date of birth", _with("patient.date_of_birth", "1961-02-29"),
     "patient.date_of_birth:"),
    ("unknown code", _with("plan_of_care.per_visit", [{"code": "97999"}]),
     "plan_of_care.per_visit[0].code:"),
    ("unknown evaluation code", _with("plan_of_care.evaluation", "ABCDE"),
     "plan_of_care.evaluation:"),
    ("visits per week 0", _with("plan_of_care.visits_per_week", 0),
     "plan_of_care.visits_per_week:"),
    ("visits per week 8", _with("plan_of_care.visits_per_week", 8),
     "plan_of_care.visits_per_week:"),
    ("no weeks or visits", _with("plan_of_care.weeks", None), "plan_of_care:"),
    ("no first visit", _with("plan_of_care.first_visit", None), "plan_of_care.first_visit:"),
    ("units not a number", _with("plan_of_care.per_visit", [{"code": "97110", "units": "two"}]),
     "plan_of_care.per_visit[0].units:"),
    ("benefits missing for commercial", _with("benefits", None), "benefits:"),
    ("a misspelt benefit", _with("benefits.coinsurance", "20"), "benefits.coinsurance:"),
    ("bad plan year start", _with("benefits.plan_year_start", "02-30"),
     "benefits.plan_year_start:"),
    ("boolean as text", _with("benefits.deductible_waived", "no"),
     "benefits.deductible_waived:"),
    ("bad diagnosis", _with("diagnoses", ["back pain"]), "diagnoses[0]:"),
    ("not JSON", "{\"payer_type\": ", "scenario:"),
    ("not an object", "[1, 2]", "scenario:"),
]


@pytest.mark.parametrize(("why", "data", "field"), BAD_SCENARIOS,
                         ids=[b[0] for b in BAD_SCENARIOS])
@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_bad_scenario_exits_2_one_line_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], why: str, data: Any, field: str,
    fmt: str,
) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"previous estimate")
    code = ptdesk(tmp_path, "--scenario", str(write(tmp_path, data)), "--format", fmt,
                  "--out", str(out))
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"ptdesk estimate: {field}"), lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert out.read_bytes() == b"previous estimate"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        f"out.{fmt}", "scenario.json"]


def test_comments_are_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {**_with("benefits._note", "checked by phone"), "comment": "caller from the ad"}
    assert ptdesk(tmp_path, "--scenario", str(write(tmp_path, data))) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["patient_pays"] == "737.18"


def test_missing_file_and_pdf_without_out_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ptdesk(tmp_path, "--scenario", str(tmp_path / "nope.json")) == 2
    assert "scenario:" in capsys.readouterr().err
    src = write(tmp_path, ISSUE_SCENARIO)
    assert ptdesk(tmp_path, "--scenario", str(src), "--format", "pdf") == 2
    assert "--out:" in capsys.readouterr().err


def test_a_good_faith_estimate_for_an_insured_patient_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gfe.pdf"
    code = ptdesk(tmp_path, "--scenario", str(write(tmp_path, ISSUE_SCENARIO)), "--format",
                  "pdf", "--document", "gfe", "--out", str(out))
    assert code == 2
    assert "uninsured and self-pay patients only" in capsys.readouterr().err
    assert not out.exists()


def test_patient_name_is_not_logged(tmp_path: Path) -> None:
    ptdesk(tmp_path, "--scenario", str(write(tmp_path, ISSUE_SCENARIO)))
    ptdesk(tmp_path, "--scenario", str(write(tmp_path, _with("payer_type", "x"))))
    for log in (tmp_path / "data").rglob("*.log"):
        text = log.read_text()
        assert "Ana Rivera" not in text
        assert "1961-03-07" not in text
