"""The CQ de minimis standard (pt-rules D3)."""

import pytest

from ptdesk.domain.billing.assistant import cq_split_timed, cq_split_untimed

TIMED = [
    # id, minutes, assistant minutes, units, expected units with CQ
    ("D3-cms-scenario-pta23-pt13-97110", 36, 23, 2, 1),
    ("D3-pta-whole-service", 30, 30, 2, 2),
    ("D3-pt-whole-service", 30, 0, 2, 0),
    ("D3-two-left-each-9-to-14", 24, 12, 2, 1),
    ("D3-two-left-pt9-pta14", 23, 14, 2, 1),
    ("D3-final-unit-pt-8-no-cq", 22, 14, 1, 0),
    ("D3-final-unit-pt-7-pta-over-10pct", 22, 15, 1, 1),
    ("D3-one-unit-pt7-pta1-just-above-10pct", 8, 1, 1, 1),
    ("D3-pt-full-block-then-pta-final", 25, 10, 2, 1),
    ("D3-pt-17-pta-3-one-unit", 20, 3, 1, 0),
    ("D3-zero-units", 5, 5, 0, 0),
]


@pytest.mark.parametrize(
    ("minutes", "pta", "units", "with_cq"), [t[1:] for t in TIMED], ids=[t[0] for t in TIMED]
)
def test_timed(minutes: int, pta: int, units: int, with_cq: int) -> None:
    split = cq_split_timed(minutes, pta, units)
    assert split.units_with_cq == with_cq
    assert split.units_with_cq + split.units_without_cq == units


@pytest.mark.parametrize(
    ("minutes", "pta", "with_cq"),
    [(20, 2, 0), (20, 3, 1), (30, 3, 0), (31, 4, 1), (10, 10, 1), (10, 0, 0), (100, 11, 1)],
    ids=[
        "exactly-10pct",
        "just-above-10pct",
        "exactly-10pct-30",
        "just-above-31",
        "whole",
        "none",
        "11pct-of-100",
    ],
)
def test_untimed_ten_percent(minutes: int, pta: int, with_cq: int) -> None:
    assert cq_split_untimed(minutes, pta, 1).units_with_cq == with_cq


def test_final_unit_at_exactly_ten_percent_of_remaining_has_no_cq() -> None:
    # 97110 37 min: PT 33 (2 whole blocks + 3), PTA 4 -> 2 whole PT units, remaining 7 min
    # (PT 3, PTA 4): PTA 4/7 > 10% and PT < 8 -> CQ on the final unit.
    assert cq_split_timed(37, 4, 3).units_with_cq == 1
    # PT 39 (2 blocks + 9): PT furnished >= 8 of the remaining 10 -> no CQ.
    assert cq_split_timed(40, 1, 3).units_with_cq == 0
