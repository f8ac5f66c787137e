"""Hypothesis over the validators added after the first pass (issue 12 item 7): the override's
reason, a correction's who and why, diagnoses, the estimate's money and counts, and the typed
date. Each one either accepts and returns a clean value or refuses with a named field; none of
them raises anything else, whatever is typed."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from ptdesk.domain.dates import parse_date
from ptdesk.domain.diagnoses import CodeSet, check_diagnoses, normalise
from ptdesk.domain.errors import ValidationError, ValidationErrors
from ptdesk.domain.estimate_validate import check_count, check_money
from ptdesk.domain.overrides import (
    MAX_BY,
    MAX_DETAIL,
    OverrideDraft,
    OverrideReason,
    check_override,
)
from ptdesk.domain.patient_rules import MAX_AMOUNT
from ptdesk.domain.visit_history import MAX_WHY, check_correction

T = TypeVar("T")

TEXT = st.one_of(st.text(max_size=300), st.just(" " * 5000), st.just("\x00\n\t"))
SETTINGS = settings(max_examples=200, deadline=None)
CODES = CodeSet("ICD-10-CM test", date(2025, 10, 1), date(2026, 9, 30),
                {"M5450": "Low back pain, unspecified", "M25561": "Pain in right knee",
                 "S83511A": "Sprain of ACL of right knee, initial encounter"})


def _run(fn: Callable[..., T], *args: object, **kw: object) -> tuple[T | None, dict[str, str]]:
    """(result, {}) when accepted; (None, errors by field) when refused. Anything else raised
    fails the test."""
    try:
        return fn(*args, **kw), {}
    except ValidationErrors as exc:
        return None, dict(exc.errors)
    except ValidationError as exc:
        return None, {exc.field or "": str(exc)}


@SETTINGS
@given(st.one_of(st.none(), st.sampled_from(OverrideReason)), TEXT, TEXT)
def test_check_override(reason: OverrideReason | None, detail: str, by: str) -> None:
    d, errors = _run(check_override, OverrideDraft(reason, detail, by))
    if d is None:
        assert errors
        assert set(errors) <= {"reason", "detail", "by"}
        return
    assert d.reason is not None
    assert d.by
    assert d.by == d.by.strip()
    assert len(d.by) <= MAX_BY
    assert len(d.detail) <= MAX_DETAIL
    assert d.detail or not d.reason.needs_detail


@SETTINGS
@given(TEXT, TEXT)
def test_check_correction(by: str, why: str) -> None:
    got, errors = _run(check_correction, by, why)
    if got is None:
        assert errors
        assert set(errors) <= {"by", "why"}
        return
    b, w = got
    assert b
    assert b == b.strip()
    assert w
    assert w == w.strip()
    assert len(w) <= MAX_WHY


@SETTINGS
@given(st.lists(st.one_of(TEXT, st.sampled_from(["m54.50", " M25.561 ", "S83.511A", "M54",
                                                   "Z00.00", "M54.5"])), max_size=15))
def test_check_diagnoses(typed: list[str]) -> None:
    got, errors = _run(check_diagnoses, typed, CODES)
    if got is None:
        assert errors
        assert all(k == "diagnoses" or k.startswith("diagnoses.") for k in errors)
        return
    assert len(set(got)) == len(got)
    assert all(c in CODES.codes for c in got)
    assert list(got) == [normalise(t) for t in typed if normalise(t)]


@SETTINGS
@given(st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True),
                 st.sampled_from([Decimal("sNaN"), Decimal("1e999999999"), Decimal("-0.001")])))
def test_check_money(value: Decimal | None) -> None:
    _, errors = _run(check_money, "copay", value)
    if errors:
        assert list(errors) == ["copay"]
        return
    if value is not None:
        assert value.is_finite()
        assert 0 <= value < MAX_AMOUNT
        assert value == value.quantize(Decimal("0.01"))


@SETTINGS
@given(st.one_of(st.none(), st.integers(), st.booleans()), st.integers(-5, 5),
       st.one_of(st.none(), st.integers(0, 400)))
def test_check_count(value: int | None, low: int, high: int | None) -> None:
    _, errors = _run(check_count, "visits", value, low=low, high=high)
    if errors:
        assert list(errors) == ["visits"]
        return
    if value is not None:
        assert not isinstance(value, bool)
        assert value >= low
        assert high is None or value <= high


@SETTINGS
@given(st.one_of(st.text(max_size=40), st.from_regex(r"\d{1,8}", fullmatch=True),
                 st.from_regex(r"\d{1,2}/\d{1,2}/\d{1,5}", fullmatch=True)), st.dates())
def test_parse_date_answers_a_date_or_none(text: str, pivot: date) -> None:
    got = parse_date(text, pivot)
    assert got is None or isinstance(got, date)
