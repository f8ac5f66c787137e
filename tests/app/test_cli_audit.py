"""`ptdesk audit` as a command: exit codes, stderr, output files."""

import argparse
import json
from pathlib import Path

import pytest

from ptdesk.app import cli_audit, cli_rules


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--db-url")
    parser.add_argument("--demo", action="store_true")
    sub = parser.add_subparsers()
    cli_audit.register(sub)
    cli_rules.register(sub)
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    args = parse(argv)
    return int(args.handler(args))


GOOD = (
    "visit_id,date,patient_id,payer_type,code,minutes,billed_units,billed_modifiers\n"
    "v1,2026-08-03,SECRET-PATIENT,medicare,97110,33,3,GP\n"
    "v1,2026-08-03,SECRET-PATIENT,medicare,97140,7,1,GP\n"
)


def test_audit_to_file_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text(GOOD)
    out = tmp_path / "out.json"
    code = run(["--data-dir", str(tmp_path / "data"), "audit", str(src), "--out", str(out)])
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["summary"]["findings_by_rule"] == {"UNITS_OVERBILLED": 1}
    err = capsys.readouterr().err
    assert "SECRET-PATIENT" not in err


def test_audit_csv_to_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text(GOOD)
    assert run(["audit", str(src), "--format", "csv", "--bundled-rules"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("visit_id,date,patient_id")
    assert "UNITS_OVERBILLED" in out


@pytest.mark.parametrize(
    ("content", "why"),
    [(None, "does not exist"), ("", "empty"), ("a,b\n1,2\n", "no column")],
    ids=["missing", "empty", "wrong-columns"],
)
def test_unreadable_exit_2_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, why: str
) -> None:
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_text(content)
    assert run(["audit", str(src), "--bundled-rules"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert why in err
    assert "Traceback" not in err


def test_directory_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["audit", str(tmp_path), "--bundled-rules"]) == 2
    assert "folder" in capsys.readouterr().err


def test_rules_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(tmp_path), "rules", "list"]) == 0
    out = capsys.readouterr().out
    for name in (
        "codes",
        "kx_thresholds",
        "mue",
        "ncci_ptp",
        "fee_schedule",
        "payer_modifier_policy",
    ):
        assert f"{name}: version" in out
    assert "secondary source only" in out


def test_help_lists_every_column_and_both_date_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    """README: "`ptdesk audit --help` lists the columns"."""
    from ptdesk.services.billing.audit import CSV_COLUMNS
    from ptdesk.services.billing.audit_rows import OPTIONAL, REQUIRED

    with pytest.raises(SystemExit) as info:
        parse(["audit", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    listed = {line.split()[0] for line in text.splitlines() if line.startswith("    ")}
    assert set(REQUIRED) | set(OPTIONAL) <= listed
    assert ", ".join(CSV_COLUMNS) in text
    assert "YYYY-MM-DD or MM/DD/YYYY" in text


def test_us_dates_accepted_from_the_command_line(tmp_path: Path) -> None:
    src = tmp_path / "claims.csv"
    src.write_text(GOOD.replace("2026-08-03", "08/03/2026"), encoding="utf-8")
    out = tmp_path / "out.json"
    assert run(["audit", str(src), "--bundled-rules", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["visits"][0]["date"] == "2026-08-03"
    assert doc["summary"]["invalid_rows"] == 0
