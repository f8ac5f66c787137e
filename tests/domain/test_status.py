"""Status vocabulary: ordering, worst-of, bands and their validation."""

import pytest

from ptdesk.domain.errors import ValidationErrors
from ptdesk.domain.status import (
    DEFAULT_BANDS,
    ReasonCode,
    Status,
    StatusBands,
    StatusReason,
    sort_reasons,
    worst,
)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param([], Status.NOT_TRACKED, id="nothing"),
        pytest.param([Status.GREEN, Status.YELLOW], Status.YELLOW, id="yellow-over-green"),
        pytest.param([Status.YELLOW, Status.NONE], Status.NONE, id="none-over-yellow"),
        pytest.param([Status.NONE, Status.RED, Status.GREEN], Status.RED, id="red-over-all"),
        pytest.param([Status.NOT_TRACKED, Status.GREEN], Status.GREEN, id="green-over-untracked"),
    ],
)
def test_worst(statuses: list[Status], expected: Status) -> None:
    assert worst(statuses) is expected


@pytest.mark.parametrize(
    ("remaining", "expected"),
    [
        pytest.param(6, Status.GREEN, id="6-visits-green"),
        pytest.param(5, Status.YELLOW, id="5-visits-yellow"),
        pytest.param(3, Status.YELLOW, id="3-visits-yellow"),
        pytest.param(2, Status.RED, id="2-visits-red"),
        pytest.param(0, Status.RED, id="0-visits-red"),
    ],
)
def test_visit_bands(remaining: int, expected: Status) -> None:
    assert DEFAULT_BANDS.for_remaining(remaining) is expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(22, Status.GREEN, id="22-days-green"),
        pytest.param(21, Status.YELLOW, id="21-days-yellow"),
        pytest.param(8, Status.YELLOW, id="8-days-yellow"),
        pytest.param(7, Status.RED, id="7-days-red"),
        pytest.param(0, Status.RED, id="0-days-red"),
        pytest.param(-1, Status.RED, id="expired-red"),
    ],
)
def test_day_bands(days: int, expected: Status) -> None:
    assert DEFAULT_BANDS.for_days(days) is expected


def test_payer_bands_are_configurable() -> None:
    strict = StatusBands(red_visits=3, yellow_visits=7, red_days=10, yellow_days=30)
    assert strict.for_remaining(3) is Status.RED
    assert strict.for_remaining(7) is Status.YELLOW
    assert strict.for_days(25) is Status.YELLOW


def test_inconsistent_bands_are_refused() -> None:
    with pytest.raises(ValidationErrors) as err:
        StatusBands(red_visits=5, yellow_visits=3, red_days=-1)
    assert set(err.value.errors) == {"yellow_visits", "red_days"}


def test_reason_chip_reads_without_colour_and_sorting_is_worst_first() -> None:
    green = StatusReason(Status.GREEN, ReasonCode.AUTH_OK, "Auth 1", "9 visits left", "ok")
    red = StatusReason(Status.RED, ReasonCode.AUTH_VISITS_LOW, "Auth 2", "2 visits left", "x")
    assert red.chip == "Red · 2 visits left"
    assert sort_reasons([green, red]) == (red, green)
    assert Status.NONE.icon_name == "status-none"
