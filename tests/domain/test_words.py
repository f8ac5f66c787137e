"""Number agreement in every generated sentence: one helper (`domain.words`), and a scan of the
sentences the rules, the audit and the screens' helpers write with counts of 1 and 2."""

import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from ptdesk.domain.auth_terms import AuthorizationTerms
from ptdesk.domain.authorization import AuthorizationRecord, UsageCounts, authorization_status
from ptdesk.domain.billing.assistant import cq_split_timed, cq_split_untimed
from ptdesk.domain.patient_status import CoverageRule, coverage_check
from ptdesk.domain.renewal import RenewalTiming, send_advice
from ptdesk.domain.visit_limits import LimitCounts, VisitLimit, limit_status
from ptdesk.domain.words import agree, noun, plural

TODAY = date(2026, 3, 16)
NOUNS = r"(?:visit|unit|day|minute|request|line|row|year|patient|finding|payer|provider)"
ADJ = r"(?:(?:booked|remaining|whole|15-minute) )*"
MISMATCHES = [
    re.compile(rf"(?<![\d.,])1 {ADJ}{NOUNS}s\b"),  # "1 visits"
    re.compile(rf"(?<![\d.,$])(?:0|[2-9]|[1-9]\d+) {ADJ}{NOUNS}(?![s\w-])"),  # "2 visit"
    re.compile(rf"(?<![\d.,])1 {ADJ}{NOUNS} (?:fall|are|were|remain|take|do|need)\b"),
    re.compile(rf"(?<![\d.,])(?:0|[2-9]|[1-9]\d+) {ADJ}{NOUNS}s (?:falls|is|was|remains|takes"
               r"|does|needs)\b"),
    re.compile(r"\w\(s\)"),  # "visit(s)": the helper decides
]


def disagreements(text: str) -> list[str]:
    return [m.group(0) for rx in MISMATCHES for m in rx.finditer(text)]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("1 booked visit fall outside", ["1 booked visit fall"]),
        ("2 booked visits falls outside", ["2 booked visits falls"]),
        ("1 visits left", ["1 visits"]),
        ("2 visit left", ["2 visit"]),
        ("3 visit(s) of 97110", ["3 visit", "t(s)"]),
        ("1 booked visit falls outside; 2 visits left, 12 days", []),
        ("$1,250 and 15-minute unit, 1.5 units", []),
    ],
)
def test_the_checker_itself(text: str, bad: list[str]) -> None:
    assert disagreements(text) == bad


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "0 visits fall"), (1, "1 visit falls"), (2, "2 visits fall"),
     (12000, "12,000 visits fall")],
)
def test_helpers(n: int, words: str) -> None:
    assert f"{plural(n, 'visit')} {agree(n, 'falls')}" == words
    assert agree(n, "is") == ("is" if n == 1 else "are")
    assert noun(n, "patient") == ("patient" if n == 1 else "patients")


def _authorization_sentences(n: int) -> Iterator[str]:
    terms = AuthorizationTerms(TODAY - timedelta(days=30), TODAY + timedelta(days=n), n,
                               number="A1")
    rec = AuthorizationRecord(1, 1, terms, payer_name="Aetna")
    for used, booked in ((n, 0), (n, n), (0, n + n), (n - 1, 1 + n), (0, 0)):
        over = TODAY + timedelta(days=1)
        for first in (None, over):
            st = authorization_status(rec, UsageCounts(used, booked, over, first), TODAY)
            yield st.summary
            for r in st.reasons():
                yield from (r.chip, r.sentence, r.next_step)
            for open_request in (False, True):
                yield send_advice(st, open_request, RenewalTiming(n, min(n, 1), 21)).sentence


def _limit_sentences(n: int) -> Iterator[str]:
    lim = VisitLimit(1, n + 1, used_elsewhere=n, used_elsewhere_as_of=date(2020, 1, 1),
                     payer_name="BCBS")
    for counts in (LimitCounts(1, n, TODAY), LimitCounts(n + 1, n, TODAY), LimitCounts()):
        for r in limit_status(lim, counts, TODAY).reasons():
            yield from (r.chip, r.sentence, r.next_step)


def _coverage_sentences(n: int) -> Iterator[str]:
    check = coverage_check(CoverageRule(1, "Aetna", True), [], TODAY, uncovered_booked=n,
                           first_uncovered=TODAY + timedelta(days=3))
    for r in check.reasons():
        yield from (r.chip, r.sentence, r.next_step)


def _billing_sentences(n: int) -> Iterator[str]:
    yield cq_split_timed(15 * n + 8, 15 * n + 8, n + 1).explanation
    yield cq_split_timed(15 * n, 0, n).explanation
    yield cq_split_untimed(n, n, 1).explanation
    from ptdesk.services.billing.audit import audit_stream
    from ptdesk.storage.rule_tables import load_bundled_ruleset

    header = ("visit_id,date,payer_type,code,minutes,assistant_minutes,billed_units,"
              "billed_modifiers,auth_visits,auth_start,auth_end,visit_number\n")
    rows = (f"v1,2026-03-02,medicare,97110,{15 * n},,{n + 1},GP,,,,\n"
            f"v2,2026-03-02,medicare,97110,{15 * (n + 1)},,{n},GP,,,,\n"
            f"v3,2026-03-02,medicare,97110,{15 * n},{15 * n},{n},GP,,,,\n"
            f"v4,2026-03-02,medicare,97110,{15 * n},,{n},GP CQ,,,,\n"
            f"v5,2026-03-02,commercial,97110,15,,1,GP,{n},2026-01-01,2026-12-31,{n + 1}\n"
            f"v6,2026-03-02,medicare,97530,{15 * 9},,9,GP,,,,\n")
    out = io.StringIO()
    audit_stream(io.StringIO(header + rows), out, "json", load_bundled_ruleset())
    for v in json.loads(out.getvalue())["visits"]:
        yield v.get("explanation", "")
        for f in v["findings"]:
            yield f["message"]


@pytest.mark.parametrize("n", [1, 2])
def test_generated_sentences_agree_in_number(n: int) -> None:
    sentences = [
        s for gen in (_authorization_sentences, _limit_sentences, _coverage_sentences,
                      _billing_sentences)
        for s in gen(n) if s
    ]
    assert len(sentences) > 40
    bad = {s: disagreements(s) for s in sentences if disagreements(s)}
    assert bad == {}


def test_no_hand_made_plurals_in_ptdesk() -> None:
    """Counted words go through `domain.words`: no "(s)" and no `'s' if n != 1` in f-strings."""
    root = Path(__file__).resolve().parents[2] / "ptdesk"
    hand_made = re.compile(r"""\w\(s\)|'s' if |"s" if """)
    offenders = [
        f"{p.relative_to(root)}:{i}"
        for p in root.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if 'f"' in line and hand_made.search(line)
    ]
    assert offenders == []


def test_no_noun_plus_s_in_f_strings() -> None:
    """`{noun}s` makes "1 visits": counted nouns go through `plural`."""
    root = Path(__file__).resolve().parents[2] / "ptdesk"
    offenders = [
        f"{p.relative_to(root)}:{i}"
        for p in root.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{[a-z_.]+\} \{[a-z_.]*noun\}s\b|\{self\.used\} \{n\}s", line)
    ]
    assert offenders == []
