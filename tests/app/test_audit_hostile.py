"""`ptdesk audit` on hostile files: exit 0 or 2 with one line, bounded memory, never half a report.

The large files run in a child process that reports its own peak RSS (resource.getrusage), so
a memory bound is asserted rather than hoped for.
"""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdesk.app import cli_audit
from ptdesk.services.billing import audit_output

HEADER = (
    "visit_id,date,patient_id,payer_type,code,minutes,billed_units,allowed_amount,"
    "ytd_allowed_before\n"
)
MAX_RSS_MB = 300
CHILD = (
    "import resource, sys\n"
    "from ptdesk.app.main import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
    "           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "print(f'PEAK_KB {peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def audit_child(tmp_path: Path, src: Path | str, *extra: str) -> tuple[int, str, int]:
    """(exit code, stderr without the RSS line, peak RSS in MB) of `ptdesk audit` in a child."""
    argv = [sys.executable, "-c", CHILD, "--data-dir", str(tmp_path / "data"), "audit", str(src),
            "--bundled-rules", *extra]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    lines = proc.stderr.splitlines()
    peak = [int(x.split()[1]) for x in lines if x.startswith("PEAK_KB ")]
    rest = "\n".join(x for x in lines if not x.startswith("PEAK_KB "))
    return proc.returncode, rest, (peak[0] if peak else 0) // 1024


def in_process(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    cli_audit.register(sub)
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.mark.parametrize("amount", ["1e30", "1e999999999", "NaN", "inf", "-inf", "sNaN",
                                    "9" * 300, "1e-999999999"])
def test_an_impossible_amount_is_an_invalid_row(tmp_path: Path, amount: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + f"v1,2026-08-03,P1,commercial,97110,30,2,{amount},\n"
                   f"v2,2026-08-03,P2,medicare,97110,30,2,,{amount}\n"
                   "v3,2026-08-03,P3,commercial,97110,30,2,,\n")
    out = tmp_path / "out.json"
    assert in_process(["audit", str(src), "--bundled-rules", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["summary"]["visits"] >= 1  # v3 at least is audited
    for v in doc["visits"][:2]:
        if amount != "1e-999999999":  # a tiny amount is a real (if odd) amount
            assert [f["rule"] for f in v["findings"]] == ["INVALID_ROW"]


def test_a_fifo_a_device_and_a_folder_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading must not wait
    for src in (fifo, Path("/dev/zero"), tmp_path):
        code, err, _ = audit_child(tmp_path, src)
        assert code == 2, err
        assert len(err.splitlines()) == 1
        assert err.startswith("ptdesk audit: cannot read")


def test_a_10mb_field_of_newlines_in_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w") as f:
        f.write(HEADER + "v1,2026-08-03,P1,medicare,97110,30,2,,\n")
        f.write('v2,2026-08-03,"' + "\n" * 10_000_000 + '",medicare,97110,30,2,,\n')
        f.write("v3,2026-08-03,P3,medicare,97110,30,2,,\n")
        f.write("v4,2026-08-03," + "x" * 3_000_000 + ",medicare,97110,30,2,,\n")  # one long line
    out = tmp_path / "out.csv"
    code, err, peak = audit_child(tmp_path, src, "--format", "csv", "--out", str(out))
    assert code == 0, err
    assert peak < MAX_RSS_MB
    rows = list(csv.DictReader(out.open()))
    assert any(r["rule"] == "INVALID_ROW" for r in rows)


def test_400k_rows_of_one_visit_in_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    with src.open("w") as f:
        f.write(HEADER)
        f.writelines("v1,2026-08-03,P1,commercial,97110,0,0,,\n" for _ in range(400_000))
    out = tmp_path / "out.json"
    code, err, peak = audit_child(tmp_path, src, "--out", str(out))
    assert code == 0, err
    assert peak < MAX_RSS_MB
    doc = json.loads(out.read_text())
    (visit,) = doc["visits"]
    invalid = [f for f in visit["findings"] if f["rule"] == "INVALID_ROW"]
    assert len(invalid) == 1
    assert "more than 1,000 rows" in invalid[0]["message"]
    assert "399,000 rows from here on" in invalid[0]["message"]


def test_a_failure_leaves_no_half_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "".join(f"v{i},2026-08-03,P1,medicare,97110,30,2,,\n"
                                    for i in range(50)))
    out = tmp_path / "out.json"
    out.write_text("yesterday's report")
    calls = []

    def boom(self: object, *args: object) -> str:
        calls.append(1)
        if len(calls) > 10:
            raise RuntimeError("disk gone")
        return original(self, *args)  # type: ignore[arg-type]

    original = audit_output.Renderer.visit
    monkeypatch.setattr(audit_output.Renderer, "visit", boom)
    assert in_process(["audit", str(src), "--bundled-rules", "--out", str(out)]) == 1
    assert out.read_text() == "yesterday's report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.json"]
    calls.clear()
    capsys.readouterr()
    assert in_process(["audit", str(src), "--bundled-rules"]) == 1
    assert capsys.readouterr().out == ""  # stdout: nothing rather than half a JSON document


PIECES = ["v1", "v2", "", "2026-08-03", "2026-02-30", "medicare", "self_pay", "97110", "97140",
          "30", "-1", "1e30", "NaN", "2", '"', '""', ",", "\n", "\r", "\x00", "é", "x" * 300]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map(lambda xs: HEADER + ",".join(xs)),
    st.binary(max_size=400).map(lambda b: HEADER + b.decode("latin-1")),
    st.text(max_size=300),
))
def test_random_files_exit_0_or_2(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("rnd")
    src = folder / "in.csv"
    src.write_bytes(text.encode("utf-8", "surrogatepass"))
    for fmt in ("json", "csv"):
        out = folder / f"out.{fmt}"
        code = in_process(["audit", str(src), "--bundled-rules", "--format", fmt,
                           "--out", str(out)])
        assert code in (0, 2)
        if code == 0 and fmt == "json":
            json.loads(out.read_text())
