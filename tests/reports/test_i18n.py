"""The document catalogue: every text in English and Spanish with the same placeholders, and
dates written by ptdesk's own tables (never the desktop's locale)."""

import string
from datetime import date
from decimal import Decimal

import pytest

from ptdesk.domain.estimate_model import EstimatePayer, Phase
from ptdesk.domain.estimate_text import TEMPLATES_EN
from ptdesk.domain.lang_format import format_date, format_percent, format_short_date
from ptdesk.domain.money import format_usd
from ptdesk.reports.i18n import ASSUMPTIONS_ES, PAYER_LABELS, PHASES, TEXT


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_text_has_both_languages_and_the_same_placeholders(key: str) -> None:
    assert set(TEXT[key]) == {"en", "es"}
    assert fields(TEXT[key]["en"]) == fields(TEXT[key]["es"])


def test_every_assumption_phase_and_payer_is_translated() -> None:
    assert set(ASSUMPTIONS_ES) == set(TEMPLATES_EN)
    for key, english in TEMPLATES_EN.items():
        assert fields(english) == fields(ASSUMPTIONS_ES[key]), key
    assert set(PHASES) == set(Phase)
    assert all(set(v) == {"en", "es"} for v in PHASES.values())
    assert set(PAYER_LABELS["es"]) == set(EstimatePayer) == set(PAYER_LABELS["en"])


def test_dates_and_money_per_language() -> None:
    d = date(2026, 3, 7)
    assert format_date(d, "en") == "March 7, 2026"
    assert format_date(d, "es") == "7 de marzo de 2026"
    assert format_short_date(d, "en") == "Sat, Mar 7, 2026"
    assert format_short_date(d, "es") == "sáb, 7 mar 2026"
    assert format_usd(Decimal("1250.5")) == "$1,250.50"
    assert format_usd(Decimal("-5")) == "-$5.00"
    assert format_usd(Decimal("0.005")) == "$0.01"  # half-up, the project's one rule
    assert format_percent(Decimal("20")) == "20%"
    assert format_percent(Decimal("12.50")) == "12.5%"
    with pytest.raises(ValueError, match="language"):
        format_date(d, "de")
