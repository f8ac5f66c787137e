"""`ptdesk rules import` of CMS's yearly ICD-10-CM order or codes file (issue 10 item 3): a good
file is in force for its dates and `rules list` shows it; a bad one exits 2 with one line and
stores nothing; a code the new release retired is caught at entry for the dates it covers."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ptdesk.app.main import main
from ptdesk.services.visits.session_billing import SessionBillingService
from ptdesk.storage.engine import create_engine_for, make_session_factory, session_scope
from ptdesk.storage.migrate import upgrade_to_head
from ptdesk.storage.models import ImportedIcd10Code, RuleImport

# (code, billable, description): M25.561 is billable in the shipped April 2026 set and
# "retired" here; M54.5 is a header (a category), never billable.
CODES = (("M54", "0", "Dorsalgia"), ("M545", "0", "Low back pain"),
         ("M5450", "1", "Low back pain, unspecified"),
         ("M5451", "1", "Vertebrogenic low back pain"),
         ("M5459", "1", "Other low back pain"),
         ("Z9989", "1", "Dependence on other enabling machines and devices"))


def order_line(n: int, code: str, flag: str, desc: str) -> str:
    return f"{n:05d} {code:<7} {flag} {desc[:60]:<60} {desc}\n"


def write_order(path: Path) -> Path:
    path.write_text("".join(order_line(i, *c) for i, c in enumerate(CODES, 1)), encoding="ascii")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    eng = create_engine_for(url)
    upgrade_to_head(eng)
    eng.dispose()
    return url


def _run(db_url: str, tmp_path: Path, *args: str) -> int:
    return main(["--db-url", db_url, "--data-dir", str(tmp_path), "rules", *args])


def _imports(db_url: str) -> tuple[int, int]:
    eng = create_engine_for(db_url)
    try:
        with session_scope(make_session_factory(eng)) as s:
            return (s.scalar(select(func.count(RuleImport.id))) or 0,
                    s.scalar(select(func.count(ImportedIcd10Code.id))) or 0)
    finally:
        eng.dispose()


def test_good_order_file_is_in_force_for_its_fiscal_year(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write_order(tmp_path / "icd10cm_order_2027.txt")
    # 4 codes where ~78,000 are in force: most likely cut short, refused unless said so
    assert _run(db_url, tmp_path, "import", str(f)) == 2
    err = capsys.readouterr().err
    assert "would retire 78,06" in err
    assert "is the file complete? Nothing was imported (--allow-retiring" in err
    assert _imports(db_url) == (0, 0)
    assert _run(db_url, tmp_path, "import", str(f), "--allow-retiring") == 0
    out = capsys.readouterr().out
    assert "Imported ICD-10-CM FY2027 from icd10cm_order_2027.txt: 4 billable codes" in out
    assert "2026-10-01 to 2027-09-30" in out
    assert _imports(db_url) == (1, 4)
    assert _run(db_url, tmp_path, "list") == 0
    listed = capsys.readouterr().out
    assert "ICD-10-CM code set: version ICD-10-CM April 2026, in force 2026-04-01 to " \
           "2026-09-30" in listed
    assert "ICD-10-CM code set: version ICD-10-CM FY2027, in force 2026-10-01 to 2027-09-30; " \
           "4 billable codes" in listed
    assert "CMS file icd10cm_order_2027.txt (imported)" in listed
    # the same file again: refused, nothing more stored
    assert _run(db_url, tmp_path, "import", str(f)) == 2
    assert "already imported" in capsys.readouterr().err
    assert _imports(db_url) == (1, 4)


def test_retired_code_is_caught_at_entry_after_the_import(db_url: str, tmp_path: Path) -> None:
    eng = create_engine_for(db_url)
    billing = SessionBillingService(make_session_factory(eng))
    before = billing.check_diagnoses(date(2026, 11, 2), ["M25.561"])
    assert before.errors == {}
    assert before.out_of_date  # only the April 2026 set: used, with a warning
    assert _run(db_url, tmp_path, "import", str(write_order(tmp_path / "icd10cm_order_2027.txt")),
                "--allow-retiring") == 0
    after = billing.check_diagnoses(date(2026, 11, 2), ["M54.50", "M25.561", "M54.5"])
    assert [c for c, _d in after.codes] == ["M5450"]
    assert not after.out_of_date
    assert after.set_name == "ICD-10-CM FY2027"
    assert "not a billable code in ICD-10-CM FY2027" in after.errors["diagnoses.2"]
    assert "category" in after.errors["diagnoses.3"]
    # a visit before the new release keeps the set of its own date
    assert billing.check_diagnoses(date(2026, 9, 30), ["M25.561"]).errors == {}
    assert billing.search_diagnoses(date(2026, 11, 2), "M545") == (
        ("M5450", "Low back pain, unspecified"), ("M5451", "Vertebrogenic low back pain"),
        ("M5459", "Other low back pain"))
    eng.dispose()


def test_codes_file_and_effective_date_option(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "codes.txt"  # the name says no year: --effective gives it
    f.write_text("M5450   Low back pain, unspecified\nZ9989   Dependence on other enabling "
                 "machines and devices\n", encoding="ascii")
    assert _run(db_url, tmp_path, "import", str(f)) == 2
    assert "give --effective" in capsys.readouterr().err
    f2 = tmp_path / "icd10cm_codes_2027.txt"
    f2.write_bytes(f.read_bytes())
    assert _run(db_url, tmp_path, "import", str(f2), "--effective", "2027-04-01",
                "--allow-retiring") == 0
    assert "ICD-10-CM April 2027" in capsys.readouterr().out
    assert _imports(db_url) == (1, 2)


@pytest.mark.parametrize(("name", "text", "words"), [
    ("icd10cm_order_2027.txt", order_line(1, "M5450", "1", "Low back pain") + "00002 M54\n",
     "line 2: not the order file's fixed columns"),
    ("icd10cm_order_2027.txt", order_line(1, "M5450", "1", "x") + order_line(2, "5450", "1", "y"),
     "line 2: '5450' is not an ICD-10-CM code"),
    ("icd10cm_codes_2027.txt", "M5450 Low back pain\nthis is not a code line\n",
     "line 2: expected a code and its description"),
    ("icd10cm_order_2027.txt", order_line(1, "M54", "0", "Dorsalgia"),
     "no billable ICD-10-CM codes"),
])
def test_bad_file_exits_2_with_one_line_and_stores_nothing(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        name: str, text: str, words: str) -> None:
    f = tmp_path / name
    f.write_text(text, encoding="ascii")
    assert _run(db_url, tmp_path, "import", str(f)) == 2
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1, err
    assert _imports(db_url) == (0, 0)


def test_binary_file_and_bad_effective_date(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    z = tmp_path / "icd10cm_order_2027.txt"
    z.write_bytes(b"PK\x03\x04\xff\xfe\x00garbage")
    assert _run(db_url, tmp_path, "import", str(z)) == 2
    assert "not a text file" in capsys.readouterr().err
    good = write_order(tmp_path / "icd10cm_order_2028.txt")
    assert _run(db_url, tmp_path, "import", str(good), "--effective", "2027-13-01") == 2
    assert "--effective: '2027-13-01' is not a date" in capsys.readouterr().err
    assert _imports(db_url) == (0, 0)


def test_a_whole_release_retiring_one_code(db_url: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A release as large as CMS's (every shipped code but M25.561, plus one made-up code) goes in
    without --allow-retiring; the retired code is caught at entry for visits it covers."""
    from ptdesk.storage.icd10_files import shipped_sets

    f = tmp_path / "icd10cm_order_2027.txt"
    with f.open("w", encoding="ascii", errors="replace") as out:
        n = 0
        for code, desc in sorted(shipped_sets()[0].codes.items()):
            if code != "M25561":
                n += 1
                out.write(order_line(n, code, "1", desc))
        out.write(order_line(n + 1, "M5460", "1", "Synthetic new code for this test"))
    assert _run(db_url, tmp_path, "import", str(f)) == 0
    assert "(1 new, 1 retired since the set in force the day before)" in capsys.readouterr().out
    eng = create_engine_for(db_url)
    billing = SessionBillingService(make_session_factory(eng))
    check = billing.check_diagnoses(date(2027, 1, 4), ["M25.561", "M54.60", "M54.50"])
    assert [c for c, _d in check.codes] == ["M5460", "M5450"]
    assert "M25.561 is not a billable code in ICD-10-CM FY2027" in check.errors["diagnoses.1"]
    eng.dispose()
