"""Medicare KX: exactly at the threshold is not exceeded (pt-rules D2).

2025 ($2,410) and 2026 ($2,480) are secondary-source figures: they are inputs here."""

from decimal import Decimal

import pytest

from ptdesk.domain.kx_status import KxBands, KxInput, kx_status
from ptdesk.domain.status import ReasonCode, Status

D = Decimal


@pytest.mark.parametrize(
    ("year", "threshold", "ytd", "exceeded", "code"),
    [
        pytest.param(2025, D("2410"), D("2409.99"), False, ReasonCode.KX_APPROACHING,
                     id="2025-one-cent-under"),
        pytest.param(2025, D("2410"), D("2410.00"), False, ReasonCode.KX_APPROACHING,
                     id="2025-exactly-at"),
        pytest.param(2025, D("2410"), D("2410.01"), True, ReasonCode.KX_REQUIRED,
                     id="2025-one-cent-over"),
        pytest.param(2026, D("2480"), D("2479.99"), False, ReasonCode.KX_APPROACHING,
                     id="2026-one-cent-under"),
        pytest.param(2026, D("2480"), D("2480.00"), False, ReasonCode.KX_APPROACHING,
                     id="2026-exactly-at"),
        pytest.param(2026, D("2480"), D("2480.01"), True, ReasonCode.KX_REQUIRED,
                     id="2026-one-cent-over"),
    ],
)
def test_threshold_edges(year: int, threshold: Decimal, ytd: Decimal, exceeded: bool,
                         code: ReasonCode) -> None:
    k = kx_status(KxInput(year, threshold, own_amount=ytd - D("500"),
                          elsewhere_amount=D("500"), elsewhere_year=year))
    assert k.ytd == ytd
    assert k.exceeded is exceeded
    assert k.status is Status.YELLOW
    assert k.reasons()[0].code is code


def test_crossing_kx_is_yellow_with_kx_required_words() -> None:
    k = kx_status(KxInput(2026, D("2480"), own_amount=D("2600")))
    r = k.reasons()[0]
    assert k.status is Status.YELLOW
    assert "KX modifier required from now on" in r.sentence
    assert r.chip == "Yellow · KX modifier required"


@pytest.mark.parametrize(
    ("ytd", "status"),
    [
        pytest.param(D("2079.99"), Status.GREEN, id="401-left-green"),
        pytest.param(D("2080.00"), Status.YELLOW, id="400-left-approaching"),
    ],
)
def test_approaching_margin(ytd: Decimal, status: Status) -> None:
    assert kx_status(KxInput(2026, D("2480"), own_amount=ytd)).status is status


def test_approaching_margin_is_configurable() -> None:
    k = kx_status(KxInput(2026, D("2480"), own_amount=D("1900")), KxBands(D("600")))
    assert k.status is Status.YELLOW


def test_booked_visits_that_would_cross_make_it_yellow() -> None:
    k = kx_status(KxInput(2026, D("2480"), own_amount=D("1500"), booked_amount=D("1000")))
    assert k.status is Status.YELLOW
    assert "will cross it" in k.reasons()[0].sentence


def test_review_threshold_exactly_at_and_over() -> None:
    at = kx_status(KxInput(2026, D("2480"), own_amount=D("3000.00")))
    over = kx_status(KxInput(2026, D("2480"), own_amount=D("3000.01")))
    assert ReasonCode.KX_REVIEW not in [r.code for r in at.reasons()]
    assert ReasonCode.KX_REVIEW in [r.code for r in over.reasons()]
    assert over.status is Status.YELLOW


def test_other_years_amount_elsewhere_is_ignored() -> None:
    k = kx_status(KxInput(2026, D("2480"), own_amount=D("100"), elsewhere_amount=D("2400"),
                          elsewhere_year=2025))
    assert k.ytd == D("100")
    assert k.status is Status.GREEN
    assert ReasonCode.KX_ELSEWHERE_STALE in [r.code for r in k.reasons()]


def test_unknown_threshold_is_not_tracked() -> None:
    k = kx_status(KxInput(2027, None, own_amount=D("100")))
    assert k.status is Status.NOT_TRACKED
    assert k.reasons()[0].code is ReasonCode.KX_THRESHOLD_UNKNOWN
