"""Dates, money and percentages written for the reader's language, never the desktop's locale.

ptdesk prints for US patients in English ("March 7, 2026") or Spanish ("7 de marzo de 2026").
strftime's month-name directive would follow whatever locale Qt or the desktop set (a German
desktop would print "März"), so month and weekday names come from these tables. Money is US
dollars in both languages ("$1,250.50", `money.format_usd`).
"""

from datetime import date
from decimal import Decimal

from ptdesk.domain.money import format_usd

LANGUAGES = ("en", "es")

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def format_date(d: date, lang: str = "en") -> str:
    """"March 7, 2026" / "7 de marzo de 2026"."""
    month = _MONTHS[check_lang(lang)][d.month - 1]
    if lang == "es":
        return f"{d.day} de {month} de {d.year}"
    return f"{month} {d.day}, {d.year}"


def format_short_date(d: date, lang: str = "en") -> str:
    """A table column: "Tue, Mar 7, 2026" / "mar, 7 mar 2026"."""
    day = _DAYS[check_lang(lang)][d.weekday()]
    month = _MONTHS[lang][d.month - 1][:3]
    if lang == "es":
        return f"{day}, {d.day} {month} {d.year}"
    return f"{day}, {month.capitalize()} {d.day}, {d.year}"


def format_money(value: Decimal) -> str:
    return format_usd(value)


def format_percent(value: Decimal) -> str:
    """20 -> "20%", 12.5 -> "12.5%" (same in both languages for a US document)."""
    text = f"{value.normalize():f}"
    return f"{text}%"
