"""The streaming audit service."""

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.services.billing.audit import AuditInputError, audit_stream
from ptdesk.storage.rule_tables import load_bundled_ruleset
from tests.services.audit_oracle import audit_stream_reference

RULES = load_bundled_ruleset()

HEADER = (
    "visit_id,date,patient_id,payer_type,unit_method,code,minutes,assistant_minutes,"
    "billed_units,billed_modifiers,ytd_allowed_before,allowed_amount,auth_visits,auth_start,"
    "auth_end,auth_codes,visit_number\n"
)


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_bundled_ruleset()


def run(text: str, rules: RuleSet, fmt: str = "json") -> tuple[str, object]:
    out = io.StringIO()
    summary = audit_stream(io.StringIO(text), out, fmt, rules)
    return out.getvalue(), summary


def test_json_schema_and_findings(rules: RuleSet) -> None:
    text = HEADER + (
        "v1,2026-08-03,P1,medicare,,97110,33,,3,GP,,,,,,,\n"
        "v1,2026-08-03,P1,medicare,,97140,7,,0,GP,,,,,,,\n"
        "v2,2026-08-04,P2,commercial,ama,97110,10,,1,GP;59,,,12,2026-01-01,2026-12-31,"
        "97110 97112,13\n"
    )
    out, _ = run(text, rules)
    doc = json.loads(out)
    assert set(doc) >= {"visits", "summary"}
    v1, v2 = doc["visits"]
    assert {"visit_id", "date", "patient_id", "total_timed_minutes", "lines", "findings"} <= set(v1)
    assert v1["total_timed_minutes"] == 40
    assert {"code", "minutes", "units", "modifiers"} <= set(v1["lines"][0])
    assert [(x["code"], x["units"]) for x in v1["lines"]] == [("97110", 2), ("97140", 1)]
    rules_v1 = sorted(f["rule"] for f in v1["findings"])
    assert rules_v1 == ["UNITS_OVERBILLED", "UNITS_UNDERBILLED"]
    for f in v1["findings"]:
        assert {"rule", "severity", "code", "message", "source"} <= set(f)
    assert "explanation" in v1
    assert [f["rule"] for f in v2["findings"]] == ["AUTH_VISITS_EXCEEDED"]
    s = doc["summary"]
    assert {"visits", "lines", "findings_by_rule", "units_overbilled", "units_underbilled"} <= set(
        s
    )
    assert (s["visits"], s["lines"], s["units_overbilled"], s["units_underbilled"]) == (2, 3, 1, 1)


BAD_ROWS = [
    ("unknown-payer", "v,2026-01-05,P,aetna,,97110,15,,,,,,,,,,", "payer_type"),
    ("negative-minutes", "v,2026-01-05,P,medicare,,97110,-3,,,,,,,,,,", "negative"),
    ("non-numeric-minutes", "v,2026-01-05,P,medicare,,97110,ten,,,,,,,,,,", "whole number"),
    ("impossible-date", "v,2026-02-30,P,medicare,,97110,15,,,,,,,,,,", "not a real date"),
    ("over-24-hours", "v,2026-01-05,P,medicare,,97110,1441,,,,,,,,,,", "24 hours"),
    ("assistant-over-total", "v,2026-01-05,P,medicare,,97110,10,11,,,,,,,,,", "assistant"),
    ("bad-method", "v,2026-01-05,P,medicare,rule8,97110,10,,,,,,,,,,", "unit_method"),
]


@pytest.mark.parametrize(("row", "words"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS])
def test_bad_row_is_invalid_row_and_rest_audited(rules: RuleSet, row: str, words: str) -> None:
    text = HEADER + "a,2026-01-05,P,medicare,,97110,15,,1,GP,,,,,,,\n" + row + "\n"
    text += "z,2026-01-05,P,medicare,,97110,15,,2,GP,,,,,,,\n"
    doc = json.loads(run(text, rules)[0])
    bad = [f for v in doc["visits"] for f in v["findings"] if f["rule"] == "INVALID_ROW"]
    assert len(bad) == 1
    assert "Row 3" in bad[0]["message"]
    assert words in bad[0]["message"]
    assert doc["visits"][-1]["findings"][0]["rule"] == "UNITS_OVERBILLED"


def test_visit_over_24_hours_across_rows(rules: RuleSet) -> None:
    text = HEADER + "".join(
        f"v,2026-01-05,P,medicare,,{c},600,,,,,,,,,,\n" for c in ("97110", "97112", "97140")
    )
    doc = json.loads(run(text, rules)[0])
    bad = [f for f in doc["visits"][0]["findings"] if f["rule"] == "INVALID_ROW"]
    assert len(bad) == 1
    assert "Row 4" in bad[0]["message"]


def test_non_contiguous_rows_are_flagged(rules: RuleSet) -> None:
    text = HEADER + (
        "a,2026-01-05,P,medicare,,97110,15,,,,,,,,,,\n"
        "b,2026-01-05,P,medicare,,97110,15,,,,,,,,,,\n"
        "a,2026-01-05,P,medicare,,97112,15,,,,,,,,,,\n"
    )
    doc = json.loads(run(text, rules)[0])
    assert [v["visit_id"] for v in doc["visits"]] == ["a", "b", "a"]
    assert doc["visits"][2]["findings"][0]["rule"] == "VISIT_ROWS_NOT_CONTIGUOUS"


def test_csv_output_one_row_per_finding(rules: RuleSet) -> None:
    text = HEADER + (
        "v1,2026-08-03,P1,medicare,,97110,33,,3,,,,,,,,\n"
        "v2,2026-08-03,P2,medicare,,97110,30,,2,GP,,,,,,,\n"
    )
    out, _ = run(text, rules, "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["rule"] for r in rows} == {"UNITS_OVERBILLED", "MODIFIER_MISSING"}
    assert all(r["visit_id"] == "v1" and r["patient_id"] == "P1" for r in rows)
    assert set(rows[0]) >= {
        "visit_id",
        "date",
        "patient_id",
        "rule",
        "severity",
        "code",
        "message",
        "source",
    }


def test_columns_in_any_order_extra_ignored(rules: RuleSet) -> None:
    text = "code,minutes,extra,visit_id,payer_type,date\n97110,38,x,v,medicare,2026-05-05\n"
    doc = json.loads(run(text, rules)[0])
    assert doc["visits"][0]["lines"][0]["units"] == 3


def test_missing_column_cannot_be_audited(rules: RuleSet) -> None:
    with pytest.raises(AuditInputError, match="minutes"):
        run("visit_id,date,payer_type,code\n", rules)
    with pytest.raises(AuditInputError, match="empty"):
        run("", rules)


# ---- the fast path against the plain one ---------------------------------------------------

FIELD_CHOICES = {
    "visit_id": ["a", "b", "c", "", " a "],
    "date": ["2026-08-03", "2026-08-03", "2019-12-31", "2022-01-03", "2026-02-30", "x"],
    "patient_id": ["P1", "P,2", ""],
    "payer_type": ["medicare", "medicare", "commercial", "self_pay", " Medicaid", "aetna"],
    "unit_method": ["", "", "cms", "ama", "AMA", "rule8"],
    "code": [
        "97110",
        "97112",
        "97140",
        "97530",
        "97116",
        "97161",
        "97162",
        "97010",
        "97014",
        "99999",
        "G0283",
        " 97110",
        "",
    ],
    "minutes": ["0", "7", "8", "15", "23", "38", "53", "700", "-3", "ten", ""],
    "assistant_minutes": ["", "0", "3", "8", "23", "x"],
    "billed_units": ["", "0", "1", "2", "3", "7", "1.5"],
    "billed_modifiers": ["", "GP", "GP KX", "gp;cq", "GP,59", "GO", "GP XU KX CQ"],
    "ytd_allowed_before": ["", "", "2450", "2479.99", "$2,990.50", "3500", "abc"],
    "allowed_amount": ["", "", "30", "12.5", "0", "-0", "1E+2", "$1,000", "nan"],
    "auth_visits": ["", "", "3", "x"],
    "auth_start": ["", "2026-01-01", "bad"],
    "auth_end": ["", "2026-06-30"],
    "auth_codes": ["", "97110 97112"],
    "visit_number": ["", "2", "4", "z"],
}
NAMES = list(FIELD_CHOICES)
REQUIRED_NAMES = ("visit_id", "date", "payer_type", "code", "minutes")
OPTIONAL_NAMES = [n for n in NAMES if n not in REQUIRED_NAMES]


@st.composite
def csv_files(draw: st.DrawFn) -> str:
    names = draw(st.permutations(NAMES))
    dropped = draw(st.sets(st.sampled_from(OPTIONAL_NAMES), max_size=3))
    cols = [n for n in names if n not in dropped]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for _ in range(draw(st.integers(0, 25))):
        row = [draw(st.sampled_from(FIELD_CHOICES[c])) for c in cols]
        if draw(st.integers(0, 20)) == 0:
            row = row[: draw(st.integers(0, len(row)))]
        w.writerow(row)
    return buf.getvalue()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files(), st.sampled_from(["json", "csv"]))
def test_fast_path_is_byte_identical_to_the_plain_path(text: str, fmt: str) -> None:
    want, got = io.StringIO(), io.StringIO()
    s1 = audit_stream_reference(io.StringIO(text), want, fmt, RULES)
    s2 = audit_stream(io.StringIO(text), got, fmt, RULES)
    assert got.getvalue() == want.getvalue()
    assert s2 == s1


DATE_SHAPES = [
    ("iso", "2026-08-03", "2026-01-01", "2026-12-31"),
    ("us", "08/03/2026", "01/01/2026", "12/31/2026"),
    ("us-short", "8/3/2026", "1/1/2026", "12/31/2026"),
]


@pytest.mark.parametrize(
    ("day", "start", "end"), [d[1:] for d in DATE_SHAPES], ids=[d[0] for d in DATE_SHAPES]
)
def test_dates_iso_or_us_give_the_same_audit(
    rules: RuleSet, day: str, start: str, end: str
) -> None:
    iso = HEADER + "v,2026-08-03,P,commercial,,97110,33,,3,GP,,,12,2026-01-01,2026-12-31,97110,13\n"
    other = HEADER + f"v,{day},P,commercial,,97110,33,,3,GP,,,12,{start},{end},97110,13\n"
    for fmt in ("json", "csv"):
        expected = run(iso, rules, fmt)[0]
        assert run(other, rules, fmt)[0] == expected
        out = io.StringIO()
        audit_stream_reference(io.StringIO(other), out, fmt, rules)
        assert out.getvalue() == expected
    assert "INVALID_ROW" not in run(other, rules)[0]


def test_a_date_that_is_neither_shape_names_both(rules: RuleSet) -> None:
    text = HEADER + "v,13/45/2026,P,medicare,,97110,15,,,,,,,,,,\n"
    doc = json.loads(run(text, rules)[0])
    message = doc["visits"][0]["findings"][0]["message"]
    assert "YYYY-MM-DD or MM/DD/YYYY" in message
