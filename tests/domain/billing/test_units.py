"""Minutes to units, from every worked example in shared/rules/pt-rules.md (B7, C2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptdesk.domain.billing.explain import explain_units
from ptdesk.domain.billing.units import ama_units, cms_units, units_for_minutes

CHART = [  # pt-rules B2
    (0, 0),
    (1, 0),
    (7, 0),
    (8, 1),
    (22, 1),
    (23, 2),
    (37, 2),
    (38, 3),
    (52, 3),
    (53, 4),
    (67, 4),
    (68, 5),
    (82, 5),
    (83, 6),
    (97, 6),
    (98, 7),
    (112, 7),
    (113, 8),
    (127, 8),
    (128, 9),
    (142, 9),
]


@pytest.mark.parametrize(("minutes", "units"), CHART, ids=[f"B2-chart-{m}min" for m, _ in CHART])
def test_unit_chart(minutes: int, units: int) -> None:
    assert units_for_minutes(minutes) == units
    assert cms_units([("97110", minutes)]).total_units == units
    assert ama_units([("97110", minutes)]).total_units == units


# (id, minutes by code, CMS expected, AMA expected). None in CMS = therapist's choice (see ties).
EXAMPLES = [
    (
        "B7-ex1-24-97112-23-97110",
        [("97112", 24), ("97110", 23)],
        {"97112": 2, "97110": 1},
        {"97112": 2, "97110": 2},
    ),
    (
        "B7-ex3-33-97110-7-97140",
        [("97110", 33), ("97140", 7)],
        {"97110": 2, "97140": 1},
        {"97110": 2, "97140": 0},
    ),
    (
        "B7-ex4-18-13-10-8",
        [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)],
        {"97110": 1, "97140": 1, "97116": 1, "97035": 0},
        {"97110": 1, "97140": 1, "97116": 1, "97035": 1},
    ),
    (
        "C2-10-10-10",
        [("97110", 10), ("97112", 10), ("97140", 10)],
        None,
        {"97110": 1, "97112": 1, "97140": 1},
    ),
    ("single-7min", [("97110", 7)], {"97110": 0}, {"97110": 0}),
    ("single-8min", [("97110", 8)], {"97110": 1}, {"97110": 1}),
    ("single-22min", [("97110", 22)], {"97110": 1}, {"97110": 1}),
    ("single-23min", [("97110", 23)], {"97110": 2}, {"97110": 2}),
    (
        "B5-two-under-8-total-8",
        [("97110", 5), ("97140", 3)],
        {"97110": 1, "97140": 0},
        {"97110": 0, "97140": 0},
    ),
    (
        "B5-two-under-8-total-7",
        [("97110", 4), ("97140", 3)],
        {"97110": 0, "97140": 0},
        {"97110": 0, "97140": 0},
    ),
    (
        "B4-each-over-15",
        [("97110", 16), ("97140", 16), ("97530", 16)],
        {"97110": 1, "97140": 1, "97530": 1},
        {"97110": 1, "97140": 1, "97530": 1},
    ),
    (
        "B6-remainder-beats-full",
        [("97110", 23), ("97112", 14)],
        {"97110": 1, "97112": 1},
        {"97110": 2, "97112": 1},
    ),
]


@pytest.mark.parametrize(
    ("minutes", "cms", "ama"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_worked_examples(minutes, cms, ama) -> None:  # type: ignore[no-untyped-def]
    if cms is not None:
        assert cms_units(minutes).as_dict() == cms
    assert ama_units(minutes).as_dict() == ama


def test_c2_totals_differ_between_methods() -> None:
    assert cms_units([("97110", 10), ("97112", 10), ("97140", 10)]).total_units == 2
    assert ama_units([("97110", 10), ("97112", 10), ("97140", 10)]).total_units == 3
    assert cms_units([("97112", 7), ("97110", 7), ("97140", 7)]).total_units == 1
    assert ama_units([("97112", 7), ("97110", 7), ("97140", 7)]).total_units == 0
    ex4 = [("97110", 18), ("97140", 13), ("97116", 10), ("97035", 8)]
    assert (cms_units(ex4).total_units, ama_units(ex4).total_units) == (3, 4)


def test_b7_ex2_tie_either_code_gets_two_never_three() -> None:
    a = cms_units([("97112", 20), ("97110", 20)])
    assert sorted(a.as_dict().values()) == [1, 2]
    assert set(a.tied_codes) == {"97112", "97110"}
    assert len(a.tie_winners) == 1
    # The therapist can switch, through the preference input.
    for choice in ("97110", "97112"):
        assert (
            cms_units([("97112", 20), ("97110", 20)], tie_preference=[choice]).units_of(choice) == 2
        )


def test_b7_ex5_three_times_7_is_one_unit_therapist_selects() -> None:
    a = cms_units([("97112", 7), ("97110", 7), ("97140", 7)])
    assert a.total_units == 1
    assert sum(a.as_dict().values()) == 1
    assert set(a.tied_codes) == {"97112", "97110", "97140"}
    assert cms_units([("97112", 7), ("97110", 7), ("97140", 7)], ["97140"]).units_of("97140") == 1


def test_no_tie_reported_when_remainders_differ() -> None:
    assert cms_units([("97112", 24), ("97110", 23)]).tied_codes == ()


def test_negative_minutes_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        cms_units([("97110", -1)])


def test_explanation_states_the_calculation_and_the_other_method() -> None:
    m = [("97110", 23), ("97112", 14)]
    text = explain_units(cms_units(m), ama_units(m))
    assert text.startswith(
        "37 timed minutes = 2 units; 97110 15 + 8 remaining, 97112 14 remaining: "
        "second unit to 97112"
    )
    assert "AMA per-code would give 3 units" in text
    same = [("97110", 30)]
    assert "would give" not in explain_units(cms_units(same), ama_units(same))
    assert "CMS total-time would give 2 units" in explain_units(
        ama_units([("97110", 10), ("97112", 10), ("97140", 10)]),
        cms_units([("97110", 10), ("97112", 10), ("97140", 10)]),
    )


def test_explanation_names_a_tie_as_the_therapists_choice() -> None:
    m = [("97112", 20), ("97110", 20)]
    assert "therapist choose" in explain_units(cms_units(m), ama_units(m))


codes = st.sampled_from(["97110", "97112", "97116", "97140", "97530", "97535", "97035"])
visits = st.lists(st.tuples(codes, st.integers(0, 120)), max_size=7, unique_by=lambda t: t[0])


@given(visits, st.lists(codes, max_size=3))
def test_property_cms_total_equals_chart(lines, pref) -> None:  # type: ignore[no-untyped-def]
    a = cms_units(lines, pref)
    total = sum(m for _, m in lines)
    assert a.total_units == (total + 7) // 15 == units_for_minutes(total)
    assert sum(a.as_dict().values()) == a.total_units


@given(visits)
def test_property_no_line_above_its_minutes_plus_one(lines) -> None:  # type: ignore[no-untyped-def]
    for a in (cms_units(lines), ama_units(lines)):
        for c in a.codes:
            assert 0 <= c.units <= units_for_minutes(c.minutes) + 1
            assert c.units >= c.minutes // 15  # B4: every full 15 minutes is billed


@given(visits)
def test_property_ama_is_per_code(lines) -> None:  # type: ignore[no-untyped-def]
    a = ama_units(lines)
    assert all(c.units == units_for_minutes(c.minutes) for c in a.codes)
